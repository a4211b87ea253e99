"""Per-person notification settings (通知设置): reads used by the sweep and events, and the one write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User

from .models import DIGEST_KINDS, Channel, NotificationPreference, ReminderLog, default_preference_channels


@dataclass(frozen=True)
class Pref:
    """What one person wants. The defaults (no NotificationPreference row): everything, in-app and email."""

    muted: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset(default_preference_channels())
    digest: bool = False

    def wants(self, kind: str) -> bool:
        return kind not in self.muted

    def status_for(self, kind: str) -> str:
        """Held for the daily summary when the person chose 每日汇总 (the daily overviews go out as they are)."""
        if self.digest and kind not in DIGEST_KINDS:
            return ReminderLog.Status.HELD
        return ReminderLog.Status.PENDING

    def person_channels(self, kind: str, *, has_email: bool, allowed: Iterable[str]) -> list[str]:
        """The personal channels a notice of `kind` goes to: none if muted; in-app always; email if wanted."""
        if not self.wants(kind):
            return []
        allowed = set(allowed)
        out = [c for c in (Channel.INAPP.value, Channel.EMAIL.value) if c in allowed and c in self.channels]
        if Channel.EMAIL.value in out and not has_email:
            out.remove(Channel.EMAIL.value)
        return out


DEFAULT_PREF = Pref()


def _to_pref(row: NotificationPreference) -> Pref:
    return Pref(muted=frozenset(row.muted_kinds or ()), channels=frozenset(row.channels or ()), digest=row.digest)


def preferences_for(user_ids: Iterable[int] | None = None) -> dict[int, Pref]:
    """{user_id: Pref} for the users that have settings (all of them when `user_ids` is None); others: DEFAULT_PREF."""
    qs = NotificationPreference.objects.all()
    if user_ids is not None:
        ids = list(user_ids)
        if not ids:
            return {}
        qs = qs.filter(user_id__in=ids)
    return {row.user_id: _to_pref(row) for row in qs}


def preference_get(*, user: User) -> NotificationPreference:
    """The user's settings, unsaved defaults when they never changed anything."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@transaction.atomic
def preference_update(*, user: User, data: dict[str, Any]) -> NotificationPreference:
    """Save the user's own settings (muted_kinds, channels, digest); validation errors are Chinese."""
    pref = NotificationPreference.objects.select_for_update().filter(user=user).first()
    if pref is None:
        pref = NotificationPreference(user=user)
    for name in ("muted_kinds", "channels", "digest"):
        if name in data:
            setattr(pref, name, data[name])
    pref.muted_kinds = sorted(dict.fromkeys(pref.muted_kinds or []))
    chans = pref.channels if isinstance(pref.channels, list) else []
    if set(chans) <= {Channel.INAPP.value, Channel.EMAIL.value}:
        pref.channels = [c for c in (Channel.INAPP.value, Channel.EMAIL.value) if c in chans]
    pref.full_clean()
    pref.save()
    return pref
