"""Celery jobs of the assessment app: thin adapters (primitives in, one service call)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="assessment.compute_closed_periods", autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def compute_closed_periods_job(today: str | None = None) -> list[str]:
    """考核: compute the month (and quarter/year) that ended yesterday; idempotent, once per period."""
    from assessment.scoring import compute_closed_periods

    return compute_closed_periods(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="assessment.compute_period", autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def compute_period_job(key: str, actor_id: int | None = None) -> int:
    """Compute one period on demand (large installations: queue it instead of computing in the request)."""
    from accounts.models import User
    from assessment.scoring import compute_period

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return compute_period(key=key, actor=actor).departments
