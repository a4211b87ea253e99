"""What API tokens may not do, and who may read a department's progress detail.

The seven requests an outside authorization matrix found allowed (issue 15): a read-only token
marking notifications read and changing a reminder rule; a department-limited supervisor token
changing the global reminder rule and listing every upload; department users reading another
department's progress detail (it showed whenever that department had tasks).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from reminders.models import Notification, ReminderRule
from tasks.models import TaskStatus
from tests import factories


def _token_client(user, **token_fields) -> APIClient:
    _token, raw = api_token_create(user=user, name="集成", **token_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def notice(staff):
    return Notification.objects.create(user=staff, kind="urged", title="【催办】测试", body="请加快")


@pytest.mark.django_db
def test_a_read_only_token_reads_notifications_but_cannot_mark_them_read(staff, notice):
    client = _token_client(staff, read_only=True)
    assert client.get("/api/v1/notifications/").status_code == 200
    assert client.post(f"/api/v1/notifications/{notice.pk}/read/").status_code == 403
    assert client.post("/api/v1/notifications/mark-read/", {}, format="json").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None
    writable = _token_client(staff)
    assert writable.post(f"/api/v1/notifications/{notice.pk}/read/").status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.django_db
def test_reminder_rules_refuse_read_only_and_department_limited_tokens(supervisor, department):
    rule = ReminderRule.objects.get(document__isnull=True, active=True)
    before = rule.overdue_repeat_days
    url = f"/api/v1/reminder-rules/{rule.pk}/"
    read_only = _token_client(supervisor, read_only=True)
    assert read_only.get(url).status_code == 200
    assert read_only.patch(url, {"overdue_repeat_days": 9}, format="json").status_code == 403
    limited = _token_client(supervisor, department_id=department.pk)
    resp = limited.patch(url, {"overdue_repeat_days": 9}, format="json")
    assert resp.status_code == 403 and "限定部门" in resp.json()["detail"]
    rule.refresh_from_db()
    assert rule.overdue_repeat_days == before
    full = _token_client(supervisor)
    assert full.patch(url, {"overdue_repeat_days": 9}, format="json").status_code == 200


@pytest.mark.django_db
def test_a_department_limited_supervisor_token_cannot_use_the_city_wide_import_queues(supervisor, department):
    limited = _token_client(supervisor, department_id=department.pk)
    for url in ("/api/v1/imports/", "/api/v1/unresolved-names/", "/api/v1/unassigned-measures/"):
        assert limited.get(url).status_code == 403, url
    assert _token_client(supervisor).get("/api/v1/imports/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["StaffFactory", "LiaisonFactory", "LeaderFactory"])
def test_department_users_see_only_their_own_department_in_progress_views(role, supervisor):
    mine = factories.DepartmentFactory(name="市甲局")
    other = factories.DepartmentFactory(name="市乙局")
    for dept in (mine, other):
        factories.TaskFactory(department=dept, status=TaskStatus.IN_PROGRESS, percent=40)
    user = getattr(factories, role)(department=mine)
    client = APIClient()
    client.force_authenticate(user)
    ranking = client.get("/api/v1/progress/departments/")
    assert ranking.status_code == 200
    # The ranking is scoped like the task list: a department user's tasks are their own department's.
    assert {row["department"]["name"] for row in ranking.json()} == {"市甲局"}
    assert client.get(f"/api/v1/progress/departments/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/progress/departments/{other.pk}/").status_code == 404
    sup = APIClient()
    sup.force_authenticate(supervisor)
    assert sup.get(f"/api/v1/progress/departments/{other.pk}/").status_code == 200
    assert {row["department"]["name"] for row in sup.get("/api/v1/progress/departments/").json()} >= {
        "市甲局", "市乙局"
    }
