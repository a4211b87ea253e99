"""Channels: signatures and payloads against a real local HTTP server; failures retried with backoff."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse

import pytest
import time_machine

from reminders import channels
from reminders.models import ChannelConfig, Notification, ReminderLog
from reminders.services import MAX_ATTEMPTS, reminder_deliver_pending
from tests import factories

from .conftest import WORKING, at, run_day
from .sink import Sink

D = dt.date
pytestmark = pytest.mark.django_db


def message():
    return channels.Message(7, "overdue", "【逾期催办】测试", "内容", {"task_id": 1})


def test_dingtalk_signature_is_timestamp_newline_secret_hmac_base64_urlencoded():
    url = channels.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SEC123", 1700000000000)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["access_token"] == ["abc"] and query["timestamp"] == ["1700000000000"]
    expected = base64.b64encode(hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]  # parse_qs undid the urlencoding
    assert "%2B" in url or "%2F" in url or "%3D" in url  # base64 specials are percent-encoded


def test_generic_webhook_body_is_signed_with_hmac_sha256():
    with Sink() as sink:
        channels.send_webhook(url=sink.url, secret="s3cret", message=message())
    request = sink.requests[0]
    body = request["body"]
    assert json.loads(body)["delivery_id"] == 7
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert request["headers"]["X-Duban-Signature"] == expected
    assert request["headers"]["X-Duban-Delivery"] == "7"


def test_wecom_and_dingtalk_post_text_and_check_errcode():
    with Sink() as sink:
        channels.send_wecom(url=sink.url, message=message())
        channels.send_dingtalk(url=sink.url, secret="k", message=message())
        wecom = json.loads(sink.requests[0]["body"])
        assert wecom == {"msgtype": "text", "text": {"content": "【逾期催办】测试\n内容"}}
        assert "sign=" in sink.requests[1]["path"]
        sink.answer = b'{"errcode": 310000, "errmsg": "sign not match"}'
        with pytest.raises(channels.ChannelError, match="310000"):
            channels.send_dingtalk(url=sink.url, secret="k", message=message())


def test_unreachable_url_is_a_channel_error():
    with pytest.raises(channels.ChannelError):
        channels.send_webhook(url="http://127.0.0.1:9/nothing", secret="", message=message())


def test_webhooks_scoped_by_department_receive_the_reminders(world):
    other = factories.DepartmentFactory()
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    with Sink() as sink:
        mine = ChannelConfig.objects.create(name="本部门群", kind="wecom", url=sink.url, department=world.department)
        ChannelConfig.objects.create(name="别的部门群", kind="dingtalk", url=sink.url, department=other)
        glob = ChannelConfig.objects.create(name="集成", kind="webhook", url=sink.url, secret="x")
        new, stats = run_day(D(2026, 10, 8))
    hook_rows = [r for r in new if r.webhook_id]
    assert sorted(r.webhook_id for r in hook_rows) == sorted([mine.id, glob.id])
    assert len(sink.requests) == 2 and stats.failed == 0


def test_a_failing_channel_is_retried_with_backoff_and_never_blocks_the_others(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    with Sink(status=500) as sink:
        ChannelConfig.objects.create(name="坏的", kind="webhook", url=sink.url)
        new, stats = run_day(D(2026, 10, 8))
        hook = ReminderLog.objects.get(webhook__isnull=False)
        assert stats.failed == 1 and stats.sent == len(new) - 1  # in-app and email went out anyway
        assert Notification.objects.count() >= 2
        assert hook.status == "pending" and hook.attempts == 1 and "HTTP 500" in hook.last_error
        assert hook.not_before == at(D(2026, 10, 8), 9, 1)  # 1 minute backoff
        with time_machine.travel(at(D(2026, 10, 8), 9, 0, ), tick=False):
            assert reminder_deliver_pending().failed == 0  # not yet due again
        moment = at(D(2026, 10, 8), 9, 1)
        for _ in range(MAX_ATTEMPTS - 1):
            with time_machine.travel(moment, tick=False):
                reminder_deliver_pending()
            hook.refresh_from_db()
            moment = hook.not_before
        assert hook.status == "failed" and hook.attempts == MAX_ATTEMPTS
        assert len(sink.requests) == MAX_ATTEMPTS
        sink.status = 200
        with time_machine.travel(moment + dt.timedelta(days=1), tick=False):
            assert reminder_deliver_pending().sent == 0  # failed rows stay failed (admin action re-queues)


def test_email_channel_uses_the_django_backend(world, mailoutbox):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    run_day(D(2026, 10, 8))
    assert [m.to for m in mailoutbox] == [["owner@example.gov.cn"]]
    assert "临近截止" in mailoutbox[0].subject
