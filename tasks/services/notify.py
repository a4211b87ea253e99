"""Telling the reminders app that tasks were just assigned, so 交办 notices go out at once.

The notices themselves are planned by the reminders sweep (reminders/services.py), which also
runs every 15 minutes; this only asks for an extra sweep right after the assigning transaction
commits. Nothing happens without the reminders app or without a broker (the in-process loop then
sweeps every minute), and a broker that is down is logged and ignored: the next sweep catches up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import transaction


def tasks_assigned() -> None:
    """After commit, ask for a reminder sweep (idempotent: a sweep never sends anything twice)."""
    if not apps.is_installed("reminders"):
        return
    from reminders.services import enqueue_sweep

    transaction.on_commit(enqueue_sweep)


def notify_event(*, event: Any, kind: str, user_ids: Iterable[int]) -> None:
    """Tell people that a workflow event concerns them (退回重办, 审核通过, 延期审批, 待您审核, 指派, 催办 …).

    Call inside the service's transaction, right after its AuditEvent: the notices are written in
    that same transaction (so they exist exactly when the change does) and delivered after commit
    by reminders (reminders/events.py), on each person's channels and preferences.
    """
    if not apps.is_installed("reminders"):
        return
    from reminders.events import record_event

    record_event(event=event, kind=kind, user_ids=list(dict.fromkeys(user_ids)))
