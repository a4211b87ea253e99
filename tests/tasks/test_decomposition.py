"""分解下达: sub-tasks of any depth, who may split to whom, deadlines, the open-sub-task guard, visibility,
the roll-up and the tree API."""

from __future__ import annotations

import datetime as dt

import pytest

from common.errors import ConflictError, DomainError, PermissionDeniedError
from departments.models import DepartmentKind
from tasks import selectors
from tasks.models import AuditEvent, Task, TaskRole, TaskStatus
from tasks.services import handling
from tasks.services import workflow as wf
from tasks.workflow import Action, allowed_actions
from tests import factories

S = TaskStatus
PARENT_DEADLINE = dt.date(2099, 12, 31)


@pytest.fixture
def county(db):
    """江海县 (a county) with 县甲局 and 县乙镇 below it, 甲局 with its 综合科; an unrelated 市丙局.

    The county holds a responsible task (accepted) on a measure led by 市牵头局.
    """
    county = factories.DepartmentFactory(name="江海县人民政府", kind=DepartmentKind.COUNTY)
    bureau = factories.DepartmentFactory(name="江海县甲局", parent=county)
    town = factories.DepartmentFactory(name="江海县乙镇", kind=DepartmentKind.TOWNSHIP, parent=county)
    section = factories.DepartmentFactory(name="江海县甲局综合科", kind=DepartmentKind.SECTION, parent=bureau)
    other = factories.DepartmentFactory(name="市丙局")
    lead_dept = factories.DepartmentFactory(name="市牵头局")
    measure = factories.MeasureFactory()
    lead = factories.TaskFactory(
        measure=measure, department=lead_dept, role=TaskRole.LEAD, status=S.IN_PROGRESS, deadline=PARENT_DEADLINE
    )
    task = factories.TaskFactory(
        measure=measure, department=county, role=TaskRole.RESPONSIBLE, status=S.ACCEPTED, deadline=PARENT_DEADLINE
    )
    return {
        "task": task,
        "lead": lead,
        "measure": measure,
        "depts": {"county": county, "bureau": bureau, "town": town, "section": section, "other": other},
        "county_liaison": factories.LiaisonFactory(department=county),
        "county_staff": factories.StaffFactory(department=county),
        "bureau_liaison": factories.LiaisonFactory(department=bureau),
        "bureau_staff": factories.StaffFactory(department=bureau),
        "town_liaison": factories.LiaisonFactory(department=town),
        "section_liaison": factories.LiaisonFactory(department=section),
        "other_leader": factories.LeaderFactory(department=other),
        "lead_leader": factories.LeaderFactory(department=lead_dept),
        "supervisor": factories.SupervisorFactory(),
    }


def _split(world, *names, actor="county_liaison", task=None, deadline=dt.date(2099, 6, 30)):
    task = task or world["task"]
    parts = [{"department_id": world["depts"][n].pk, "deadline": deadline, "note": f"{n}负责"} for n in names]
    return handling.task_decompose(task_id=task.pk, actor=world[actor], parts=parts)


def _sub(world, name) -> Task:
    return Task.objects.get(measure=world["measure"], department=world["depts"][name])


# --- Service ---


def test_liaison_splits_to_units_below_the_county(county):
    children = _split(county, "bureau", "town")
    assert [c.department.name for c in children] == ["江海县甲局", "江海县乙镇"]
    for child in children:
        child.refresh_from_db()
        assert (child.role, child.parent_id, child.status) == (TaskRole.SUB, county["task"].pk, S.ASSIGNED)
        assert child.measure_id == county["measure"].pk
        assert child.deadline == child.original_deadline == dt.date(2099, 6, 30)
        created = AuditEvent.objects.get(task=child, action="task_create_sub")
        assert created.after["parent"] == county["task"].pk
    assert AuditEvent.objects.get(task=child, action="task_create_sub").note == "town负责"
    parent = Task.objects.get(pk=county["task"].pk)
    assert parent.version == 2
    note = AuditEvent.objects.get(task=parent, action="task.decompose").note
    assert note == "分解下达：江海县甲局（2099-06-30）；江海县乙镇（2099-06-30）"


def test_new_sub_tasks_trigger_the_assignment_sweep(county, monkeypatch):
    calls = []
    monkeypatch.setattr(handling, "tasks_assigned", lambda: calls.append(1))
    _split(county, "bureau")
    assert calls == [1]


def test_units_not_below_the_department_are_refused(county):
    # 市丙局 is not below the county; 综合科 is (two levels down) and may be chosen.
    with pytest.raises(DomainError) as exc:
        _split(county, "other")
    assert "不是“江海县人民政府”的下级单位" in exc.value.message
    _split(county, "section")
    assert _sub(county, "section").parent_id == county["task"].pk


