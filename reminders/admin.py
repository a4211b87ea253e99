from django.contrib import admin, messages
from django.db import transaction

from .models import ChannelConfig, Notification, NotificationPreference, ReminderLog, ReminderRule
from .services import enqueue_sweep


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name", "document", "active", "days_before", "overdue_repeat_days", "escalate_leader_after_days",
        "escalate_supervisor_after_days", "report_due_days_before", "quiet_hours_start", "quiet_hours_end",
        "channels", "digest_enabled",
    )
    list_filter = ("active", "digest_enabled")
    list_select_related = ("document",)
    raw_id_fields = ("document",)

    def save_model(self, request, obj, form, change):
        # The admin already ran full_clean (form validation); re-sweep after commit so new thresholds apply.
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: enqueue_sweep())


@admin.register(ChannelConfig)
class ChannelConfigAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "department", "active", "created_at")
    list_filter = ("kind", "active")
    list_select_related = ("department",)
    search_fields = ("name", "url")
    autocomplete_fields = ("department",)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = (
        "id", "kind", "channel", "target", "task", "date_key", "status", "attempts", "not_before", "sent_at",
    )
    list_filter = ("status", "kind", "channel")
    search_fields = ("date_key", "target", "task__measure__title")
    raw_id_fields = ("task", "recipient", "webhook")
    list_select_related = ("task__measure", "task__department")
    readonly_fields = [f.name for f in ReminderLog._meta.fields]
    actions = ["retry_now"]

    @admin.action(description="立即重试所选的失败/待发送记录")
    def retry_now(self, request, queryset):
        from django.utils import timezone

        count = queryset.filter(status__in=[ReminderLog.Status.FAILED, ReminderLog.Status.PENDING]).update(
            status=ReminderLog.Status.PENDING, not_before=timezone.now(), attempts=0
        )
        self.message_user(request, f"已重新排队 {count} 条提醒。", messages.SUCCESS)

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    raw_id_fields = ("user", "log", "task")
    list_select_related = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "muted_kinds", "channels", "digest", "updated_at")
    list_filter = ("digest",)
    search_fields = ("user__username", "user__full_name")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
