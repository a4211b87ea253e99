from __future__ import annotations

from rest_framework import serializers

from common.serializers import ChoiceDisplayField
from reminders.models import PERSON_CHANNELS, Channel, Notification, NotificationPreference, ReminderKind, ReminderRule


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "task", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationMarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False)


class ReminderRuleSerializer(serializers.ModelSerializer):
    days_before = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=365))
    report_due_days_before = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=365), required=False
    )
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices), required=False)
    document_title = serializers.CharField(source="document.title", read_only=True, default=None)

    class Meta:
        model = ReminderRule
        fields = [
            "id", "name", "document", "document_title", "active", "days_before", "overdue_repeat_days",
            "escalate_leader_after_days", "escalate_supervisor_after_days", "report_due_days_before",
            "quiet_hours_start", "quiet_hours_end", "channels", "digest_enabled", "updated_at",
        ]
        read_only_fields = ["id", "document_title", "updated_at"]
        # Uniqueness and cross-field rules are checked by model.full_clean() in the service.
        validators: list = []


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    """The signed-in user's 通知设置. PUT replaces the given fields; escalations cannot be muted."""

    muted_kinds = serializers.ListField(child=serializers.ChoiceField(choices=ReminderKind.choices), required=False)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=[(c.value, c.label) for c in PERSON_CHANNELS]), required=False
    )
    digest = serializers.BooleanField(required=False)

    class Meta:
        model = NotificationPreference
        fields = ["muted_kinds", "channels", "digest", "updated_at"]
        read_only_fields = ["updated_at"]