def test_supervisor_may_split_to_any_active_department(county):
    _split(county, "other", actor="supervisor")
    assert _sub(county, "other").parent_id == county["task"].pk
    inactive = factories.DepartmentFactory(name="市停用局", active=False)
    with pytest.raises(DomainError):
        handling.task_decompose(
            task_id=county["task"].pk,
            actor=county["supervisor"],
            parts=[{"department_id": inactive.pk, "deadline": dt.date(2099, 1, 1)}],
        )


@pytest.mark.parametrize("who", ["county_staff", "bureau_liaison", "other_leader", "lead_leader"])
def test_only_the_departments_gatekeepers_or_supervisor_may_split(county, who):
    with pytest.raises(PermissionDeniedError):
        _split(county, "bureau", actor=who)
    assert not Task.objects.filter(parent__isnull=False).exists()


def test_deadline_later_than_the_parents_is_refused(county):
    with pytest.raises(DomainError) as exc:
        _split(county, "bureau", deadline=dt.date(2100, 1, 1))
    assert exc.value.message == "“江海县甲局”的完成时限不能晚于上级任务的完成时限（2099年12月31日）。"
    with pytest.raises(DomainError) as exc:
        handling.task_decompose(
            task_id=county["task"].pk,
            actor=county["county_liaison"],
            parts=[{"department_id": county["depts"]["bureau"].pk, "deadline": None}],
        )
    assert exc.value.message == "第 1 项请填写完成时限。"
    with pytest.raises(DomainError) as exc:
        _split(county, "bureau", deadline=dt.date(2020, 1, 1))
    assert "不能早于今天" in exc.value.message
    assert not Task.objects.filter(parent__isnull=False).exists()
    assert Task.objects.get(pk=county["task"].pk).version == 1


def test_a_department_with_a_task_on_the_measure_is_a_conflict(county):
    _split(county, "bureau")
    with pytest.raises(ConflictError) as exc:
        _split(county, "bureau", "town")
    assert "“江海县甲局”在该措施下已有任务" in exc.value.message
    assert not Task.objects.filter(department=county["depts"]["town"]).exists()  # all or nothing
    with pytest.raises(DomainError, match="重复填写"):
        _split(county, "town", "town")


def test_split_only_while_the_work_is_open(county):
    Task.objects.filter(pk=county["task"].pk).update(status=S.ASSIGNED)
    with pytest.raises(ConflictError, match="不能执行“分解下达”"):
        _split(county, "bureau")


def test_sub_tasks_split_again_to_any_depth(county):
    _split(county, "bureau")
    bureau_task = _sub(county, "bureau")
    wf.task_accept(task_id=bureau_task.pk, actor=county["bureau_liaison"])
    _split(county, "section", actor="bureau_liaison", task=bureau_task, deadline=dt.date(2099, 3, 31))
    section_task = _sub(county, "section")
    assert section_task.parent_id == bureau_task.pk and section_task.role == TaskRole.SUB
    # The bureau's deadline bounds the section's.
    Task.objects.filter(pk=section_task.pk).delete()
    with pytest.raises(DomainError, match="2099年06月30日"):
        _split(county, "section", actor="bureau_liaison", task=bureau_task, deadline=dt.date(2099, 7, 1))


def test_splitting_stops_at_the_visible_depth(county):
    task = county["task"]
    for level in range(1, selectors.SUBTREE_DEPTH + 1):
        dept = factories.DepartmentFactory(name=f"第{level}级单位")
        handling.task_decompose(
            task_id=task.pk,
            actor=county["supervisor"],
            parts=[{"department_id": dept.pk, "deadline": dt.date(2099, 1, 1)}],
        )
        task = Task.objects.get(department=dept)
        Task.objects.filter(pk=task.pk).update(status=S.ACCEPTED)
    deepest = factories.DepartmentFactory(name="过深单位")
    with pytest.raises(ConflictError, match="分解层级已达上限"):
        handling.task_decompose(
            task_id=task.pk,
            actor=county["supervisor"],
            parts=[{"department_id": deepest.pk, "deadline": dt.date(2099, 1, 1)}],
        )
    # The county still sees the deepest sub-task (6 levels down).
    assert selectors.task_list_for_user(user=county["county_liaison"]).filter(pk=task.pk).exists()


# --- Guard: open sub-tasks block 申请办结 and 审核办结 ---


def test_parent_cannot_be_submitted_while_sub_tasks_are_open(county):
    _split(county, "bureau", "town")
    with pytest.raises(ConflictError) as exc:
        wf.task_submit_completion(task_id=county["task"].pk, actor=county["county_liaison"], evidence="已完成")
    assert exc.value.message.startswith("尚有 2 项分解任务未办结")
    Task.objects.filter(parent_id=county["task"].pk, department=county["depts"]["bureau"]).update(status=S.FINISHED)
    Task.objects.filter(parent_id=county["task"].pk, department=county["depts"]["town"]).update(status=S.CANCELLED)
    wf.task_submit_completion(task_id=county["task"].pk, actor=county["county_liaison"], evidence="已完成")
    assert Task.objects.get(pk=county["task"].pk).status == S.SUBMITTED


