"""通知设置: API and web page (own user only), applied to sweep and event rows; the daily personal summary."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from reminders.events import record_event
from reminders.models import Notification, NotificationPreference, ReminderKind, ReminderLog
from reminders.services import reminder_deliver_pending, reminder_send_personal_digests, reminder_sweep
from tasks.models import AuditEvent, TaskStatus
from tests import factories

from .conftest import WORKING, at, run_day

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/api/v1/notifications/preferences/"


# --- API ---


def test_api_get_defaults_then_put_own_settings(client_for, staff, leader):
    client = client_for(staff)
    assert client.get(URL).data["muted_kinds"] == [] and client.get(URL).data["channels"] == ["inapp", "email"]
    response = client.put(URL, {"muted_kinds": ["due_soon"], "channels": ["inapp"], "digest": True}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["muted_kinds"], response.data["channels"], response.data["digest"]) == (
        ["due_soon"],
        ["inapp"],
        True,
    )
    pref = NotificationPreference.objects.get(user=staff)
    assert (pref.muted_kinds, pref.channels, pref.digest) == (["due_soon"], ["inapp"], True)
    assert not NotificationPreference.objects.filter(user=leader).exists()  # only one's own settings
    assert client_for(leader).get(URL).data["digest"] is False


def test_api_refuses_muting_escalations_and_switching_inapp_off(client_for, supervisor):
    client = client_for(supervisor)
    bad = client.put(URL, {"muted_kinds": ["escalate_supervisor"]}, format="json")
    assert bad.status_code == 400 and "不能屏蔽" in str(bad.data)
    off = client.put(URL, {"channels": ["email"]}, format="json")
    assert off.status_code == 400 and "站内通知不能关闭" in str(off.data)
    unknown = client.put(URL, {"muted_kinds": ["nope"]}, format="json")
    assert unknown.status_code == 400
    assert client.put(URL, {"digest": True}, format="json").status_code == 200  # supervisors may use the digest
    assert not NotificationPreference.objects.get(user=supervisor).muted_kinds


def test_api_read_only_token_may_read_but_not_write(staff):
    _, raw = api_token_create(user=staff, name="大屏", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(URL).status_code == 200
    response = client.put(URL, {"digest": True}, format="json")
    assert response.status_code == 403
    assert not NotificationPreference.objects.filter(user=staff).exists()
    assert APIClient().get(URL).status_code in (401, 403)  # anonymous


# --- Web page ---


def test_web_page_saves_the_form_for_the_signed_in_user(client, staff):
    client.force_login(staff)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and "通知设置" in page.content.decode()
    assert "通知设置" in client.get("/notifications/").content.decode()  # linked from the 通知 page
    response = client.post("/notifications/preferences/", {"muted_kinds": ["report_due"], "digest": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=staff)
    assert (pref.muted_kinds, pref.channels, pref.digest) == (["report_due"], ["inapp"], True)
    bad = client.post("/notifications/preferences/", {"muted_kinds": ["escalate_leader"]})
    assert bad.status_code == 200 and NotificationPreference.objects.get(user=staff).muted_kinds == ["report_due"]


def test_web_page_needs_login(client):
    response = client.get("/notifications/preferences/")
    assert response.status_code == 302 and "login" in response["Location"]


# --- Applied to the sweep and to events ---


def test_sweep_skips_muted_kinds_and_unwanted_email(world):
    NotificationPreference.objects.create(user=world.owner, channels=["inapp"])
    NotificationPreference.objects.create(user=world.liaison, muted_kinds=["due_soon"])
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    new, _ = run_day(D(2026, 10, 8))
    assert sorted((r.recipient_id, r.channel) for r in new if r.kind == ReminderKind.DUE_SOON) == [
        (world.owner.id, "inapp")  # no e-mail for the owner, nothing for the liaison
    ]


def test_digest_users_rows_are_held_and_summed_up_once_a_day(world):
    NotificationPreference.objects.create(user=world.liaison, digest=True)
    for _ in range(2):
        factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    task = factories.TaskFactory(status=TaskStatus.IN_PROGRESS, department=world.department, owner=world.owner)
    with time_machine.travel(at(D(2026, 10, 8), 10), tick=False):
        event = AuditEvent.objects.create(
            actor=world.supervisor, action="task.urge", object_type="urge", object_id="1", task=task, note="请加快进度"
        )
        record_event(event=event, kind=ReminderKind.URGED, user_ids=[world.liaison.id, world.owner.id])
        reminder_sweep()
        reminder_deliver_pending()
    held = ReminderLog.objects.filter(recipient=world.liaison)
    assert set(held.values_list("status", flat=True)) == {"held"} and held.count() == 3
    assert not Notification.objects.filter(user=world.liaison).exists()  # the normal delivery never takes them
    assert Notification.objects.filter(user=world.owner, kind=ReminderKind.URGED).exists()  # others: at once
    with time_machine.travel(at(D(2026, 10, 8), 17, 0), tick=False):
        assert reminder_send_personal_digests().sent == 0  # before 17:30 nothing is summed up
    with time_machine.travel(at(D(2026, 10, 8), 17, 31), tick=False):
        stats = reminder_send_personal_digests()
        again = reminder_send_personal_digests()  # the loop runs every minute: nothing twice
    assert (stats.sent, again.sent) == (3, 0)
    digest = Notification.objects.get(user=world.liaison)
    assert digest.kind == ReminderKind.PERSONAL_DIGEST and "共 3 条" in digest.title
    assert "【催办】" in digest.body and digest.body.count("【临近截止】") == 2
    assert set(held.values_list("status", flat=True)) == {"sent"}


def test_rows_held_after_the_cutoff_wait_for_the_next_day(world):
    NotificationPreference.objects.create(user=world.liaison, digest=True)
    task = factories.TaskFactory(status=TaskStatus.IN_PROGRESS, department=world.department)
    with time_machine.travel(at(D(2026, 10, 8), 18), tick=False):
        event = AuditEvent.objects.create(
            actor=world.supervisor, action="x", object_type="task", object_id=str(task.pk), task=task
        )
        record_event(event=event, kind=ReminderKind.APPROVED, user_ids=[world.liaison.id])
        assert reminder_send_personal_digests().sent == 0
    with time_machine.travel(at(D(2026, 10, 9), 17, 45), tick=False):
        assert reminder_send_personal_digests().sent == 1
