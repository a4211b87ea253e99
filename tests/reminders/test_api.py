"""Notifications API (scoped to the user, mark read, constant query count) and the rules API."""

from __future__ import annotations

import pytest

from reminders.models import Notification, ReminderRule
from tests import factories

pytestmark = pytest.mark.django_db


def make_notes(user, n):
    return [Notification.objects.create(user=user, kind="overdue", title=f"通知{i}", body="内容") for i in range(n)]


def test_notifications_are_scoped_to_the_signed_in_user(client_for, staff, leader):
    mine = make_notes(staff, 2)
    theirs = make_notes(leader, 1)
    response = client_for(staff).get("/api/v1/notifications/")
    assert response.status_code == 200
    assert sorted(item["id"] for item in response.data["results"]) == sorted(n.id for n in mine)
    assert client_for(staff).get(f"/api/v1/notifications/{theirs[0].id}/").status_code == 404
    assert client_for(staff).post(f"/api/v1/notifications/{theirs[0].id}/read/").status_code == 404


def test_mark_read_one_and_all(client_for, staff, leader):
    a, b, c = make_notes(staff, 3)
    other = make_notes(leader, 1)[0]
    client = client_for(staff)
    response = client.post(f"/api/v1/notifications/{a.id}/read/")
    assert response.status_code == 200 and response.data["read"] is True
    assert client.get("/api/v1/notifications/unread-count/").data == {"unread": 2}
    assert [n["id"] for n in client.get("/api/v1/notifications/?unread=true").data["results"]] == [c.id, b.id]
    assert client.post("/api/v1/notifications/mark-read/", {}, format="json").data == {"marked": 2}
    other.refresh_from_db()
    assert other.read_at is None  # another user's notification is untouched


@pytest.mark.parametrize("count", [1, 5])
def test_notification_list_query_count_is_constant(client_for, staff, count, django_assert_num_queries):
    make_notes(staff, count)
    client = client_for(staff)
    with django_assert_num_queries(2):  # count + page
        response = client.get("/api/v1/notifications/")
    assert len(response.data["results"]) == count


def test_rules_readable_by_all_writable_by_supervisors(client_for, staff, supervisor):
    rule = ReminderRule.objects.get(document__isnull=True)
    assert client_for(staff).get("/api/v1/reminder-rules/").status_code == 200
    denied = client_for(staff).patch(f"/api/v1/reminder-rules/{rule.id}/", {"days_before": [5]}, format="json")
    assert denied.status_code == 403
    ok = client_for(supervisor).patch(
        f"/api/v1/reminder-rules/{rule.id}/", {"days_before": [10, 2], "channels": ["inapp"]}, format="json"
    )
    assert ok.status_code == 200, ok.data
    rule.refresh_from_db()
    assert rule.days_before == [10, 2] and rule.channels == ["inapp"]


def test_rule_validation_errors_are_400(client_for, supervisor):
    document = factories.PolicyDocumentFactory()
    client = client_for(supervisor)
    bad = client.post("/api/v1/reminder-rules/", {
        "document": document.id, "days_before": [3], "escalate_leader_after_days": 5,
        "escalate_supervisor_after_days": 2,
    }, format="json")
    assert bad.status_code == 400 and "escalate_supervisor_after_days" in bad.data
    bad_channel = client.post("/api/v1/reminder-rules/", {
        "document": document.id, "days_before": [3], "channels": ["sms"]}, format="json")
    assert bad_channel.status_code == 400
    created = client.post("/api/v1/reminder-rules/", {"document": document.id, "days_before": [3]}, format="json")
    assert created.status_code == 201 and created.data["document"] == document.id
    duplicate = client.post("/api/v1/reminder-rules/", {"document": document.id, "days_before": [4]}, format="json")
    assert duplicate.status_code == 400


@pytest.mark.parametrize("count", [1, 5])
def test_rule_list_query_count_is_constant(client_for, supervisor, count, django_assert_num_queries):
    for _ in range(count - 1):
        ReminderRule.objects.create(document=factories.PolicyDocumentFactory())
    client = client_for(supervisor)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/reminder-rules/")
    assert response.data["count"] == count