def test_reviewer_approves_with_open_sub_tasks_only_with_a_reason(county):
    _split(county, "bureau")
    Task.objects.filter(pk=county["task"].pk).update(status=S.SUBMITTED)  # e.g. submitted before the split
    with pytest.raises(ConflictError, match="尚有 1 项分解任务未办结"):
        wf.task_approve(task_id=county["task"].pk, actor=county["lead_leader"])
    with pytest.raises(ConflictError):
        wf.task_approve(task_id=county["task"].pk, actor=county["lead_leader"], override_reason="   ")
    wf.task_approve(task_id=county["task"].pk, actor=county["lead_leader"], override_reason="乙镇部分已另行落实")
    assert Task.objects.get(pk=county["task"].pk).status == S.FINISHED
    audit = AuditEvent.objects.get(task=county["task"], action="task.subtasks_override")
    assert audit.note == "尚有 1 项分解任务未办结，审核人说明：乙镇部分已另行落实"
    assert audit.actor_id == county["lead_leader"].pk


def test_sub_task_is_reviewed_by_the_department_that_split_it(county):
    _split(county, "bureau")
    sub = _sub(county, "bureau")
    Task.objects.filter(pk=sub.pk).update(status=S.SUBMITTED)
    sub.refresh_from_db()
    assert Action.APPROVE in allowed_actions(sub, county["county_liaison"])
    assert Action.APPROVE not in allowed_actions(sub, county["lead_leader"])
    with pytest.raises(PermissionDeniedError):
        wf.task_approve(task_id=sub.pk, actor=county["bureau_liaison"])
    wf.task_approve(task_id=sub.pk, actor=county["county_liaison"])
    assert Task.objects.get(pk=sub.pk).status == S.FINISHED


# --- Visibility ---


def _visible(user) -> set[str]:
    return {t.department.name for t in selectors.task_list_for_user(user=user)}


def test_visibility_of_the_subtree(county):
    _split(county, "bureau", "town")
    bureau_task = _sub(county, "bureau")
    Task.objects.filter(pk=bureau_task.pk).update(status=S.ACCEPTED)
    _split(county, "section", actor="bureau_liaison", task=bureau_task, deadline=dt.date(2099, 3, 31))
    # The county sees its task and the whole subtree below it (two levels).
    assert _visible(county["county_staff"]) == {"江海县人民政府", "江海县甲局", "江海县乙镇", "江海县甲局综合科"}
    # The bureau sees its sub-task and the section's, not its sibling (乙镇) nor the county's task.
    assert _visible(county["bureau_staff"]) == {"江海县甲局", "江海县甲局综合科"}
    assert _visible(county["town_liaison"]) == {"江海县乙镇"}
    assert _visible(county["section_liaison"]) == {"江海县甲局综合科"}
    assert _visible(county["other_leader"]) == set()
    # The lead department sees every task of the measures it leads (as before).
    assert "江海县甲局综合科" in _visible(county["lead_leader"])


def test_task_list_stays_three_queries_with_the_subtree_rule(county, client_for, django_assert_num_queries):
    _split(county, "bureau", "town")
    client = client_for(county["county_liaison"])
    with django_assert_num_queries(3):  # count, the page's keys, the page's rows
        body = client.get("/api/v1/tasks/").json()
    assert body["count"] == 3


# --- Roll-up ---


def test_rollup_averages_children_and_keeps_the_worst_light(county):
    _split(county, "bureau", "town", "section")
    Task.objects.filter(department=county["depts"]["bureau"]).update(percent=40, status=S.IN_PROGRESS)
    Task.objects.filter(department=county["depts"]["town"]).update(status=S.FINISHED)
    # 综合科 is overdue: red.
    Task.objects.filter(department=county["depts"]["section"]).update(deadline=dt.date(2020, 1, 1), percent=20)
    parent = selectors.task_get_for_user(user=county["county_liaison"], task_id=county["task"].pk)
    rollup = selectors.subtask_rollup(parent)
    assert rollup["total"] == 3 and rollup["open"] == 2 and rollup["finished"] == 1
    assert rollup["percent"] == round((40 + 100 + 20) / 3)
    assert rollup["worst_light"] == "red" and rollup["light"] == "red"
    assert parent.children_count == 3


# --- API ---


