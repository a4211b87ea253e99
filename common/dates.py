"""The one place that knows what "today" means: the calendar date in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_now() -> dt.datetime:
    """Now, as an aware datetime in the project's time zone (Asia/Shanghai)."""
    return timezone.localtime(timezone.now())


def local_today() -> dt.date:
    """Today's date in Beijing, whatever the server's or UTC's date is."""
    return local_now().date()
