"""Keeping the traffic-light history: one snapshot per task per month, taken as the month closes."""

from __future__ import annotations

import datetime as dt

from common.dates import local_today
from tasks.lights import light_snapshot_take
from tasks.models import LightSnapshot, ReportingCycle
from tasks.progress import period_key


def light_snapshot_month_end(*, today: dt.date | None = None) -> int:
    """Record every task's light as of the last day of the previous month, once per month.

    Runs daily (Celery beat or the in-process loop); only the first run of a month writes. The
    light is computed for the month's last day, so history shows how each month ended, and a month
    already recorded is never rewritten. Returns the number of snapshots created.
    """
    today = today or local_today()
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    period = period_key(ReportingCycle.MONTHLY, month_end)
    if LightSnapshot.objects.filter(period=period).exists():
        return 0
    return light_snapshot_take(period=period, today=month_end)
