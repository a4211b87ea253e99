from __future__ import annotations

from typing import cast

from django.http import Http404
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import CityWideWritePermission, TokenWritePermission
from accounts.models import User
from reminders import preferences, selectors, services
from reminders.models import Notification

from .serializers import (
    NotificationMarkReadInputSerializer,
    NotificationPreferenceSerializer,
    NotificationSerializer,
    ReminderRuleSerializer,
)


class IsSupervisorOrReadOnly(permissions.BasePermission):
    """Everyone signed in may read the rules; only 督查室 supervisors (or admins) change them."""

    message = "只有督查室可以修改提醒规则。"

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and (getattr(user, "is_supervisor", False) or user.is_staff))


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's in-app notifications. ?unread=true for unread only. Read-only tokens only read."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated, TokenWritePermission]

    def get_object(self):
        # OPTIONS on the list-level /preferences/ (it allows PUT) makes DRF's metadata ask for an object by pk;
        # there is none, so answer "no object" instead of an AssertionError (a 500).
        if (self.lookup_url_kwarg or self.lookup_field) not in self.kwargs:
            raise Http404
        return super().get_object()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return Notification.objects.none()
        raw = self.request.query_params.get("unread")
        unread = {"true": True, "1": True, "false": False, "0": False}.get((raw or "").lower())
        return selectors.notification_list(user=cast(User, self.request.user), unread=unread)

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()  # 404 for other users' notifications
        services.notification_mark_read(user=cast(User, request.user), notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request) -> Response:
        """Body {"ids": [..]} marks those; an empty body marks all unread."""
        data = NotificationMarkReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.notification_mark_read(
            user=cast(User, request.user), notification_ids=data.validated_data.get("ids")
        )
        return Response({"marked": count})

    @action(
        detail=False, methods=["get", "put", "patch"], url_path="preferences",
        serializer_class=NotificationPreferenceSerializer,
        permission_classes=[permissions.IsAuthenticated, TokenWritePermission],
    )
    def preferences(self, request: Request) -> Response:
        """通知设置 of the signed-in user only: muted kinds, channels (inapp always, email optional), daily digest."""
        user = cast(User, request.user)
        if request.method == "GET":
            return Response(NotificationPreferenceSerializer(preferences.preference_get(user=user)).data)
        data = NotificationPreferenceSerializer(data=request.data, partial=request.method == "PATCH")
        data.is_valid(raise_exception=True)
        pref = preferences.preference_update(user=user, data=dict(data.validated_data))
        return Response(NotificationPreferenceSerializer(pref).data)

    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.notification_list(user=cast(User, request.user), unread=True).count()})


class ReminderRuleViewSet(viewsets.ModelViewSet):
    """Reminder rules: the global one (document null) and per-document overrides."""

    serializer_class = ReminderRuleSerializer
    permission_classes = [
        permissions.IsAuthenticated, TokenWritePermission, CityWideWritePermission, IsSupervisorOrReadOnly
    ]

    def get_queryset(self):
        return selectors.reminder_rule_list()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.reminder_rule_create(data=serializer.validated_data)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        rule = services.reminder_rule_update(rule=rule, data=serializer.validated_data)
        return Response(self.get_serializer(rule).data)

    def perform_destroy(self, instance) -> None:
        services.reminder_rule_delete(rule=instance)
