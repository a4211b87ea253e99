"""Keep workdays.calendar's cached overrides in step with the CalendarDay table."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarDay


@receiver(post_save, sender=CalendarDay, dispatch_uid="workdays_calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workdays_calendar_day_deleted")
def calendar_day_changed(**kwargs: Any) -> None:
    """A changed override takes effect at once in this process (other processes: within the refresh interval)."""
    calendar.invalidate()


@receiver(post_migrate, dispatch_uid="workdays_load_after_migrate")
def load_after_migrate(sender: Any, **kwargs: Any) -> None:
    """Load the overrides once the table exists, so the first page computing a light does not pay the query."""
    if getattr(sender, "name", "") == "workdays":
        calendar.invalidate()
        calendar.overrides()
