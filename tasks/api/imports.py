"""Import API: upload → preview → confirm, and the queues the importer leaves for supervisors.

Views only check access, parse input and call one service (tasks/services/imports.py).
Nothing is written to documents/measures/tasks before POST /imports/{id}/confirm/.
"""

from __future__ import annotations

# Python imports
from typing import Any, cast

# Django imports
from django.conf import settings

# Third party imports
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

# Module imports
from accounts.models import User
from departments.models import Department, DepartmentGroup, UnresolvedName
from policyparse import SUPPORTED_HINT
from tasks import import_selectors
from tasks.models import Measure, PendingAssignment, PolicyUpload
from tasks.name_queue import unresolved_name_rows
from tasks.services import imports as import_services


class IsSupervisor(permissions.BasePermission):
    """督查室 supervisors and administrators only; read-only API tokens may only read."""

    message = "仅督查室督查员或管理员可以进行此操作。"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and (user.is_superuser or getattr(user, "is_supervisor", False))):
            return False
        token = request.auth
        if getattr(token, "read_only", False) and request.method not in permissions.SAFE_METHODS:
            self.message = "只读 API 令牌不能进行写操作。"
            return False
        if getattr(token, "department_id", None) is not None:
            # Uploads, the name queue and unassigned measures are city-wide: not for a department's token.
            self.message = "限定部门的令牌不能访问全市范围的导入和待处理队列。"
            return False
        return True


# --- Serializers ---


class PolicyUploadSerializer(serializers.ModelSerializer):
    """An upload with its preview (see docs/importer.md for the preview's shape)."""

    created_by = serializers.CharField(source="created_by.display_name", read_only=True)

    class Meta:
        model = PolicyUpload
        fields = ["id", "filename", "sha256", "status", "document", "created_by", "created_at", "preview"]
        read_only_fields = fields


class PolicyUploadListSerializer(PolicyUploadSerializer):
    """An upload without its (large) preview, for lists."""

    class Meta(PolicyUploadSerializer.Meta):
        fields = ["id", "filename", "sha256", "status", "document", "created_by", "created_at"]
        read_only_fields = fields


class PolicyUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"政策文件（{SUPPORTED_HINT}）。")


class ImportConfirmInputSerializer(serializers.Serializer):
    create_missing_departments = serializers.BooleanField(default=False, help_text="把未识别的单位名称建为新部门。")
    confirm_update = serializers.BooleanField(default=False, help_text="确认用本文件更新同名/同文号的已有文件。")


class ImportResultSerializer(serializers.Serializer):
    document_id = serializers.IntegerField()
    title = serializers.CharField()
    created = serializers.BooleanField()
    measures = serializers.IntegerField()
    sections = serializers.IntegerField()
    targets = serializers.IntegerField()
    tasks = serializers.IntegerField()
    unresolved_names = serializers.ListField(child=serializers.CharField())
    pending_unresolved = serializers.IntegerField()
    suggested = serializers.IntegerField()
    unassigned_measures = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    created_departments = serializers.ListField(child=serializers.CharField())
    previous_version_id = serializers.IntegerField(allow_null=True)
    diff = serializers.JSONField(allow_null=True)
    carried_tasks = serializers.IntegerField()
    cancelled_tasks = serializers.IntegerField()
    rescheduled_tasks = serializers.IntegerField()


class UnresolvedNameSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    open_pending_count = serializers.IntegerField(read_only=True)
    suggestions = serializers.SerializerMethodField(help_text="建议对应的部门（机构改革更名表、名称相近），最多 3 个。")
    contexts = serializers.SerializerMethodField(help_text="该名称出现的文件、措施和原句（最多 3 处）。")
    context_total = serializers.SerializerMethodField(help_text="待处理分工总处数。")

    class Meta:
        model = UnresolvedName
        fields = [
            "id", "name", "status", "occurrences", "open_pending_count", "department", "department_name", "group",
            "group_name", "created_at", "resolved_at", "suggestions", "contexts", "context_total",
        ]
        read_only_fields = fields


    def _row(self, obj: UnresolvedName) -> Any:
        rows = self.context.get("name_rows")
        if rows is None:  # a single object: compute its row (constant queries)
            rows = {r.unresolved.pk: r for r in unresolved_name_rows([obj])}
            self.context["name_rows"] = rows
        return rows.get(obj.pk)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_suggestions(self, obj: UnresolvedName) -> list[dict[str, Any]]:
        row = self._row(obj)
        return [s.as_dict() for s in row.suggestions] if row else []

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_contexts(self, obj: UnresolvedName) -> list[dict[str, Any]]:
        row = self._row(obj)
        return [c.as_dict() for c in row.contexts] if row else []

    @extend_schema_field(serializers.IntegerField())
    def get_context_total(self, obj: UnresolvedName) -> int:
        row = self._row(obj)
        return row.total if row else 0


class UnresolvedMapInputSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(active=True), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(queryset=DepartmentGroup.objects.all(), required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("department")) == bool(attrs.get("group")):
            raise serializers.ValidationError("请选择一个对应部门或部门组（二选一）。")
        return attrs


class CreatedTasksSerializer(serializers.Serializer):
    created_tasks = serializers.IntegerField()
    task_ids = serializers.ListField(child=serializers.IntegerField())


class UnassignedMeasureSerializer(serializers.ModelSerializer):
    document_title = serializers.CharField(source="document.title", read_only=True)
    section_title = serializers.CharField(source="parent.title", read_only=True, default=None)

    class Meta:
        model = Measure
        fields = [
            "id", "document", "document_title", "path", "path_key", "label", "title", "section_title", "deadline",
            "deadline_text", "deadline_is_default",
        ]
        read_only_fields = fields


class MeasuresAssignInputSerializer(serializers.Serializer):
    measure_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=5000)
    lead_department_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    responsible_department_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class PendingAssignmentSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="measure.document_id", read_only=True)
    document_title = serializers.CharField(source="measure.document.title", read_only=True)
    measure_path_key = serializers.CharField(source="measure.path_key", read_only=True)
    measure_title = serializers.CharField(source="measure.title", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)

    class Meta:
        model = PendingAssignment
        fields = [
            "id", "document", "document_title", "measure", "measure_path_key", "measure_title", "printed_name",
            "role", "reason", "status", "department", "department_name", "unresolved", "created_at",
        ]
        read_only_fields = fields


class PendingConfirmInputSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(active=True), required=False, allow_null=True,
        help_text="不填则用建议部门。",
    )


class PendingBulkConfirmInputSerializer(PendingConfirmInputSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=5000)


def _user(request: Request) -> User:
    """The acting user (IsSupervisor has already refused anonymous requests)."""
    return cast(User, request.user)


def _created(tasks: list) -> Response:
    body = {"created_tasks": len(tasks), "task_ids": [t.pk for t in tasks]}
    return Response(CreatedTasksSerializer(body).data, status=status.HTTP_200_OK)


# --- Views ---


class PolicyUploadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Upload a policy file for preview, read the preview, confirm the import."""

    permission_classes = [IsSupervisor]
    serializer_class = PolicyUploadSerializer

    def get_queryset(self):
        qs = import_selectors.policy_upload_list()
        if self.action == "list":
            return qs.defer("content", "preview")
        return qs

    def get_serializer_class(self):
        return PolicyUploadListSerializer if self.action == "list" else PolicyUploadSerializer

    @extend_schema(
        request={"multipart/form-data": PolicyUploadInputSerializer},
        responses={201: PolicyUploadSerializer},
        summary="上传政策文件并生成预览（不创建任何任务）",
    )
    def create(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "请选择要上传的文件（字段名 file）。", "code": "file_required"}, status=400)
        max_bytes = settings.DUBAN["IMPORT_MAX_BYTES"]
        if upload.size is not None and upload.size > max_bytes:
            return Response(
                {"detail": f"文件超过大小上限（{max_bytes // (1024 * 1024) or 1} MB）。", "code": "too_large"},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        obj = import_services.policy_upload_create(data=upload.read(), filename=upload.name or "", user=_user(request))
        return Response(PolicyUploadSerializer(obj).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ImportConfirmInputSerializer,
        responses={201: ImportResultSerializer, 200: ImportResultSerializer},
        summary="确认导入：创建文件、措施、任务和待处理队列",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        upload = self.get_object()
        data = ImportConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = import_services.policy_upload_confirm(upload=upload, user=_user(request), **data.validated_data)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(ImportResultSerializer(result.as_dict()).data, status=code)


@extend_schema(parameters=[OpenApiParameter("status", str, description="open（默认）/ mapped / ignored / all")])
class UnresolvedNameViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Printed unit names that matched nothing: map once to a department or group, or ignore."""

    permission_classes = [IsSupervisor]
    serializer_class = UnresolvedNameSerializer
    filter_backends: list = []

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        many = args[0] if args else kwargs.get("instance")
        if kwargs.get("many") and many is not None:
            names = list(many)
            context = self.get_serializer_context()
            context["name_rows"] = {r.unresolved.pk: r for r in unresolved_name_rows(names)}
            return self.get_serializer_class()(names, many=True, context=context)
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        wanted: str | None = self.request.query_params.get("status", UnresolvedName.Status.OPEN)
        if self.action != "list" or wanted == "all":
            wanted = None
        return import_selectors.unresolved_names(status=wanted)

    @extend_schema(request=UnresolvedMapInputSerializer, responses={200: CreatedTasksSerializer},
                   summary="对应到部门（成为别名）或部门组，并把待处理分工生成任务")
    @action(detail=True, methods=["post"])
    def map(self, request: Request, pk: str | None = None) -> Response:
        unresolved = get_object_or_404(UnresolvedName, pk=pk)
        data = UnresolvedMapInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = import_services.unresolved_name_map(
            unresolved=unresolved, department=data.validated_data.get("department"),
            group=data.validated_data.get("group"), user=_user(request),
        )
        return _created(tasks)

    @extend_schema(request=None, responses={200: UnresolvedNameSerializer}, summary="忽略该名称（驳回其待处理分工）")
    @action(detail=True, methods=["post"])
    def ignore(self, request: Request, pk: str | None = None) -> Response:
        unresolved = get_object_or_404(UnresolvedName, pk=pk)
        import_services.unresolved_name_ignore(unresolved=unresolved, user=_user(request))
        row = import_selectors.unresolved_names(status=None).get(pk=unresolved.pk)
        return Response(UnresolvedNameSerializer(row).data)


