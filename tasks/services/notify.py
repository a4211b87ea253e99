"""Telling the reminders app that tasks were just assigned, so 交办 notices go out at once.

The notices themselves are planned by the reminders sweep (reminders/services.py), which also
runs every 15 minutes; this only asks for an extra sweep right after the assigning transaction
commits. Nothing happens without the reminders app or without a broker (the in-process loop then
sweeps every minute), and a broker that is down is logged and ignored: the next sweep catches up.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction


def tasks_assigned() -> None:
    """After commit, ask for a reminder sweep (idempotent: a sweep never sends anything twice)."""
    if not apps.is_installed("reminders"):
        return
    from reminders.services import enqueue_sweep

    transaction.on_commit(enqueue_sweep)
