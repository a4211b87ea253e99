from django.contrib import admin

from .models import (
    Attachment,
    AuditEvent,
    ExtensionRequest,
    LightSnapshot,
    Measure,
    PendingAssignment,
    PolicyDocument,
    PolicyUpload,
    ProgressReport,
    Target,
    TargetReading,
    Task,
)


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ("order", "kind", "path_key", "title", "deadline", "recurrence", "assignment_source")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "issuer", "issued_date", "status", "reporting_cycle", "created_at")
    list_filter = ("status", "reporting_cycle")
    search_fields = ("title", "doc_number", "issuer")
    readonly_fields = ("source_sha256", "source_encoding", "created_at", "updated_at", "created_by")
    inlines = [MeasureInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ("text", "value", "unit", "comparator", "year")


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ("department", "role", "owner", "deadline", "status", "percent")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("path_key", "title", "document", "kind", "deadline", "recurrence", "assignment_source")
    list_filter = ("kind", "recurrence", "assignment_source")
    search_fields = ("title", "text")
    list_select_related = ("document",)
    inlines = [TargetInline, TaskInline]
    raw_id_fields = ("document", "parent")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Read mostly: status changes go through the workflow (API/UI) so they are checked and audited."""

    list_display = ("measure", "department", "role", "owner", "deadline", "status", "percent", "updated_at")
    list_filter = ("status", "role", "department__kind")
    search_fields = ("measure__title", "department__name", "printed_name")
    list_select_related = ("measure", "department", "owner")
    raw_id_fields = ("measure", "department", "owner", "via_group")
    readonly_fields = ("status", "percent", "version", "assigned_at", "accepted_at", "submitted_at", "finished_at",
                       "updated_at")


@admin.register(PendingAssignment)
class PendingAssignmentAdmin(admin.ModelAdmin):
    list_display = ("printed_name", "role", "reason", "status", "measure", "department")
    list_filter = ("reason", "status", "role")
    search_fields = ("printed_name", "measure__title")
    list_select_related = ("measure", "department")
    raw_id_fields = ("measure", "department", "unresolved")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ("file", "original_name", "content_type", "size", "created_at")
    can_delete = False


class AppendOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible, never edited or deleted in the admin."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(AppendOnlyAdmin):
    list_display = ("task", "kind", "period", "percent", "author", "created_at")
    list_filter = ("kind", "period")
    list_select_related = ("task__measure", "task__department", "author")
    inlines = [AttachmentInline]


@admin.register(TargetReading)
class TargetReadingAdmin(AppendOnlyAdmin):
    list_display = ("target", "value", "measured_on", "department", "created_by", "created_at")
    list_select_related = ("target", "department", "created_by")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("task", "current_deadline", "requested_deadline", "status", "requested_by", "decided_by")
    list_filter = ("status",)
    list_select_related = ("task__measure", "task__department", "requested_by", "decided_by")
    readonly_fields = ("task", "requested_by", "reason", "current_deadline", "requested_deadline", "current_percent",
                       "status", "decided_by", "decided_at", "decision_note", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(LightSnapshot)
class LightSnapshotAdmin(AppendOnlyAdmin):
    list_display = ("task", "period", "light", "percent", "expected_percent", "taken_at")
    list_filter = ("light", "period")


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "task")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "note")
    list_select_related = ("actor",)
    raw_id_fields = ("task",)


@admin.register(PolicyUpload)
class PolicyUploadAdmin(admin.ModelAdmin):
    list_display = ("filename", "status", "created_by", "created_at", "document")
    list_filter = ("status",)
    exclude = ("content",)
    readonly_fields = ("filename", "sha256", "preview", "status", "document", "created_by", "created_at")
