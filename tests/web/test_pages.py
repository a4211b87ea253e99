"""The web UI: who sees which page, the task action forms, stale versions, imports, no CDN."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from departments.models import DepartmentAlias, UnresolvedName
from tasks.models import AuditEvent, ExtensionRequest, PolicyUpload, ProgressReport, Task, TaskRole, TaskStatus
from tests import factories

pytestmark = pytest.mark.django_db

SUPERVISOR_ONLY = ["/overdue/", "/imports/new/", "/names/", "/unassigned/"]
EVERYONE = ["/", "/tasks/", "/progress/", "/documents/", "/notifications/"]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def task(department):
    return factories.TaskFactory(department=department, role=TaskRole.LEAD, deadline=dt.date(2099, 12, 31))


@pytest.fixture
def other_task():
    return factories.TaskFactory(deadline=dt.date(2099, 12, 31))


def _html(resp) -> str:
    return resp.content.decode()


# --- Access ---


def test_login_page_is_chinese(client):
    resp = client.get("/accounts/login/")
    html = _html(resp)
    assert resp.status_code == 200
    assert 'lang="zh-hans"' in html
    assert "用户名" in html and "密码" in html and "登录" in html
    assert "Username" not in html


def test_wrong_password_shows_chinese_error(client, staff):
    resp = client.post("/accounts/login/", {"username": staff.username, "password": "wrong"})
    assert resp.status_code == 200
    assert "用户名或密码不正确" in _html(resp)


def test_login_then_home(client, liaison):
    resp = client.post("/accounts/login/", {"username": liaison.username, "password": "pass12345"})
    assert resp.status_code == 302 and resp["Location"] == "/"
    assert "工作台" in _html(client.get("/"))


@pytest.mark.parametrize("path", EVERYONE + SUPERVISOR_ONLY + ["/tasks/1/", "/documents/1/", "/imports/1/"])
def test_anonymous_is_sent_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", EVERYONE + SUPERVISOR_ONLY)
def test_supervisor_sees_every_page(supervisor, task, path):
    resp = login(supervisor).get(path)
    assert resp.status_code == 200, path


@pytest.mark.parametrize("path", EVERYONE)
def test_department_user_sees_common_pages(staff, task, path):
    assert login(staff).get(path).status_code == 200


@pytest.mark.parametrize("path", SUPERVISOR_ONLY)
def test_department_user_is_refused_supervisor_pages(liaison, path):
    resp = login(liaison).get(path)
    assert resp.status_code == 403
    assert "无权访问" in _html(resp)


def test_department_user_gets_404_for_another_departments_task(staff, other_task):
    assert login(staff).get(f"/tasks/{other_task.pk}/").status_code == 404
    resp = login(staff).post(f"/tasks/{other_task.pk}/act/accept/", {"version": other_task.version})
    assert resp.status_code == 404
    other_task.refresh_from_db()
    assert other_task.status == TaskStatus.ASSIGNED


def test_task_pages_render_for_own_department(staff, supervisor, task):
    for user in (staff, supervisor):
        resp = login(user).get(f"/tasks/{task.pk}/")
        assert resp.status_code == 200
        assert task.measure.title in _html(resp)


def test_document_pages(staff, supervisor, task, other_task):
    doc = task.measure.document
    html = _html(login(staff).get(f"/documents/{doc.pk}/"))
    assert task.measure.title in html
    assert f"/tasks/{task.pk}/" in html
    # Documents are shared, but the other department's task is not linked for a department user.
    doc2 = other_task.measure.document
    html2 = _html(login(staff).get(f"/documents/{doc2.pk}/"))
    assert other_task.department.name in html2
    assert f"/tasks/{other_task.pk}/" not in html2
    assert f"/tasks/{other_task.pk}/" in _html(login(supervisor).get(f"/documents/{doc2.pk}/"))


def test_top_bar_shows_name_department_and_supervisor_links(staff, supervisor):
    html = _html(login(staff).get("/"))
    assert staff.display_name in html and staff.department.name in html and "退出" in html
    assert "/names/" not in html and "/imports/new/" not in html
    sup_html = _html(login(supervisor).get("/"))
    assert "/names/" in sup_html and "/imports/new/" in sup_html and "/overdue/" in sup_html


# --- Task list ---


def test_task_list_is_scoped_and_filters(staff, task, other_task, department):
    finished = factories.TaskFactory(department=department, status=TaskStatus.FINISHED)
    client = login(staff)
    html = _html(client.get("/tasks/"))
    assert task.measure.title in html and finished.measure.title in html
    assert other_task.measure.title not in html
    html = _html(client.get("/tasks/", {"status": TaskStatus.FINISHED}))
    assert finished.measure.title in html and task.measure.title not in html
    html = _html(client.get("/tasks/", {"light": "green"}))
    assert task.measure.title in html and finished.measure.title not in html
    html = _html(client.get("/tasks/", {"q": task.measure.title}))
    assert task.measure.title in html and finished.measure.title not in html


def test_task_list_shows_overdue_and_red_light(staff, department):
    late = factories.TaskFactory(department=department, deadline=dt.date(2020, 1, 1))
    html = _html(login(staff).get("/tasks/", {"overdue": "1"}))
    assert late.measure.title in html
    assert "light-red" in html and "逾期" in html


def test_task_list_query_count_does_not_grow(supervisor, django_assert_num_queries):
    client = login(supervisor)
    factories.TaskFactory()
    client.get("/tasks/")  # warm up (content types, session)
    with django_assert_num_queries(9) as one:  # the page: its keys, then its rows (DeferredJoinPaginator)
        client.get("/tasks/")
    factories.TaskFactory.create_batch(4)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/tasks/")


# --- Actions ---


def test_liaison_accepts_task_via_form(liaison, task):
    client = login(liaison)
    page = _html(client.get(f"/tasks/{task.pk}/"))
    assert f"/tasks/{task.pk}/act/accept/" in page
    resp = client.post(f"/tasks/{task.pk}/act/accept/", {"version": task.version})
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    assert "已签收" in _html(client.get(resp["Location"]))


def test_staff_sees_no_accept_form(staff, task):
    # 签收 is for the department's 联络员/负责人 (tasks/workflow.py); 承办人 may still report progress.
    page = _html(login(staff).get(f"/tasks/{task.pk}/"))
    assert f"/tasks/{task.pk}/act/accept/" not in page
    assert f"/tasks/{task.pk}/act/report/" in page


def test_stale_version_shows_conflict_and_changes_nothing(liaison, task):
    client = login(liaison)
    stale = task.version
    Task.objects.filter(pk=task.pk).update(version=stale + 1)  # someone else saved meanwhile
    resp = client.post(f"/tasks/{task.pk}/act/accept/", {"version": stale})
    assert resp.status_code == 409
    assert "任务已被他人修改，请刷新后重试" in _html(resp)
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and task.version == stale + 1
    assert not AuditEvent.objects.filter(task=task, action="task.accept").exists()


def test_report_with_attachment(staff, task):
    client = login(staff)
    resp = client.post(
        f"/tasks/{task.pk}/act/report/",
        {
            "version": task.version, "percent": 40, "progress": "完成选址论证", "problems": "资金未到位",
            "next_steps": "协调财政", "attachments": SimpleUploadedFile("进展.txt", "内容".encode()),
        },
    )
    assert resp.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert (report.percent, report.problems, report.next_steps) == (40, "资金未到位", "协调财政")
    assert report.attachments.get().original_name == "进展.txt"
    html = _html(client.get(f"/tasks/{task.pk}/"))
    assert "完成选址论证" in html and "进展.txt" in html and "存在问题" in html


def test_invalid_form_keeps_input_and_changes_nothing(staff, task):
    resp = login(staff).post(
        f"/tasks/{task.pk}/act/report/", {"version": task.version, "percent": 140, "progress": "写了一半"}
    )
    assert resp.status_code == 400
    html = _html(resp)
    assert "写了一半" in html
    assert not ProgressReport.objects.exists()


def test_domain_error_message_is_shown(liaison, task):
    # A reason is required to decline: the service refuses with its Chinese message.
    resp = login(liaison).post(f"/tasks/{task.pk}/act/decline/", {"version": task.version, "reason": "  "})
    assert resp.status_code in (400, 409)
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_submit_approve_and_extension_flow(liaison, supervisor, task):
    client = login(liaison)
    client.post(f"/tasks/{task.pk}/act/accept/", {"version": task.version})
    task.refresh_from_db()
    resp = client.post(
        f"/tasks/{task.pk}/act/extend/",
        {"version": task.version, "requested_deadline": "2100-06-30", "reason": "项目审批延后"},
    )
    assert resp.status_code == 302
    ext = ExtensionRequest.objects.get(task=task)
    task.refresh_from_db()
    sup = login(supervisor)
    page = _html(sup.get(f"/tasks/{task.pk}/"))
    assert "项目审批延后" in page and "审批延期" in page
    resp = sup.post(
        f"/tasks/{task.pk}/act/extension_decide/",
        {"version": task.version, "extension": ext.pk, "decision": "approve", "note": "同意"},
    )
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.deadline == dt.date(2100, 6, 30) and task.original_deadline == dt.date(2099, 12, 31)
    client.post(f"/tasks/{task.pk}/act/submit/", {"version": task.version, "evidence": "已建成投用"})
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    sup.post(f"/tasks/{task.pk}/act/approve/", {"version": task.version, "note": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.FINISHED


# --- Dashboards ---


def test_department_dashboard_counts(staff, department):
    factories.TaskFactory(department=department)
    factories.TaskFactory(department=department, deadline=dt.date(2020, 1, 1), status=TaskStatus.IN_PROGRESS)
    factories.TaskFactory()  # another department: not counted
    resp = login(staff).get("/")
    counts = resp.context["counts"]
    assert counts["to_accept"] == 1 and counts["working"] == 1 and counts["overdue"] == 1


def test_supervisor_dashboard_counts(supervisor):
    late = factories.TaskFactory(deadline=dt.date(2020, 1, 1))
    factories.TaskFactory(deadline=dt.date(2099, 1, 1))
    factories.MeasureFactory()  # a measure with no task
    UnresolvedName.objects.create(name="市海洋局")
    resp = login(supervisor).get("/")
    counts = resp.context["counts"]
    assert counts["total"] == 2 and counts["overdue"] == 1 and counts["red"] == 1
    assert counts["unresolved_names"] == 1 and counts["unassigned_measures"] == 1
    assert late.measure.title in _html(resp)


def test_progress_page_rows(supervisor, task, other_task):
    html = _html(login(supervisor).get("/progress/"))
    assert task.department.name in html and other_task.department.name in html


# --- Imports, names, unassigned ---

SMALL_DOC = """江海市关于推进测试工作的实施方案
江政发〔2026〕99号

