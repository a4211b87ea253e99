"""考核 on hand-built histories: rules, reassigned/cancelled tasks, extensions against the original deadline,
idempotent recompute, permissions, rankings, xlsx, and the 通报 docx read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from assessment import bulletins
from assessment.models import Bulletin, DepartmentScore, IssuedBulletinError, ScoreItem, ScoreRuleItem, ScoreRuleSet
from assessment.scoring import compute_closed_periods, compute_period
from departments.models import DepartmentKind
from reminders.models import Notification
from tasks.models import AuditEvent, ExtensionRequest, ProgressReport, ReportingCycle, TaskRole, TaskStatus, Urge
from tests import factories
from workdays.calendar import working_days_after

TODAY = dt.date(2026, 6, 10)


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def set_fields(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()
    return obj


@pytest.fixture
def world(db):
    """A (市直): one task finished late against its original deadline after a late extension, one on time, one
    cancelled overdue. B (县): an overdue open lead task, urged once and returned once. C: a task reassigned
    to it from D on 05-08, urged once before (for D) and once after."""
    doc = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.NONE)
    a = factories.DepartmentFactory(name="市甲局", kind=DepartmentKind.CITY)
    b = factories.DepartmentFactory(name="乙县人民政府", kind=DepartmentKind.COUNTY)
    c = factories.DepartmentFactory(name="市丙局", kind=DepartmentKind.CITY)
    d = factories.DepartmentFactory(name="市丁局", kind=DepartmentKind.CITY)
    sup = factories.SupervisorFactory()
    users = {k: factories.LeaderFactory(department=v) for k, v in {"a": a, "b": b, "c": c, "d": d}.items()}
    users["a_liaison"] = factories.LiaisonFactory(department=a)

    def task(dept, role=TaskRole.RESPONSIBLE, **kw):
        t = factories.TaskFactory(measure=factories.MeasureFactory(document=doc), department=dept, role=role)
        return set_fields(t, assigned_at=at("2026-04-01"), **kw)

    t1 = task(
        a,
        TaskRole.LEAD,
        deadline=dt.date(2026, 5, 31),
        original_deadline=dt.date(2026, 5, 10),
        status=TaskStatus.FINISHED,
        percent=100,
        finished_at=at("2026-05-20"),
    )
    ext = ExtensionRequest.objects.create(
        task=t1,
        requested_by=users["a"],
        reason="延期",
        current_deadline=dt.date(2026, 5, 10),
        requested_deadline=dt.date(2026, 5, 31),
        current_percent=60,
        was_overdue=True,
        status=ExtensionRequest.Status.APPROVED,
        decided_by=sup,
        decided_at=at("2026-05-12"),
    )
    set_fields(ext, created_at=at("2026-05-11"))
    t2 = task(
        a,
        deadline=dt.date(2026, 5, 31),
        original_deadline=dt.date(2026, 5, 31),
        status=TaskStatus.FINISHED,
        percent=100,
        finished_at=at("2026-05-15"),
    )
    t3 = task(a, deadline=dt.date(2026, 5, 1), original_deadline=dt.date(2026, 5, 1), status=TaskStatus.CANCELLED)
    t4 = task(
        b,
        TaskRole.LEAD,
        deadline=dt.date(2026, 5, 10),
        original_deadline=dt.date(2026, 5, 10),
        status=TaskStatus.IN_PROGRESS,
        percent=40,
    )
    set_fields(Urge.objects.create(task=t4, actor=sup, message="请抓紧"), created_at=at("2026-05-12"))
    ev = AuditEvent.objects.create(
        action="task.return", object_type="task", object_id=str(t4.pk), task=t4, note="材料不全"
    )
    set_fields(ev, at=at("2026-05-05"))
    t5 = task(c, deadline=dt.date(2026, 6, 30), original_deadline=dt.date(2026, 6, 30), status=TaskStatus.ASSIGNED)
    set_fields(Urge.objects.create(task=t5, actor=sup, message="给丁局的催办"), created_at=at("2026-05-03"))
    set_fields(t5, assigned_at=at("2026-05-08"))  # 改派 resets assigned_at
    set_fields(Urge.objects.create(task=t5, actor=sup, message="请签收"), created_at=at("2026-05-20"))
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "sup": sup,
        "users": users,
        "doc": doc,
        "t1": t1,
        "t2": t2,
        "t3": t3,
        "t4": t4,
        "t5": t5,
    }


def scores(key="2026-05"):
    return {s.department.name: s for s in DepartmentScore.objects.filter(period__key=key).select_related("department")}


def test_preset_rules_on_hand_built_history(world):
    result = compute_period(key="2026-05", today=TODAY)
    s = scores()
    assert set(s) == {"市甲局", "乙县人民政府", "市丙局"}  # 丁局 has no task left: not scored
    # A: 100 − 1 (late against the ORIGINAL deadline despite the extension) + 1 (on time) − 1 (extension filed late)
    assert s["市甲局"].total == Decimal("99.00")
    assert (s["市甲局"].finished_on_time, s["市甲局"].finished_late, s["市甲局"].overdue_open) == (1, 1, 0)
    assert s["市甲局"].task_count == 2  # the cancelled task is not counted (and not overdue)
    assert s["市甲局"].on_time_rate == Decimal("50.0")
    # B: 100 − 5 (lead overdue open) − 2 (退回重办) − 0.5 (催办)
    assert s["乙县人民政府"].total == Decimal("92.50")
    assert s["乙县人民政府"].on_time_rate == Decimal("0.0")
    assert s["乙县人民政府"].group == "county" and s["乙县人民政府"].rank == 1
    # C: only the 催办 after the reassignment
    assert s["市丙局"].total == Decimal("99.50")
    assert [s["市丙局"].rank, s["市甲局"].rank] == [1, 2]
    assert result.departments == 3
    a_items = ScoreItem.objects.filter(score=s["市甲局"]).order_by("order")
    events = [(i.event, i.task_id, i.points) for i in a_items]
    assert events[0] == ("base", None, Decimal("100.00"))
    assert ("late", world["t1"].pk, Decimal("-1.00")) in events
    assert ("on_time", world["t2"].pk, Decimal("1.00")) in events
    assert ("extension_late", world["t1"].pk, Decimal("-1.00")) in events
    assert not any(i.task_id == world["t3"].pk for i in a_items)
    assert sum(i.points for i in a_items) == s["市甲局"].total
    b_items = {i.event: i for i in ScoreItem.objects.filter(score=s["乙县人民政府"])}
    days = working_days_after(dt.date(2026, 5, 10), dt.date(2026, 5, 31))
    assert f"逾期 {days} 个工作日未办结" in b_items["overdue_open"].explanation
    assert b_items["returned"].event_ref.startswith("audit:") and "材料不全" in b_items["returned"].explanation
    c_urges = ScoreItem.objects.filter(score=s["市丙局"], event="urged")
    assert c_urges.count() == 1 and c_urges.get().event_at == at("2026-05-20")


def test_recompute_of_closed_period_is_idempotent(world):
    def snapshot():
        return sorted(
            (
                s.department_id,
                s.total,
                s.rank,
                s.on_time_rate,
                s.red,
                s.yellow,
                s.green,
                tuple(
                    (i.order, i.event, i.task_id, i.event_ref, i.event_at, i.points, i.explanation)
                    for i in s.items.order_by("order")
                ),
            )
            for s in DepartmentScore.objects.filter(period__key="2026-05")
        )

    compute_period(key="2026-05", today=TODAY)
    first = snapshot()
    compute_period(key="2026-05", today=dt.date(2026, 7, 1))
    assert snapshot() == first
    assert DepartmentScore.objects.filter(period__key="2026-05").count() == 3


def test_period_uses_rule_version_in_force(world):
    newer = ScoreRuleSet.objects.create(name="2026年6月起", valid_from=dt.date(2026, 6, 1), base_score=Decimal("50"))
    ScoreRuleItem.objects.create(ruleset=newer, event="overdue_open", role="any", points=Decimal("-10"))
    compute_period(key="2026-05", today=TODAY)
    compute_period(key="2026-06", today=TODAY)
    assert scores("2026-05")["乙县人民政府"].total == Decimal("92.50")  # preset of 2020
    june = scores("2026-06")
    assert june["乙县人民政府"].total == Decimal("40.00")  # 50 − 10, the June version
    assert june["乙县人民政府"].period.rules["name"] == "2026年6月起"


def test_undertaking_and_completion_presets(world):
    ScoreRuleSet.objects.update(active=False)
    ScoreRuleSet.objects.filter(preset="undertaking").update(active=True)
    compute_period(key="2026-05", today=TODAY)
    s = scores()
    assert s["市甲局"].total == Decimal("-4.00")  # lead late −5, co on time +1
    ScoreRuleSet.objects.update(active=False)
    ScoreRuleSet.objects.filter(preset="completion").update(active=True)
    compute_period(key="2026-05", today=TODAY)
    s = scores()
    assert s["市甲局"].completion_rate == Decimal("100.0")
    assert s["市甲局"].total == Decimal("99.00")  # (100 − 1 late) × 100 %
    assert s["乙县人民政府"].completion_rate == Decimal("0.0")
    assert s["乙县人民政府"].total == Decimal("0.00")  # (100 − 2 − 0.5) × 0 %
    factor = ScoreItem.objects.get(score=s["乙县人民政府"], event="completion")
    assert factor.points == Decimal("-97.50") and "完成率 0.00%" in factor.explanation


def test_missing_report_and_cap(world):
    doc = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY)
    tasks = []
    for _ in range(7):
        t = factories.TaskFactory(
            measure=factories.MeasureFactory(document=doc),
            department=world["c"],
            deadline=dt.date(2026, 12, 31),
            original_deadline=dt.date(2026, 12, 31),
        )
        tasks.append(set_fields(t, assigned_at=at("2026-03-15")))
    ProgressReport.objects.create(
        task=tasks[0], author=world["users"]["c"], period="2026-05", percent=10, progress="已启动"
    )
    compute_period(key="2026-05", today=TODAY)
    items = ScoreItem.objects.filter(score__period__key="2026-05", score__department=world["c"])
    missing = items.filter(event="report_missing")
    assert missing.count() == 6 and {i.task_id for i in missing} == {t.pk for t in tasks[1:]}
    cap = items.get(event="cap")
    assert cap.points == Decimal("2.00")  # 6 × −2 = −12, capped at −10
    assert scores()["市丙局"].total == Decimal("89.50")  # 100 − 0.5 − 10


def test_closed_period_job_computes_once(world):
    assert compute_closed_periods(today=dt.date(2026, 6, 1)) == ["2026-05"]
    assert compute_closed_periods(today=dt.date(2026, 6, 1)) == []
    assert scores()["乙县人民政府"].total == Decimal("92.50")


# --- API and pages ---


def test_breakdown_permissions_api(world, client_for):
    compute_period(key="2026-05", today=TODAY)
    s = scores()
    a_user, b_user = world["users"]["a"], world["users"]["b"]
    url = f"/api/v1/assessment/scores/{s['市甲局'].pk}/"
    resp = client_for(a_user).get(url)
    assert resp.status_code == 200
    assert resp.json()["total"] == "99.00"
    assert any(i["task"] and i["task"]["id"] == world["t1"].pk for i in resp.json()["items"])
    assert client_for(b_user).get(url).status_code == 404
    assert client_for(world["sup"]).get(url).status_code == 200
    # rankings/totals are open to every signed-in user, like 部门进度
    listing = client_for(b_user).get("/api/v1/assessment/scores/", {"period": "2026-05"})
    assert listing.status_code == 200 and listing.json()["count"] == 3
    ranking = client_for(b_user).get("/api/v1/assessment/rankings/", {"period": "2026-05", "group": "city"}).json()
    assert [g["group"] for g in ranking["groups"]] == ["city"]
    assert [r["department"]["name"] for r in ranking["groups"][0]["rows"]] == ["市丙局", "市甲局"]
    county = client_for(b_user).get("/api/v1/assessment/scores/", {"period": "2026-05", "department_kind": "county"})
    assert [r["department"]["name"] for r in county.json()["results"]] == ["乙县人民政府"]
    assert client_for(a_user).post("/api/v1/assessment/periods/compute/", {"period": "2026-05"}).status_code == 403
    assert client_for(a_user).post("/api/v1/assessment/bulletins/", {"period": "2026-05"}).status_code == 403


def test_compute_and_export_api(world, client_for):
    sup = client_for(world["sup"])
    resp = sup.post("/api/v1/assessment/periods/compute/", {"period": "2026-05"}, format="json")
    assert resp.status_code == 200 and resp.json()["department_count"] == 3
    assert sup.post("/api/v1/assessment/periods/compute/", {"period": "2026-13"}, format="json").status_code == 400
    xlsx = sup.get("/api/v1/assessment/scores/export.xlsx", {"period": "2026-05"})
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert any(r[3] == "乙县人民政府" and r[4] == 92.5 for r in rows)


def test_bulletin_docx_edit_issue_and_archive(world, client_for):
    compute_period(key="2026-05", today=TODAY)
    sup = client_for(world["sup"])
    resp = sup.post("/api/v1/assessment/bulletins/", {"period": "2026-05", "overdue_threshold": 5}, format="json")
    assert resp.status_code == 201, resp.content
    bid = resp.json()["id"]
    data = resp.json()
    # 批评: 乙县 is overdue beyond 5 working days with no report in the period
    assert "乙县人民政府" in data["criticism"]
    edited = sup.patch(
        f"/api/v1/assessment/bulletins/{bid}/",
        {"praise": "市丙局：及时签收改派任务。", "doc_number": "督办通报〔2026〕5号"},
        format="json",
    )
    assert edited.status_code == 200
    docx = sup.get(f"/api/v1/assessment/bulletins/{bid}/docx/")
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert "关于2026年5月重点工作督查督办情况的通报" in text
    assert "督办通报〔2026〕5号" in text
    assert "市丙局：及时签收改派任务。" in text
    assert "乙县人民政府：1 项任务逾期超过 5 个工作日" in text
    days = working_days_after(dt.date(2026, 5, 10), dt.date(2026, 5, 31))
    assert ["1", "乙县人民政府", world["t4"].measure.title, "2026-05-10", str(days), "40%"] in cells
    assert ["1", "乙县人民政府", "92.5", "0.0%", "0.0%"] in cells
    assert ["市直部门", "市甲局", "2", "1", "1", "0", "50.0%", "0", "0", "0"] in cells
    assert "按期办结 1 项，逾期办结 1 项" in text

    issued = sup.post(f"/api/v1/assessment/bulletins/{bid}/issue/")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    b = Bulletin.objects.get(pk=bid)
    assert bytes(b.docx) == sup.get(f"/api/v1/assessment/bulletins/{bid}/docx/").content
    assert sup.patch(f"/api/v1/assessment/bulletins/{bid}/", {"praise": "x"}, format="json").status_code == 409
    assert sup.delete(f"/api/v1/assessment/bulletins/{bid}/").status_code == 409
    with pytest.raises(IssuedBulletinError):
        b.overview = "改"
        b.save()
    with pytest.raises(IssuedBulletinError):
        b.delete()
    # recomputing the period later does not touch the archived data
    compute_period(key="2026-05", today=TODAY)
    assert Bulletin.objects.get(pk=bid).data == b.data
    notes = Notification.objects.filter(kind=bulletins.NOTIFICATION_KIND)
    by_user = {n.user_id: n for n in notes}
    users = world["users"]
    assert set(by_user) == {users["a"].pk, users["a_liaison"].pk, users["b"].pk, users["c"].pk}  # not 丁局
    assert "通报批评" in by_user[users["b"].pk].body
    assert "通报表扬" in by_user[users["c"].pk].body
    # issued bulletins are visible to departments; drafts are not
    assert client_for(users["a"]).get(f"/api/v1/assessment/bulletins/{bid}/").status_code == 200


def test_draft_bulletin_hidden_from_departments(world, client_for):
    compute_period(key="2026-05", today=TODAY)
    b = bulletins.bulletin_create(period_key="2026-05", actor=world["sup"])
    assert client_for(world["users"]["a"]).get(f"/api/v1/assessment/bulletins/{b.pk}/").status_code == 404
    assert client_for(world["users"]["a"]).get(f"/api/v1/assessment/bulletins/{b.pk}/docx/").status_code == 404


def test_supervisor_demo_flow_pages(world):
    client = Client()
    client.force_login(world["sup"])
    page = client.get("/assessment/")
    assert page.status_code == 200 and "计算本月得分" in page.content.decode()
    resp = client.post("/assessment/compute/", {"period": "2026-05"})
    assert resp.status_code == 302
    page = client.get("/assessment/?period=2026-05").content.decode()
    assert "乙县人民政府" in page and "92.50" in page and "生成通报" in page
    score = scores()["乙县人民政府"]
    detail = client.get(f"/assessment/scores/{score.pk}/").content.decode()
    assert "退回重办" in detail and "材料不全" in detail and f"/tasks/{world['t4'].pk}/" in detail
    resp = client.post("/assessment/bulletins/new/", {"period": "2026-05", "overdue_threshold": "10"})
    assert resp.status_code == 302
    bid = Bulletin.objects.get().pk
    edit = client.post(
        f"/assessment/bulletins/{bid}/",
        {
            "title": "五月通报",
            "doc_number": "〔2026〕1号",
            "overview": "总体平稳。",
            "praise": "",
            "criticism": "乙县人民政府：逾期。",
        },
    )
    assert edit.status_code == 302
    docx = client.get(f"/assessment/bulletins/{bid}/docx/")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "五月通报" in text and "总体平稳。" in text and "乙县人民政府：逾期。" in text
    assert client.post(f"/assessment/bulletins/{bid}/issue/").status_code == 302
    assert Bulletin.objects.get().status == Bulletin.Status.ISSUED


def test_department_pages_see_own_breakdown_only(world):
    compute_period(key="2026-05", today=TODAY)
    s = scores()
    client = Client()
    client.force_login(world["users"]["a"])
    page = client.get("/assessment/?period=2026-05").content.decode()
    assert "计算本月得分" not in page and "本单位得分" in page
    assert client.get(f"/assessment/scores/{s['市甲局'].pk}/").status_code == 200
    assert client.get(f"/assessment/scores/{s['乙县人民政府'].pk}/").status_code == 404
    assert client.post("/assessment/compute/", {"period": "2026-05"}).status_code == 403
