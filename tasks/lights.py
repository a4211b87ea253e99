"""Derived task state: overdue and (with the API issue) the traffic light. Never stored.

A task is overdue when its deadline is before today in Asia/Shanghai and it is neither
finished nor cancelled. `overdue_q(today)` is the same rule for querysets.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from common.dates import local_today

from .models import CLOSED_STATUSES, Task


def is_overdue(task: Task, today: dt.date | None = None) -> bool:
    """True when the deadline has passed (Beijing date) and the task is still open."""
    today = today or local_today()
    return task.deadline is not None and task.deadline < today and task.status not in CLOSED_STATUSES


def days_overdue(task: Task, today: dt.date | None = None) -> int:
    """Calendar days past the deadline (0 when not overdue)."""
    today = today or local_today()
    return (today - task.deadline).days if is_overdue(task, today) and task.deadline else 0


def overdue_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """The overdue rule as a filter; `prefix` for use through a relation (e.g. "tasks__")."""
    today = today or local_today()
    return Q(**{f"{prefix}deadline__lt": today}) & ~Q(**{f"{prefix}status__in": list(CLOSED_STATUSES)})