一、重点任务
（一）建设测试平台。到2027年建成平台2个。（牵头单位：市网页测试局；责任单位：市海洋渔业局）
（二）完善配套制度。制定管理办法。
"""


def test_upload_preview_confirm(supervisor):
    factories.DepartmentFactory(name="市网页测试局")
    client = login(supervisor)
    resp = client.post("/imports/new/", {"file": SimpleUploadedFile("方案.txt", SMALL_DOC.encode())})
    upload = PolicyUpload.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/imports/{upload.pk}/"
    html = _html(client.get(resp["Location"]))
    assert "建设测试平台" in html and "市海洋渔业局" in html and "确认导入" in html
    assert "解析依据" in html and "本条括注" in html
    assert not Task.objects.exists()
    resp = client.post(f"/imports/{upload.pk}/")
    assert resp.status_code == 302
    assert Task.objects.filter(department__name="市网页测试局", role=TaskRole.LEAD).count() == 1
    upload.refresh_from_db()
    assert upload.status == PolicyUpload.Status.CONFIRMED


def test_map_unresolved_name(supervisor):
    factories.DepartmentFactory(name="市网页测试局")
    target = factories.DepartmentFactory(name="市海洋发展局")
    client = login(supervisor)
    client.post("/imports/new/", {"file": SimpleUploadedFile("方案.txt", SMALL_DOC.encode())})
    client.post(f"/imports/{PolicyUpload.objects.get().pk}/")
    name = UnresolvedName.objects.get(name="市海洋渔业局")
    assert "市海洋渔业局" in _html(client.get("/names/"))
    resp = client.post("/names/", {"name": name.pk, "action": "map", "target": f"d:{target.pk}"})
    assert resp.status_code == 302
    assert DepartmentAlias.objects.filter(name="市海洋渔业局", department=target).exists()
    assert Task.objects.filter(department=target, role=TaskRole.RESPONSIBLE).count() == 1


def test_ignore_unresolved_name(supervisor):
    name = UnresolvedName.objects.create(name="有关单位")
    login(supervisor).post("/names/", {"name": name.pk, "action": "ignore"})
    name.refresh_from_db()
    assert name.status == UnresolvedName.Status.IGNORED


def test_bulk_assign_unassigned_measures(supervisor):
    m1, m2 = factories.MeasureFactory(), factories.MeasureFactory()
    lead, resp_dept = factories.DepartmentFactory(), factories.DepartmentFactory()
    client = login(supervisor)
    html = _html(client.get("/unassigned/"))
    assert m1.title in html and m2.title in html
    resp = client.post("/unassigned/", {"measures": [m1.pk, m2.pk], "lead": lead.pk, "responsible": [resp_dept.pk]})
    assert resp.status_code == 302
    assert Task.objects.filter(department=lead, role=TaskRole.LEAD).count() == 2
    assert Task.objects.filter(department=resp_dept, role=TaskRole.RESPONSIBLE).count() == 2


def test_bulk_assign_needs_a_department(supervisor):
    m = factories.MeasureFactory()
    resp = login(supervisor).post("/unassigned/", {"measures": [m.pk]})
    assert resp.status_code == 200
    assert "请至少选择牵头单位或责任单位" in _html(resp)
    assert not Task.objects.exists()


# --- No CDN, Chinese dates ---


def test_no_page_references_a_cdn_or_external_url(supervisor, staff, task):
    pages = [(supervisor, p) for p in EVERYONE + SUPERVISOR_ONLY] + [(staff, p) for p in EVERYONE]
    pages += [(supervisor, f"/tasks/{task.pk}/"), (supervisor, f"/documents/{task.measure.document_id}/")]
    for user, path in pages:
        html = _html(login(user).get(path))
        # Attribute values only: a random CSRF token may contain the letters "cdn" by chance.
        urls = re.findall(r"""(?:src|href|action)=["']([^"']*)["']""", html)
        assert not [u for u in urls if "cdn" in u.lower() or u.startswith(("http:", "https:", "//"))], path
        assert "https://" not in html and not re.search(r"""(src|href)=["']//""", html), path
    assert "https://" not in _html(Client().get("/accounts/login/"))


