"""policy_import and the queues it leaves: tasks per measure × department, names, versions, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import DeptRole
from common.errors import ConflictError
from departments.demo import load_demo_city
from departments.models import Department, DepartmentAlias, DepartmentGroup, DepartmentKind, UnresolvedName
from departments.services import department_create
from tasks import import_selectors
from tasks.models import AuditEvent, Measure, PendingAssignment, PolicyDocument, Target, Task, TaskRole, TaskStatus
from tasks.services.imports import (
    ImportFileError,
    measures_assign_bulk,
    pending_assignment_dismiss,
    pending_assignments_confirm,
    policy_diff,
    policy_import,
    unresolved_name_ignore,
    unresolved_name_map,
)
from tests import factories
from tests.tasks import import_docs as D

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    load_demo_city()
    return {d.name: d for d in Department.objects.all()}


def _import(text: str, filename: str = "doc.txt", **kw):
    return policy_import(data=text.encode("utf-8"), filename=filename, **kw)


def _tasks(document, path_key):
    return {
        t.department.name: t
        for t in Task.objects.filter(measure__document=document, measure__path_key=path_key).select_related(
            "department", "owner"
        )
    }


def _row_counts():
    return {
        m.__name__: m.objects.count()
        for m in (PolicyDocument, Measure, Target, Task, PendingAssignment, UnresolvedName, AuditEvent, Department)
    }


# --- One document, all the ways a measure gets (or does not get) its tasks ---


def test_import_creates_tasks_per_measure_and_department(city):
    result = _import(D.DOC_DIGITAL)
    doc = result.document
    assert result.created is True
    assert doc.title == "江海市人民政府关于推进数字经济发展的实施方案"
    assert doc.doc_number == "江政发〔2026〕8号"
    assert doc.source_sha256 and doc.source_file.name

    tasks = _tasks(doc, "二/（一）")
    assert set(tasks) == {"市工业和信息化局", "市发展和改革委员会", "市财政局"}
    lead = tasks["市工业和信息化局"]
    assert lead.role == TaskRole.LEAD and lead.printed_name == "市工信局"
    assert lead.owner.username == "gxj_liaison"  # 联络员 wins over the department's leader
    assert tasks["市财政局"].role == TaskRole.RESPONSIBLE
    assert lead.deadline == lead.original_deadline == dt.date(2026, 12, 31)
    assert lead.deadline_is_default is False

    # A group expands to its members, each task remembering the group.
    group = DepartmentGroup.objects.get(name="各县(市、区)人民政府")
    counties = set(group.members.values_list("name", flat=True))
    tasks = _tasks(doc, "二/（二）")
    assert set(tasks) == {"市工业和信息化局", *counties}
    assert len(counties) == 4
    assert all(tasks[c].via_group_id == group.pk and tasks[c].role == TaskRole.RESPONSIBLE for c in counties)

    # Unknown name: queued, never dropped.
    assert _tasks(doc, "二/（三）") == {}
    pending = PendingAssignment.objects.get(measure__document=doc)
    assert (pending.printed_name, pending.reason, pending.role) == ("市数据资源局", "unresolved", "responsible")
    assert pending.unresolved.name == "市数据资源局" and pending.unresolved.occurrences == 1
    assert result.unresolved_names == ["市数据资源局"]

    # No clause at all: the unassigned queue.
    assert result.unassigned_measure_count == 1
    assert [m.path_key for m in import_selectors.unassigned_measures()] == ["二/（四）"]

    # Outline: sections with parents, measures under them, targets.
    m = Measure.objects.get(document=doc, path_key="二/（一）")
    assert m.parent.path_key == "二" and m.parent.kind == Measure.Kind.SECTION
    assert m.assignment_source == Measure.AssignmentSource.OWN
    assert m.lead_printed == ["市工信局"]
    target = Target.objects.get(measure=m)
    assert target.value == 100 and target.unit == "家" and target.year == 2026
    assert result.measure_count == 5 and result.section_count == 3
    assert result.task_count == Task.objects.count() == 3 + 5 + 3
    assert AuditEvent.objects.filter(action="policy_import", object_id=str(doc.pk)).count() == 1


def test_lead_wins_when_a_department_is_both_lead_and_responsible(city):
    doc = _import(D.DOC_DIGITAL).document
    # 三（一）: lead 市发改委; responsible 市工信局 and 市工业和信息化局 (one department, printed twice).
    tasks = _tasks(doc, "三/（一）")
    assert set(tasks) == {"市发展和改革委员会", "市工业和信息化局", "市统计局"}
    assert tasks["市发展和改革委员会"].role == TaskRole.LEAD
    assert tasks["市工业和信息化局"].role == TaskRole.RESPONSIBLE
    assert Task.objects.filter(measure__path_key="三/（一）", department__name="市工业和信息化局").count() == 1


def test_owner_falls_back_to_leader_then_nobody(db):
    only_leader = department_create(name="市海事局")
    factories.LeaderFactory(department=only_leader)
    factories.StaffFactory(department=only_leader)
    nobody = department_create(name="市气象局")
    leader = only_leader.members.get(dept_role=DeptRole.LEADER)
    text = "江海市气象保障方案\n一、重点任务\n（一）加强预警。（牵头单位：市海事局；责任单位：市气象局）\n"
    doc = _import(text).document
    tasks = _tasks(doc, "一/（一）")
    assert tasks["市海事局"].owner == leader
    assert tasks[nobody.name].owner is None


def test_same_file_twice_creates_nothing(city):
    first = _import(D.DOC_DIGITAL)
    before = _row_counts()
    again = _import(D.DOC_DIGITAL)
    assert again.created is False
    assert again.document.pk == first.document.pk
    assert again.task_count == first.task_count
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "empty.txt", "empty"),
        (bytes(range(256)) * 40, "binary.txt", "binary"),
        ("江海市方案\n一、重点任务\n".encode(), "doc.pages", "unsupported_format"),
        (b"PK\x03\x04not really a docx", "bad.docx", "bad_docx"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(city, data, filename, code):
    before = _row_counts()
    with pytest.raises(ImportFileError) as exc:
        policy_import(data=data, filename=filename)
    assert exc.value.code == code
    assert exc.value.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert _row_counts() == before


def test_too_large_file_is_refused_with_413(city, settings):
    settings.DUBAN = {**settings.DUBAN, "IMPORT_MAX_BYTES": 1000}
    before = _row_counts()
    with pytest.raises(ImportFileError) as exc:
        _import(D.DOC_DIGITAL * 3)
    assert exc.value.code == "too_large" and exc.value.status_code == 413
    assert "大小" in exc.value.message
    assert _row_counts() == before


# --- Formats ---


def test_gbk_html_and_docx_give_the_same_tasks(city):
    def shape(document):
        rows = Task.objects.filter(measure__document=document).values_list("measure__path_key", "department_id", "role")
        return sorted(rows)

    gbk_doc = policy_import(data=D.DOC_DIGITAL.encode("gbk"), filename="gbk.txt").document
    assert gbk_doc.source_encoding.lower() in {"gbk", "gb18030", "gb2312"}
    expected = shape(gbk_doc)
    assert len(expected) == 11
    # The same text in other formats: a different file (different bytes), so import as new documents
    # under other titles to avoid the changed-version check.
    for data, name in (
        (D.html_document(D.DOC_DIGITAL.replace("实施方案", "实施方案（网页版）").replace("江政发〔2026〕8号", "")),
         "doc.html"),
        (D.docx_document(D.DOC_DIGITAL.replace("实施方案", "实施方案（Word版）").replace("江政发〔2026〕8号", "")),
         "doc.docx"),
    ):
        r = policy_import(data=data, filename=name)
        assert r.created
        assert shape(r.document) == expected, name


# --- Document-wide default leads ---


def test_document_default_lead_becomes_suggestions_to_confirm(city, supervisor):
    result = _import(D.DOC_PARKS)
    doc = result.document
    assert doc.default_leads == ["市科技局"]
    suggestions = list(import_selectors.pending_suggestions(document_id=doc.pk))
    # 二（一） and 二（二） have no clause → suggested 市科学技术局; 二（三） names its own lead.
    assert [(s.measure.path_key, s.department.name) for s in suggestions] == [
        ("二/（一）", "市科学技术局"),
        ("二/（二）", "市科学技术局"),
    ]
    assert result.suggested_count == 2 and result.unassigned_measure_count == 0
    assert not import_selectors.unassigned_measures(document_id=doc.pk).exists()
    assert Task.objects.filter(measure__path_key__in=["二/（一）", "二/（二）"]).count() == 0

    created = pending_assignments_confirm(pending_ids=[suggestions[0].pk], user=supervisor)
    assert [(t.department.name, t.role) for t in created] == [("市科学技术局", TaskRole.LEAD)]
    assert created[0].owner is not None
    pending_assignment_dismiss(pending=suggestions[1], user=supervisor)
    suggestions[1].refresh_from_db()
    assert suggestions[1].status == PendingAssignment.Status.DISMISSED
    # Dismissed: the measure is now in the unassigned queue.
    assert [m.path_key for m in import_selectors.unassigned_measures(document_id=doc.pk)] == ["二/（二）"]
    with pytest.raises(ConflictError):
        pending_assignments_confirm(pending_ids=[suggestions[0].pk], user=supervisor)


# --- Unresolved names ---


def test_mapping_an_unresolved_name_creates_tasks_and_is_reused(city, supervisor):
    doc = _import(D.DOC_DIGITAL).document
    unresolved = UnresolvedName.objects.get(name="市数据资源局")
    data_bureau = department_create(name="市大数据管理局")
    liaison = factories.LiaisonFactory(department=data_bureau)

    created = unresolved_name_map(unresolved=unresolved, department=data_bureau, user=supervisor)
    assert [(t.measure.path_key, t.department_id, t.role, t.owner_id) for t in created] == [
        ("二/（三）", data_bureau.pk, TaskRole.RESPONSIBLE, liaison.pk)
    ]
    assert created[0].deadline == dt.date(2027, 12, 31)
    unresolved.refresh_from_db()
    assert unresolved.status == UnresolvedName.Status.MAPPED and unresolved.department == data_bureau
    assert DepartmentAlias.objects.filter(name="市数据资源局", department=data_bureau).exists()
    assert not PendingAssignment.objects.filter(measure__document=doc, status="open").exists()
    assert AuditEvent.objects.filter(action="task_create_mapped", task=created[0]).exists()

    # A later document resolves the name through the alias: a task at once, no new pending.
    second = _import(D.DOC_DATA, "data.txt")
    assert second.unresolved_names == []
    tasks = _tasks(second.document, "一/（一）")
    assert tasks["市大数据管理局"].role == TaskRole.LEAD
    assert tasks["市大数据管理局"].printed_name == "市数据资源局"
    unresolved.refresh_from_db()
    assert unresolved.occurrences == 1


def test_mapping_to_a_group_and_ignoring(city, supervisor):
    _import(D.DOC_DIGITAL)
    group = DepartmentGroup.objects.get(name="市属园区管委会")
    unresolved = UnresolvedName.objects.get(name="市数据资源局")
    created = unresolved_name_map(unresolved=unresolved, group=group, user=supervisor)
    assert len(created) == group.members.count() == 2
    assert all(t.via_group_id == group.pk for t in created)

    _import(D.DOC_NEW_UNITS, "units.txt")
    name = UnresolvedName.objects.get(name="市海洋发展局")
    unresolved_name_ignore(unresolved=name, user=supervisor)
    name.refresh_from_db()
    assert name.status == UnresolvedName.Status.IGNORED
    assert not PendingAssignment.objects.filter(unresolved=name, status="open").exists()


def test_unresolved_occurrences_accumulate_across_documents(city):
    _import(D.DOC_DIGITAL)
    _import(D.DOC_DATA, "data.txt")
    assert UnresolvedName.objects.get(name="市数据资源局").occurrences == 2
    assert PendingAssignment.objects.filter(printed_name="市数据资源局", status="open").count() == 2


# --- Creating missing departments ---


def test_create_missing_departments_merges_printed_forms(db):
    result = _import(D.DOC_NEW_UNITS, create_missing_departments=True)
    assert result.unresolved_names == []
    ndrc = Department.objects.get(name="市发展和改革委")
    assert list(ndrc.aliases.values_list("name", flat=True)) == ["市发改委"]
    assert Department.objects.filter(key=ndrc.key).count() == 1
    kinds = dict(Department.objects.values_list("name", "kind"))
    assert kinds == {
        "市发展和改革委": DepartmentKind.CITY,
        "市海洋发展局": DepartmentKind.CITY,
        "江北县人民政府": DepartmentKind.COUNTY,
        "市海洋经济领导小组办公室": DepartmentKind.OFFICE,
        "滨海新区管委会": DepartmentKind.PARK,
    }
    doc = result.document
    assert _tasks(doc, "一/（一）")["市发展和改革委"].role == TaskRole.LEAD
    assert _tasks(doc, "一/（二）")["市发展和改革委"].printed_name == "市发展和改革委"
    assert sorted(result.created_departments) == sorted(kinds)
    assert not PendingAssignment.objects.exists()


# --- Manual assignment of the unassigned queue ---


def test_measures_assign_bulk(city, supervisor):
    doc = _import(D.DOC_DIGITAL).document
    measure = import_selectors.unassigned_measures(document_id=doc.pk).get()
    finance, gxj = city["市财政局"], city["市工业和信息化局"]
    created = measures_assign_bulk(
        measure_ids=[measure.pk], lead_department_ids=[finance.pk], responsible_department_ids=[gxj.pk, finance.pk],
        deadline=dt.date(2026, 6, 30), user=supervisor,
    )
    assert sorted((t.department.name, t.role, t.deadline) for t in created) == [
        ("市工业和信息化局", TaskRole.RESPONSIBLE, dt.date(2026, 6, 30)),
        ("市财政局", TaskRole.LEAD, dt.date(2026, 6, 30)),
    ]
    measure.refresh_from_db()
    assert measure.assignment_source == Measure.AssignmentSource.MANUAL
    assert not import_selectors.unassigned_measures(document_id=doc.pk).exists()


# --- Changed versions ---


def test_changed_version_is_refused_with_a_diff_then_applied(city, supervisor):
    old = _import(D.DOC_DIGITAL).document
    kept = _tasks(old, "二/（一）")["市工业和信息化局"]
    Task.objects.filter(pk=kept.pk).update(status=TaskStatus.IN_PROGRESS, percent=40)
    county_task = next(t for t in _tasks(old, "二/（二）").values() if t.via_group_id)
    removed_task = _tasks(old, "三/（一）")["市统计局"]
    before = _row_counts()

    with pytest.raises(ConflictError) as exc:
        _import(D.DOC_DIGITAL_V2, "v2.txt")
    assert exc.value.code == "document_changed"
    assert "修改版本" in exc.value.message
    diff = exc.value.extra["diff"]
    assert [d["path_key"] for d in diff["added"]] == ["二/（五）"]
    assert sorted(d["path_key"] for d in diff["removed"]) == ["三/（一）", "二/（四）"]
    assert [d["path_key"] for d in diff["text_changed"]] == ["二/（一）", "二/（二）"]  # the clause is text too
    assert diff["deadline_changed"] == [
        {"path_key": "二/（一）", "title": "培育数字产业集群", "old": "2026-12-31", "new": "2027-12-31"}
    ]
    assert diff["assignments_removed"] == [
        {"path_key": "二/（二）", "name": "各县(市、区)人民政府", "role": "responsible"}
    ]
    assert _row_counts() == before  # nothing written

    result = _import(D.DOC_DIGITAL_V2, "v2.txt", confirm_update=True, user=supervisor)
    new = result.document
    assert new.previous_version == old
    kept.refresh_from_db()
    assert kept.measure.document == new  # the same task row moved over, with its state
    assert (kept.status, kept.percent) == (TaskStatus.IN_PROGRESS, 40)
    assert kept.deadline == kept.original_deadline == dt.date(2027, 12, 31)
    county_task.refresh_from_db()
    removed_task.refresh_from_db()
    assert county_task.status == removed_task.status == TaskStatus.CANCELLED
    assert county_task.measure.document == old
    assert AuditEvent.objects.filter(action="task_cancel", task=removed_task).exists()
    assert set(_tasks(new, "二/（五）")) == {"市商务局"}
    assert result.carried_task_count == 3 + 1  # 二（一） ×3, 二（二） lead
    assert result.cancelled_task_count == 4 + 3  # counties of 二（二）, all of 三（一）
    assert result.rescheduled_task_count == 3
    assert not Task.objects.filter(measure__document=old).exclude(status=TaskStatus.CANCELLED).exists()
    # The old document no longer feeds the unassigned queue.
    assert not import_selectors.unassigned_measures(document_id=old.pk).exists()
    # Re-importing the same v2 bytes: nothing new.
    assert _import(D.DOC_DIGITAL_V2, "v2.txt", confirm_update=True).created is False


def test_policy_diff_of_identical_text_is_empty(city):
    from policyparse import parse_text

    doc = _import(D.DOC_DIGITAL).document
    diff = policy_diff(doc, parse_text(D.DOC_DIGITAL))
    assert diff.is_empty and "无变化" in diff.summary()


# --- Query counts ---


def _import_queries(n: int) -> int:
    text = D.numbered_document(n, title=f"江海市第{n}批任务测试方案", doc_number=f"江政发〔2026〕{n}号")
    with CaptureQueriesContext(connection) as ctx:
        result = _import(text, f"n{n}.txt")
    assert result.document.title == f"江海市第{n}批任务测试方案"
    assert result.measure_count == n and result.task_count == n
    return len(ctx.captured_queries)


def test_import_query_count_does_not_grow_with_measures(city):
    assert _import_queries(5) == _import_queries(50)


@pytest.mark.django_db
def test_unconfirmed_previews_are_purged_after_a_week():
    import datetime as dt

    from django.utils import timezone

    from tasks.models import PolicyUpload
    from tasks.services.imports import policy_uploads_purge
    from tests import factories

    user = factories.SupervisorFactory()
    old = PolicyUpload.objects.create(filename="a.txt", sha256="a" * 64, content=b"x", created_by=user)
    fresh = PolicyUpload.objects.create(filename="b.txt", sha256="b" * 64, content=b"x", created_by=user)
    done = PolicyUpload.objects.create(
        filename="c.txt", sha256="c" * 64, content=b"x", created_by=user, status=PolicyUpload.Status.CONFIRMED
    )
    PolicyUpload.objects.filter(pk__in=[old.pk, done.pk]).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert policy_uploads_purge(older_than_days=7) == 1
    assert set(PolicyUpload.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
