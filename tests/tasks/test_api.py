"""The task API: scoping, actions, optimistic locking over HTTP, query counts, exports, tokens, schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from tasks.models import AuditEvent, ProgressReport, ReportingCycle, Task, TaskRole, TaskStatus
from tests import factories

S = TaskStatus
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 7, 2, 2, 0, tzinfo=dt.UTC)  # 2026-07-02 10:00 Beijing


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def tasks_for(department, n, **kw):
    return [factories.TaskFactory(department=department, **kw) for _ in range(n)]


# --- Scope ---


@pytest.mark.django_db
def test_department_user_sees_only_own_tasks_and_others_are_404(client_for, liaison):
    mine = factories.TaskFactory(department=liaison.department)
    other = factories.TaskFactory()
    client = client_for(liaison)
    body = client.get("/api/v1/tasks/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert body["count"] == 1
    assert client.get(f"/api/v1/tasks/{other.pk}/").status_code == 404
    resp = client.post(f"/api/v1/tasks/{other.pk}/accept/", {}, format="json")
    assert resp.status_code == 404
    assert resp.json()["code"] == "not_found"
    assert Task.objects.get(pk=other.pk).status == S.ASSIGNED


@pytest.mark.django_db
def test_supervisor_sees_everything_and_token_department_narrows(supervisor):
    a, b = factories.TaskFactory(), factories.TaskFactory()
    client = APIClient()
    client.force_authenticate(supervisor)
    assert client.get("/api/v1/tasks/").json()["count"] == 2
    token, raw = api_token_create(user=supervisor, name="限定", department_id=a.department_id)
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    body = token_client.get("/api/v1/tasks/").json()
    assert [r["id"] for r in body["results"]] == [a.pk]
    assert token_client.get(f"/api/v1/tasks/{b.pk}/").status_code == 404


@pytest.mark.django_db
def test_read_only_token_cannot_write(liaison):
    task = factories.TaskFactory(department=liaison.department)
    _, raw = api_token_create(user=liaison, name="只读", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200
    resp = client.post(f"/api/v1/tasks/{task.pk}/accept/", {}, format="json")
    assert resp.status_code == 403
    assert resp.json()["detail"] == "只读令牌不能执行写操作。"
    assert Task.objects.get(pk=task.pk).status == S.ASSIGNED


@pytest.mark.django_db
def test_user_without_department_sees_nothing(client_for):
    factories.TaskFactory()
    assert client_for(factories.UserFactory()).get("/api/v1/tasks/").json()["count"] == 0


# --- Filters ---


@pytest.mark.django_db
def test_task_filters(client_for, supervisor):
    dept = factories.DepartmentFactory()
    overdue = factories.TaskFactory(department=dept, deadline=dt.date(2026, 6, 30), status=S.IN_PROGRESS)
    finished = factories.TaskFactory(department=dept, deadline=dt.date(2026, 6, 1), status=S.FINISHED)
    later = factories.TaskFactory(deadline=dt.date(2027, 6, 1), role=TaskRole.LEAD)
    client = client_for(supervisor)

    def ids(query):
        return sorted(r["id"] for r in client.get(f"/api/v1/tasks/?{query}").json()["results"])

    assert ids(f"department={dept.pk}") == sorted([overdue.pk, finished.pk])
    assert ids("overdue=true") == [overdue.pk]
    assert ids("light=red") == [overdue.pk]
    assert ids("light=finished") == [finished.pk]
    assert ids("status=finished&status=in_progress") == sorted([overdue.pk, finished.pk])
    assert ids("role=lead") == [later.pk]
    assert ids("deadline_after=2026-06-15&deadline_before=2026-12-31") == [overdue.pk]
    assert ids(f"document={later.measure.document_id}") == [later.pk]
    assert ids(f"q={later.measure.title}") == [later.pk]
    ordered = [r["id"] for r in client.get("/api/v1/tasks/?ordering=-deadline").json()["results"]]
    assert ordered == [later.pk, overdue.pk, finished.pk]


# --- Actions over HTTP ---


@pytest.mark.django_db
def test_accept_returns_task_with_new_version_and_etag(client_for, liaison):
    task = factories.TaskFactory(department=liaison.department)
    client = client_for(liaison)
    detail = client.get(f"/api/v1/tasks/{task.pk}/")
    assert detail["ETag"] == '"1"'
    assert detail.json()["allowed_actions"] == ["accept", "decline", "report", "extend", "assign_handlers"]
    resp = client.post(f"/api/v1/tasks/{task.pk}/accept/", {"version": 1}, format="json")
    assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert (body["status"], body["version"], resp["ETag"]) == ("accepted", 2, '"2"')
    assert body["owner"]["id"] == liaison.pk


@pytest.mark.django_db
def test_illegal_transition_is_409_in_chinese(client_for, liaison):
    task = factories.TaskFactory(department=liaison.department, status=S.FINISHED)
    resp = client_for(liaison).post(f"/api/v1/tasks/{task.pk}/accept/", {}, format="json")
    assert resp.status_code == 409
    assert resp.json() == {"detail": "当前状态“已办结”不能执行“签收”。", "code": "illegal_transition"}


@pytest.mark.django_db
def test_wrong_role_is_403(client_for, staff):
    task = factories.TaskFactory(department=staff.department)
    resp = client_for(staff).post(f"/api/v1/tasks/{task.pk}/accept/", {}, format="json")
    assert resp.status_code == 403
    assert "无权" in resp.json()["detail"]


@pytest.mark.django_db
def test_stale_body_version_is_409_and_nothing_changes(client_for, liaison):
    task = factories.TaskFactory(department=liaison.department)
    client = client_for(liaison)
    assert client.post(f"/api/v1/tasks/{task.pk}/accept/", {"version": 1}, format="json").status_code == 200
    resp = client.post(f"/api/v1/tasks/{task.pk}/decline/", {"version": 1, "reason": "x"}, format="json")
    assert resp.status_code == 409
    assert resp.json()["code"] == "stale" and resp.json()["current_version"] == 2
    task.refresh_from_db()
    assert (task.status, task.version) == (S.ACCEPTED, 2)
    assert AuditEvent.objects.filter(task=task).count() == 1


@pytest.mark.django_db
def test_stale_if_match_is_412_and_nothing_changes(client_for, liaison):
    task = factories.TaskFactory(department=liaison.department)
    client = client_for(liaison)
    resp = client.post(f"/api/v1/tasks/{task.pk}/accept/", {}, format="json", HTTP_IF_MATCH='"0"')
    assert resp.status_code == 412
    assert resp.json()["code"] == "precondition_failed"
    task.refresh_from_db()
    assert (task.status, task.version) == (S.ASSIGNED, 1)
    ok = client.post(f"/api/v1/tasks/{task.pk}/accept/", {}, format="json", HTTP_IF_MATCH='W/"1"')
    assert ok.status_code == 200


@pytest.mark.django_db
def test_report_with_attachment_multipart(client_for, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = factories.TaskFactory(department=staff.department)
    pdf = SimpleUploadedFile("进展.pdf", b"%PDF-1.4", content_type="application/pdf")
    resp = client_for(staff).post(
        f"/api/v1/tasks/{task.pk}/report/",
        {"percent": 30, "progress": "已开展调研", "attachments": [pdf], "version": 1},
        format="multipart",
    )
    assert resp.status_code == 200, resp.json()
    assert (resp.json()["percent"], resp.json()["status"]) == (30, "in_progress")
    assert resp.json()["last_report"]["progress"] == "已开展调研"
    report = ProgressReport.objects.get(task=task)
    assert report.attachments.get().original_name == "进展.pdf"


@pytest.mark.django_db
def test_extend_and_supervisor_approves_over_http(client_for, leader, supervisor):
    task = factories.TaskFactory(department=leader.department, status=S.IN_PROGRESS)
    resp = client_for(leader).post(
        f"/api/v1/tasks/{task.pk}/extend/",
        {"reason": "等待配套资金", "requested_deadline": "2027-03-31", "current_percent": 50},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    ext_id = resp.json()["id"]
    assert client_for(leader).post(f"/api/v1/extensions/{ext_id}/approve/", {}, format="json").status_code == 403
    resp = client_for(supervisor).post(f"/api/v1/extensions/{ext_id}/approve/", {"note": "同意"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (dt.date(2027, 3, 31), dt.date(2026, 12, 31))


# --- Query counts: constant in the number of rows ---


def _count_queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, resp.content[:300]
    return len(ctx.captured_queries)


LIST_URLS = ["/api/v1/tasks/", "/api/v1/overdue/", "/api/v1/reports/", "/api/v1/extensions/",
             "/api/v1/documents/", "/api/v1/measures/", "/api/v1/targets/", "/api/v1/progress/departments/",
             "/api/v1/departments/"]


def _make_rows(n, supervisor):
    for _ in range(n):
        dept = factories.DepartmentFactory()
        factories.DepartmentFactory().aliases.create(name=f"别名{dept.pk}")
        doc = factories.PolicyDocumentFactory()
        measure = factories.MeasureFactory(document=doc)
        measure.targets.create(text="100家", value=100)
        task = factories.TaskFactory(measure=measure, department=dept, deadline=dt.date(2026, 6, 1),
                                     status=S.IN_PROGRESS)
        factories.TaskFactory(measure=measure, role=TaskRole.LEAD)
        report = ProgressReport.objects.create(task=task, author=supervisor, percent=10, progress="p")
        report.attachments.create(file="x.pdf", original_name="x.pdf", size=1)
        task.extensions.create(requested_by=supervisor, reason="r", requested_deadline=dt.date(2027, 1, 1),
                               current_percent=0)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_query_count_is_constant(url, supervisor, client_for, django_assert_max_num_queries):
    client = client_for(supervisor)
    _make_rows(1, supervisor)
    one = _count_queries(client, url, django_assert_max_num_queries)
    _make_rows(5, supervisor)
    six = _count_queries(client, url, django_assert_max_num_queries)
    assert one == six, f"{url}: {one} queries with 1 row, {six} with 6"
    assert six <= 4


@pytest.mark.django_db
def test_task_list_is_three_queries(supervisor, client_for, django_assert_num_queries):
    _make_rows(5, supervisor)
    client = client_for(supervisor)
    with django_assert_num_queries(3):  # COUNT for the paginator + the page's keys + the page's rows
        client.get("/api/v1/tasks/")


@pytest.mark.django_db
def test_progress_departments_is_one_query(supervisor, client_for, django_assert_num_queries):
    _make_rows(5, supervisor)
    client = client_for(supervisor)
    with django_assert_num_queries(1):
        client.get("/api/v1/progress/departments/")


# --- Progress endpoints ---


@pytest.fixture
def small_city(supervisor):
    """市甲局: one red (behind), one overdue, one finished on time; 市乙局: one green that reported in July."""
    a = factories.DepartmentFactory(name="市甲局", order=1)
    b = factories.DepartmentFactory(name="市乙局", order=2, kind="county")
    doc = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY, title="测试方案")
    section = factories.MeasureFactory(document=doc, kind="section", title="一、总体任务", path=["一"])

    def task(dept, **kw):
        t = factories.TaskFactory(department=dept, measure=factories.MeasureFactory(document=doc, parent=section),
                                  **kw)
        Task.objects.filter(pk=t.pk).update(assigned_at=dt.datetime(2026, 1, 1, 9, tzinfo=SH))
        return t

    red = task(a, percent=5, status=S.IN_PROGRESS)
    overdue = task(a, percent=80, status=S.IN_PROGRESS, deadline=dt.date(2026, 6, 20))
    fin = task(a, percent=100, status=S.FINISHED)
    Task.objects.filter(pk=fin.pk).update(finished_at=dt.datetime(2026, 6, 1, 10, tzinfo=SH))
    green = task(b, percent=60, status=S.IN_PROGRESS)
    ProgressReport.objects.create(task=green, author=supervisor, period="2026-07", percent=60, progress="按计划推进")
    ProgressReport.objects.create(task=overdue, author=supervisor, period="2026-06", percent=80, progress="收尾中")
    return {"a": a, "b": b, "doc": doc, "red": red, "overdue": overdue, "fin": fin, "green": green}


@pytest.mark.django_db
def test_progress_departments_endpoint_numbers(client_for, supervisor, small_city):
    rows = client_for(supervisor).get("/api/v1/progress/departments/").json()
    assert [r["department"]["name"] for r in rows] == ["市甲局", "市乙局"]
    a, b = rows
    assert a["total"] == 3 and a["by_status"]["in_progress"] == 2 and a["by_status"]["finished"] == 1
    assert (a["overdue"], a["red"], a["yellow"], a["green"], a["reports_missing"]) == (1, 2, 0, 0, 2)
    assert a["completion_rate"] == pytest.approx(1 / 3, abs=1e-4) and a["on_time_rate"] == 1.0
    assert (b["total"], b["green"], b["reports_missing"]) == (1, 1, 0)
    only_county = client_for(supervisor).get("/api/v1/progress/departments/?department_kind=county").json()
    assert [r["department"]["name"] for r in only_county] == ["市乙局"]
    by_deadline = client_for(supervisor).get("/api/v1/progress/departments/?deadline_before=2026-06-30").json()
    assert [(r["department"]["name"], r["total"]) for r in by_deadline] == [("市甲局", 1)]


@pytest.mark.django_db
def test_progress_department_and_document_detail(client_for, supervisor, small_city):
    client = client_for(supervisor)
    detail = client.get(f"/api/v1/progress/departments/{small_city['a'].pk}/").json()
    assert detail["by_document"][0]["document"]["title"] == "测试方案"
    assert detail["by_document"][0]["total"] == 3
    assert len(detail["by_measure"]) == 3
    doc = client.get(f"/api/v1/progress/documents/{small_city['doc'].pk}/").json()
    assert [(r["section"]["title"], r["total"], r["red"]) for r in doc["by_section"]] == [("一、总体任务", 4, 2)]
    assert len(doc["by_measure"]) == 4
    assert client.get("/api/v1/progress/documents/999999/").status_code == 404


@pytest.mark.django_db
def test_progress_detail_of_other_department_is_404_for_department_user(client_for, small_city):
    liaison = factories.LiaisonFactory(department=small_city["b"])
    client = client_for(liaison)
    assert client.get(f"/api/v1/progress/departments/{small_city['a'].pk}/").status_code == 404
    assert client.get(f"/api/v1/progress/departments/{small_city['b'].pk}/").status_code == 200


# --- Overdue ---


@pytest.mark.django_db
def test_overdue_for_supervisors_ordered_with_last_report(client_for, supervisor, liaison, small_city):
    older = factories.TaskFactory(department=small_city["b"], deadline=dt.date(2026, 5, 1), status=S.ACCEPTED)
    body = client_for(supervisor).get("/api/v1/overdue/").json()
    rows = body["results"]
    assert [r["id"] for r in rows] == [older.pk, small_city["overdue"].pk]
    assert [r["days_overdue"] for r in rows] == [42, 9]  # working days: 劳动节, 端午 and weekends skipped
    # Nothing has been escalated yet: the level comes from the reminder log, not from a guess.
    assert [r["escalation_level"] for r in rows] == ["none", "none"]
    assert rows[1]["last_report"]["progress"] == "收尾中"
    assert rows[0]["last_report"] is None
    assert client_for(liaison).get("/api/v1/overdue/").status_code == 403


# --- Exports ---


@pytest.mark.django_db
def test_document_export_xlsx(client_for, supervisor, small_city):
    measure = small_city["red"].measure
    lead = factories.TaskFactory(measure=measure, role=TaskRole.LEAD, department=small_city["b"])
    ProgressReport.objects.create(task=lead, author=supervisor, percent=20, progress="牵头统筹中")
    resp = client_for(supervisor).get(f"/api/v1/documents/{small_city['doc'].pk}/export.xlsx")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "测试方案"
    header = list(rows[1])  # no 文号 row: the factory document has none
    assert header[:5] == ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]
    assert len(rows) == 2 + 4  # title, header, one row per measure (sections excluded)
    first = dict(zip(header, rows[2], strict=True))
    assert first["牵头单位"] == "市乙局" and first["责任单位"] == "市甲局"
    assert "市乙局：牵头统筹中" in first["最近进展"]
    assert first["状态"].splitlines()[0] == "市乙局：已交办 0%"


@pytest.mark.django_db
def test_document_export_hides_progress_outside_scope(client_for, small_city):
    liaison = factories.LiaisonFactory(department=small_city["a"])
    resp = client_for(liaison).get(f"/api/v1/documents/{small_city['doc'].pk}/export.xlsx")
    content = b"".join(resp.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    progress = rows[1].index("最近进展")
    assert not any("按计划推进" in (r[progress] or "") for r in rows[2:])
    assert any("收尾中" in (r[progress] or "") for r in rows[2:])


@pytest.mark.django_db
def test_progress_exports_xlsx_and_csv_with_bom(client_for, supervisor, small_city):
    client = client_for(supervisor)
    resp = client.get("/api/v1/progress/departments/export.csv")
    assert resp.status_code == 200
    assert resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["部门", "任务总数"]
    assert rows[1][0] == "市甲局" and rows[1][1] == "3"
    xlsx = client.get("/api/v1/progress/departments/export.xlsx")
    ws = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "部门" and values[2][:2] == ("市乙局", 1)


# --- Tokens ---


@pytest.mark.django_db
def test_tokens_create_list_revoke(staff):
    client = APIClient()
    client.force_login(staff)
    resp = client.post("/api/v1/tokens/", {"name": "报表", "read_only": True}, format="json")
    assert resp.status_code == 201, resp.json()
    raw = resp.json()["key"]
    assert raw.startswith("dbn_")
    assert resp.json()["department"] == staff.department_id  # department users get department tokens
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["报表"] and "key" not in listed[0]
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert token_client.get("/api/v1/tasks/").status_code == 200
    assert token_client.post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}/").status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert token_client.get("/api/v1/tasks/").status_code == 401


@pytest.mark.django_db
def test_session_writes_need_csrf(liaison):
    task = factories.TaskFactory(department=liaison.department)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(liaison)
    resp = client.post(f"/api/v1/tasks/{task.pk}/accept/", {}, format="json")
    assert resp.status_code == 403
    assert Task.objects.get(pk=task.pk).status == S.ASSIGNED


@pytest.mark.django_db
def test_other_users_token_is_404(staff):
    other = factories.StaffFactory()
    token, _ = api_token_create(user=other, name="别人的")
    client = APIClient()
    client.force_login(staff)
    assert client.delete(f"/api/v1/tokens/{token.pk}/").status_code == 404


# --- Schema and docs ---


@pytest.mark.django_db
def test_schema_and_swagger_ui_load_without_cdn(client_for, staff):
    client = client_for(staff)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/tasks/{id}/accept/", "/api/v1/progress/departments/", "/api/v1/overdue/",
                 "/api/v1/documents/{id}/export.xlsx", "/api/v1/tokens/"):
        assert path in text
    assert "当前状态“已办结”不能执行“签收”。" in text  # an OpenApiExample
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html


@pytest.mark.django_db
def test_overdue_escalation_level_comes_from_the_reminder_log(client_for, supervisor, small_city):
    from django.utils import timezone

    from reminders.models import ReminderLog

    task = small_city["overdue"]
    ReminderLog.objects.create(
        task=task, recipient=supervisor, target=f"user:{supervisor.pk}", kind="escalate_supervisor",
        channel="inapp", date_key="2026-07-01", status=ReminderLog.Status.SENT, not_before=timezone.now(),
        sent_at=timezone.now(),
    )
    rows = client_for(supervisor).get("/api/v1/overdue/").json()["results"]
    by_id = {r["id"]: r for r in rows}
    assert by_id[task.pk]["escalation_level"] == "supervisor"
    assert by_id[task.pk]["last_reminded_at"] is not None