def test_times_are_beijing_and_chinese_format(supervisor, task):
    # assigned_at is stored in UTC; 2026-01-31 17:30 UTC is 2026-02-01 01:30 in Beijing.
    Task.objects.filter(pk=task.pk).update(assigned_at=dt.datetime(2026, 1, 31, 17, 30, tzinfo=dt.UTC))
    html = _html(login(supervisor).get(f"/tasks/{task.pk}/"))
    assert "2026年02月01日 01:30" in html
    assert "2099年12月31日" in html


# --- Export links (served by the API) ---


def test_progress_and_document_pages_link_to_api_exports(supervisor, task):
    client = login(supervisor)
    html = _html(client.get("/progress/", {"document": task.measure.document_id}))
    xlsx = re.search(r'href="([^"]*export\.xlsx[^"]*)"', html).group(1).replace("&amp;", "&")
    csv_url = re.search(r'href="([^"]*export\.csv[^"]*)"', html).group(1).replace("&amp;", "&")
    assert f"document={task.measure.document_id}" in xlsx
    assert client.get(xlsx).status_code == 200
    resp = client.get(csv_url)
    assert resp.status_code == 200 and task.department.name in resp.content.decode("utf-8-sig")
    doc_html = _html(client.get(f"/documents/{task.measure.document_id}/"))
    doc_xlsx = re.search(r'href="([^"]*export\.xlsx)"', doc_html).group(1)
    assert client.get(doc_xlsx).status_code == 200