def test_api_decompose_roles_and_errors(county, client_for):
    url = f"/api/v1/tasks/{county['task'].pk}/decompose/"
    bureau, town = county["depts"]["bureau"].pk, county["depts"]["town"].pk
    body = {"parts": [{"department_id": bureau, "deadline": "2099-06-30", "note": "摸底"}], "version": 1}
    assert client_for(county["county_staff"]).post(url, body, format="json").status_code == 403
    assert client_for(county["other_leader"]).post(url, body, format="json").status_code == 404
    late = {"parts": [{"department_id": bureau, "deadline": "2100-01-01"}]}
    resp = client_for(county["county_liaison"]).post(url, late, format="json")
    assert resp.status_code == 400 and "不能晚于上级任务的完成时限" in resp.json()["detail"]
    assert client_for(county["county_liaison"]).post(url, {"parts": []}, format="json").status_code == 400
    resp = client_for(county["county_liaison"]).post(url, body, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["children_count"] == 1 and resp.json()["version"] == 2
    again = {
        "parts": [
            {"department_id": bureau, "deadline": "2099-06-30"},
            {"department_id": town, "deadline": "2099-06-30"},
        ]
    }
    resp = client_for(county["county_liaison"]).post(url, again, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "duplicate_task"


def test_api_task_fields_and_sibling_404(county, client_for):
    _split(county, "bureau", "town")
    bureau_task, town_task = _sub(county, "bureau"), _sub(county, "town")
    client = client_for(county["bureau_liaison"])
    data = client.get(f"/api/v1/tasks/{bureau_task.pk}/").json()
    assert data["parent"] == county["task"].pk and data["role"] == "sub" and data["role_display"] == "分解承办"
    assert data["children_count"] == 0 and "decompose" not in data["allowed_actions"]
    assert client.get(f"/api/v1/tasks/{town_task.pk}/").status_code == 404
    assert client.get(f"/api/v1/tasks/{county['task'].pk}/").status_code == 404
    parent = client_for(county["county_liaison"]).get(f"/api/v1/tasks/{county['task'].pk}/").json()
    assert parent["parent"] is None and parent["children_count"] == 2
    listed = client_for(county["county_liaison"]).get(f"/api/v1/tasks/?parent={county['task'].pk}").json()
    assert sorted(r["id"] for r in listed["results"]) == sorted([bureau_task.pk, town_task.pk])


def test_api_tree_returns_the_subtree(county, client_for):
    _split(county, "bureau", "town")
    bureau_task = _sub(county, "bureau")
    Task.objects.filter(pk=bureau_task.pk).update(status=S.ACCEPTED, percent=50)
    _split(county, "section", actor="bureau_liaison", task=bureau_task, deadline=dt.date(2099, 3, 31))
    tree = client_for(county["county_liaison"]).get(f"/api/v1/tasks/{county['task'].pk}/tree/").json()
    assert tree["id"] == county["task"].pk and tree["department"]["name"] == "江海县人民政府"
    assert [c["department"]["name"] for c in tree["children"]] == ["江海县甲局", "江海县乙镇"]
    bureau_node = tree["children"][0]
    assert (bureau_node["status"], bureau_node["percent"], bureau_node["deadline"]) == ("accepted", 50, "2099-06-30")
    assert bureau_node["light"] in ("green", "yellow", "red")
    assert [c["department"]["name"] for c in bureau_node["children"]] == ["江海县甲局综合科"]
    assert tree["rollup"]["total"] == 2 and tree["rollup"]["open"] == 2 and tree["rollup"]["percent"] == 25
    # The bureau's tree: its own part only; the town cannot open the county's or the bureau's tree.
    sub_tree = client_for(county["bureau_liaison"]).get(f"/api/v1/tasks/{bureau_task.pk}/tree/").json()
    assert [c["department"]["name"] for c in sub_tree["children"]] == ["江海县甲局综合科"]
    town = client_for(county["town_liaison"])
    assert town.get(f"/api/v1/tasks/{county['task'].pk}/tree/").status_code == 404
    assert town.get(f"/api/v1/tasks/{bureau_task.pk}/tree/").status_code == 404


def test_api_approve_override_reason(county, client_for):
    _split(county, "bureau")
    Task.objects.filter(pk=county["task"].pk).update(status=S.SUBMITTED)
    url = f"/api/v1/tasks/{county['task'].pk}/approve/"
    client = client_for(county["lead_leader"])
    resp = client.post(url, {}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "open_subtasks"
    assert "尚有 1 项分解任务未办结" in resp.json()["detail"]
    resp = client.post(url, {"override_reason": "其余部分已并入年度考核"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "finished"


def test_openapi_schema_lists_the_new_actions(client_for, supervisor):
    resp = client_for(supervisor).get("/api/schema/")
    assert resp.status_code == 200
    text = resp.content.decode()
    for path in ("/tasks/{id}/assign_handlers/", "/tasks/{id}/decompose/", "/tasks/{id}/tree/"):
        assert path in text
    assert "override_reason" in text
