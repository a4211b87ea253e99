"""Celery jobs of the tasks app: thin adapters (primitives in, one service call). Not named tasks.py on purpose."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="tasks.light_snapshot", autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def light_snapshot_job(today: str | None = None) -> int:
    """Keep last month's traffic lights as history (idempotent: only the first run of a month writes)."""
    from tasks.services.snapshots import light_snapshot_month_end

    return light_snapshot_month_end(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="tasks.purge_uploads", autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def purge_uploads_job(older_than_days: int = 7) -> int:
    """Drop import previews nobody confirmed within a week."""
    from tasks.services.imports import policy_uploads_purge

    return policy_uploads_purge(older_than_days=older_than_days)