@extend_schema(parameters=[OpenApiParameter("document", int, description="只看某个文件")])
class UnassignedMeasureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Measures with no task and no open pending assignment: the supervisor assigns them."""

    permission_classes = [IsSupervisor]
    serializer_class = UnassignedMeasureSerializer
    filter_backends: list = []

    def get_queryset(self):
        doc = self.request.query_params.get("document")
        return import_selectors.unassigned_measures(document_id=int(doc) if doc and doc.isdigit() else None)

    @extend_schema(request=MeasuresAssignInputSerializer, responses={200: CreatedTasksSerializer},
                   summary="批量分配措施给牵头/责任部门")
    @action(detail=False, methods=["post"])
    def assign(self, request: Request) -> Response:
        data = MeasuresAssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = import_services.measures_assign_bulk(user=_user(request), **data.validated_data)
        return _created(tasks)


@extend_schema(parameters=[
    OpenApiParameter("reason", str, description="suggested（默认）/ unresolved / all"),
    OpenApiParameter("status", str, description="open（默认）/ done / dismissed / all"),
    OpenApiParameter("document", int),
])
class PendingAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pending assignments: document-wide default suggestions to confirm or dismiss."""

    permission_classes = [IsSupervisor]
    serializer_class = PendingAssignmentSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        reason = params.get("reason", PendingAssignment.Reason.SUGGESTED)
        state = params.get("status", PendingAssignment.Status.OPEN)
        doc = params.get("document")
        if self.action != "list":
            reason, state, doc = "all", "all", None
        return import_selectors.pending_suggestions(
            reason=None if reason == "all" else reason, status=None if state == "all" else state,
            document_id=int(doc) if doc and doc.isdigit() else None,
        )

    @extend_schema(request=PendingConfirmInputSerializer, responses={200: CreatedTasksSerializer},
                   summary="确认一条建议分工（生成任务）")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        pending = self.get_object()
        data = PendingConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = import_services.pending_assignment_confirm(
            pending=pending, user=_user(request), department=data.validated_data.get("department")
        )
        return _created(tasks)

    @extend_schema(request=PendingBulkConfirmInputSerializer, responses={200: CreatedTasksSerializer},
                   summary="批量确认建议分工", operation_id="v1_pending_assignments_confirm_bulk")
    @action(detail=False, methods=["post"], url_path="confirm", url_name="confirm-bulk")
    def confirm_bulk(self, request: Request) -> Response:
        data = PendingBulkConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = import_services.pending_assignments_confirm(
            pending_ids=data.validated_data["ids"], user=_user(request),
            department=data.validated_data.get("department"),
        )
        return _created(tasks)

    @extend_schema(request=None, responses={200: PendingAssignmentSerializer}, summary="驳回一条建议分工")
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        pending = self.get_object()
        import_services.pending_assignment_dismiss(pending=pending, user=_user(request))
        return Response(PendingAssignmentSerializer(self.get_queryset().get(pk=pending.pk)).data)

