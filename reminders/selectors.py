"""Reads for reminders: the user's notifications, the rules."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User

from .models import Notification, ReminderRule


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    qs = Notification.objects.filter(user=user)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def reminder_rule_list() -> QuerySet[ReminderRule]:
    """All rules, the global one first, with their document."""
    return ReminderRule.objects.select_related("document").order_by("document_id", "id")
