"""Celery tasks for reminders: thin adapters (primitives in, one service call). Not named tasks.py on purpose.

This module imports the services; the services send these jobs by name (``SWEEP_JOB``, ``DELIVER_PENDING_JOB``),
so the two never import each other.

The beat schedule is in config/settings/base.py (CELERY_BEAT_SCHEDULE). Run ONE beat in production;
the sweep also takes a PostgreSQL advisory lock, and delivery claims rows with SKIP LOCKED, so a
second beat or a redelivered message can only waste work, never send twice.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import DatabaseError

from reminders.services import (
    reminder_deliver_log,
    reminder_deliver_pending,
    reminder_send_personal_digests,
    reminder_sweep,
)

# Retry only on infrastructure trouble (the database went away); channel failures are recorded on
# the reminder row and retried by the next delivery run, with backoff (reminders.services).
RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="reminders.sweep", **RETRY)
def reminders_sweep_job(today: str | None = None) -> int:
    """Insert the reminder rows due up to `today` (ISO date; default: Beijing today), then fan out delivery."""
    day = dt.date.fromisoformat(today) if today else None
    return reminder_sweep(today=day, enqueue=True).created


@shared_task(name="reminders.deliver_pending", **RETRY)
def reminders_deliver_pending_job(limit: int | None = None) -> int:
    """Deliver due pending reminder rows until none is left; several run in parallel safely."""
    return reminder_deliver_pending(limit=limit).sent


@shared_task(name="reminders.deliver_log", **RETRY)
def reminders_deliver_log_job(log_id: int) -> str | None:
    """Deliver one reminder row by id (a no-op when it is already sent or held by another worker)."""
    return reminder_deliver_log(log_id=log_id)


@shared_task(name="reminders.personal_digest", **RETRY)
def reminders_personal_digest_job() -> int:
    """Send each 每日汇总 user ONE summary of their held notices (beat: daily 17:30; idempotent)."""
    return reminder_send_personal_digests().sent