# --- Document-wide default assignments ---

DEFAULT_LEAD_DOC = """江海市关于推进网页测试园区建设的行动方案
江政办发〔2026〕77号

一、重点任务
（一）完善园区规划。编制园区发展规划。
（二）强化金融支持。设立专项基金。（牵头单位：市网页测试局）
市网页测试局负责统筹推进本方案实施，市各相关部门要按照职责分工协同推进。
"""


def test_confirm_default_assignment(supervisor):
    dept = factories.DepartmentFactory(name="市网页测试局")
    client = login(supervisor)
    client.post("/imports/new/", {"file": SimpleUploadedFile("园区.txt", DEFAULT_LEAD_DOC.encode())})
    client.post(f"/imports/{PolicyUpload.objects.get().pk}/")
    from tasks.import_selectors import pending_suggestions

    pending = list(pending_suggestions())
    assert pending, "the importer queues the document-wide default lead for confirmation"
    html = _html(client.get("/unassigned/"))
    assert "全文默认分工待确认" in html and pending[0].measure.title[:10] in html
    resp = client.post("/unassigned/suggestions/", {"pending": [p.pk for p in pending], "decision": "confirm"})
    assert resp.status_code == 302
    assert Task.objects.filter(department=dept, measure=pending[0].measure).exists()
    assert not pending_suggestions().exists()


def test_department_user_cannot_decide_suggestions(liaison):
    assert login(liaison).post("/unassigned/suggestions/", {"pending": ["1"]}).status_code == 403
