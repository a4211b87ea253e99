"""reminders listening to tasks (tasks/signals.py); connected in RemindersConfig.ready().

This is how tasks reaches reminders without importing it: tasks sends, reminders receives.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from tasks.signals import tasks_were_assigned, workflow_event

from . import services
from .events import record_event


@receiver(tasks_were_assigned, dispatch_uid="reminders.sweep_after_assignment")
def sweep_after_assignment(sender: Any, **kwargs: Any) -> None:
    """After commit, ask for a reminder sweep: the sweep plans the 交办 notices (it never sends anything twice)."""
    transaction.on_commit(services.enqueue_sweep)


@receiver(workflow_event, dispatch_uid="reminders.record_workflow_event")
def record_workflow_event(sender: Any, *, event: Any, kind: str, user_ids: list[int], **kwargs: Any) -> None:
    """Write the event's notices in the sender's transaction (delivered after commit)."""
    record_event(event=event, kind=kind, user_ids=user_ids)
