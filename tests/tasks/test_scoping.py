"""Who sees which task: own department, plus the tasks of measures one's department leads."""

import pytest

from tasks.models import TaskRole, TaskStatus
from tests import factories


@pytest.fixture
def measure_with_lead_and_partner(db):
    lead_dept = factories.DepartmentFactory(name="市牵头局")
    partner = factories.DepartmentFactory(name="市配合局")
    outsider = factories.DepartmentFactory(name="市无关局")
    measure = factories.MeasureFactory()
    lead_task = factories.TaskFactory(measure=measure, department=lead_dept, role=TaskRole.LEAD)
    partner_task = factories.TaskFactory(
        measure=measure, department=partner, role=TaskRole.RESPONSIBLE, status=TaskStatus.SUBMITTED
    )
    other_task = factories.TaskFactory(department=partner)  # a measure the lead department does not lead
    return {
        "lead_leader": factories.LeaderFactory(department=lead_dept),
        "outsider": factories.LeaderFactory(department=outsider),
        "lead_task": lead_task,
        "partner_task": partner_task,
        "other_task": other_task,
    }


def test_lead_department_sees_partner_tasks_of_its_measures_only(measure_with_lead_and_partner, client_for):
    m = measure_with_lead_and_partner
    client = client_for(m["lead_leader"])
    ids = {row["id"] for row in client.get("/api/v1/tasks/?page_size=200").json()["results"]}
    assert ids == {m["lead_task"].pk, m["partner_task"].pk}
    assert client.get(f"/api/v1/tasks/{m['other_task'].pk}/").status_code == 404


def test_lead_department_leader_can_approve_partner_completion(measure_with_lead_and_partner, client_for):
    m = measure_with_lead_and_partner
    task = m["partner_task"]
    resp = client_for(m["lead_leader"]).post(f"/api/v1/tasks/{task.pk}/approve/", {"version": task.version})
    assert resp.status_code == 200, resp.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.FINISHED


def test_unrelated_department_gets_404(measure_with_lead_and_partner, client_for):
    m = measure_with_lead_and_partner
    resp = client_for(m["outsider"]).post(
        f"/api/v1/tasks/{m['partner_task'].pk}/approve/", {"version": m["partner_task"].version}
    )
    assert resp.status_code == 404
    m["partner_task"].refresh_from_db()
    assert m["partner_task"].status == TaskStatus.SUBMITTED
