"""Outbound channels: email, WeCom and DingTalk group robots, and a generic signed webhook.

Stdlib urllib only, with a short timeout. Every sender raises ChannelError on failure; the caller
(reminders.services) records it and retries with backoff, so one broken channel never blocks another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

TIMEOUT_SECONDS = 5
SIGNATURE_HEADER = "X-Duban-Signature"
DELIVERY_HEADER = "X-Duban-Delivery"


class ChannelError(Exception):
    """A channel refused or could not take the message (network error, non-2xx, errcode ≠ 0)."""


@dataclass(frozen=True)
class Message:
    """What to say, whatever the channel. `delivery_id` is the reminder log id (an idempotency key)."""

    delivery_id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}"


def _post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> bytes:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return _post_bytes(url, body, headers or {})


def _post_bytes(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (admin-set URL)
            return response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ChannelError(f"网络错误：{exc}") from exc


def _check_errcode(raw: bytes) -> None:
    """WeCom and DingTalk answer HTTP 200 with {"errcode": 0} on success and a non-zero code on refusal."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise ChannelError("返回内容不是 JSON") from exc
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"errcode={answer.get('errcode')} {answer.get('errmsg', '')}".strip())


def send_email(*, address: str, message: Message) -> None:
    """Send through the configured Django email backend."""
    try:
        send_mail(message.title, message.body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except Exception as exc:  # SMTP errors come in many classes
        raise ChannelError(f"邮件发送失败：{exc}") from exc


def send_wecom(*, url: str, message: Message) -> None:
    """企业微信群机器人: POST a text message to the robot's webhook URL (the key is in the URL)."""
    _check_errcode(_post_json(url, {"msgtype": "text", "text": {"content": message.text}}))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk 加签: sign = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def send_dingtalk(*, url: str, secret: str, message: Message) -> None:
    """钉钉群机器人 with the optional 加签 security setting."""
    payload = {"msgtype": "text", "text": {"content": message.text}}
    _check_errcode(_post_json(dingtalk_signed_url(url, secret), payload))


def webhook_signature(secret: str, body: bytes) -> str:
    """The generic webhook signature header value: "sha256=" + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send_webhook(*, url: str, secret: str, message: Message) -> None:
    """Generic integration webhook: JSON body, HMAC signature header, delivery id for receiver-side dedupe."""
    payload = {
        "delivery_id": message.delivery_id,
        "kind": message.kind,
        "title": message.title,
        "body": message.body,
        **message.data,
    }
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {DELIVERY_HEADER: str(message.delivery_id)}
    if secret:
        headers[SIGNATURE_HEADER] = webhook_signature(secret, body)
    _post_bytes(url, body, headers)
