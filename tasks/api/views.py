"""Thin API views: scope through selectors, parse input, call one service, serialize the result."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsSupervisor, TokenWritePermission, request_token
from common.dates import local_today
from common.errors import NotFoundError, PreconditionFailed, StaleWriteError
from common.pagination import DeferredJoinPagination
from departments.models import DepartmentKind
from tasks import exports, selectors
from tasks.downloads import attachment_response
from tasks.history import task_history
from tasks.models import PolicyDocument, TargetReading
from tasks.services import handling, oversight
from tasks.services import workflow as services
from tasks.workflow import is_supervisor

from . import serializers as s
from .filters import ExtensionFilterSet, MeasureFilterSet, ReportFilterSet, TaskFilterSet

BASE_PERMISSIONS = [IsAuthenticated, TokenWritePermission]


# --- Optimistic locking helpers ---


def _if_match_version(request: Request) -> int | None:
    raw = request.headers.get("If-Match")
    if not raw:
        return None
    value = raw.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    try:
        return int(value)
    except ValueError:
        raise PreconditionFailed("If-Match 请求头格式不正确，应为任务版本号，如 \"3\"。")


def run_versioned(request: Request, data: dict[str, Any], call: Callable[[int | None], Any]) -> Any:
    """Call a service with the client's version (If-Match wins over the body); a stale If-Match → 412."""
    header_version = _if_match_version(request)
    version = header_version if header_version is not None else data.get("version")
    try:
        return call(version)
    except PreconditionFailed:
        raise
    except StaleWriteError as exc:
        if header_version is not None:
            raise PreconditionFailed(exc.message, extra=exc.extra)
        raise


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data: Any = request.data
    if hasattr(data, "getlist") and "attachments" in getattr(request, "FILES", {}):
        data = data.copy()
        data.setlist("attachments", request.FILES.getlist("attachments"))
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


# --- Tasks ---

TASK_EXAMPLE = OpenApiExample(
    "任务",
    value={
        "id": 12,
        "measure": {"id": 5, "label": "3", "path": ["二", "3"], "title": "培育专精特新企业"},
        "document": {"id": 1, "title": "江海市制造业高质量发展行动方案", "doc_number": "江政办发〔2026〕8号"},
        "department": {"id": 2, "name": "市工业和信息化局"},
        "role": "lead",
        "role_display": "牵头",
        "printed_name": "市工信局",
        "owner": {"id": 7, "name": "工信局 赵承办"},
        "status": "in_progress",
        "status_display": "办理中",
        "deadline": "2026-12-31",
        "original_deadline": "2026-12-31",
        "deadline_is_default": False,
        "percent": 40,
        "rollup_percent": 45,
        "light": "yellow",
        "overdue": False,
        "days_overdue": 0,
        "report_missing": True,
        "last_report": {"at": "2026-06-25T10:00:00+08:00", "percent": 40, "progress": "已完成摸底。"},
        "version": 4,
        "assigned_at": "2026-01-10T09:00:00+08:00",
        "accepted_at": "2026-01-11T09:00:00+08:00",
        "submitted_at": None,
        "finished_at": None,
        "updated_at": "2026-06-25T10:00:00+08:00",
        "allowed_actions": ["report", "submit", "extend"],
    },
    response_only=True,
)

ILLEGAL_EXAMPLE = OpenApiExample(
    "非法状态转换",
    value={"detail": "当前状态“已办结”不能执行“签收”。", "code": "illegal_transition"},
    response_only=True,
)
STALE_EXAMPLE = OpenApiExample(
    "版本冲突",
    value={"detail": "任务已被他人修改（当前版本 5，您提交的版本 4），请刷新后重试。", "code": "stale",
           "current_version": 5},
    response_only=True,
)

ACTION_RESPONSES = {
    200: s.TaskSerializer,
    403: OpenApiResponse(s.ErrorSerializer, description="角色无权执行，或只读令牌"),
    404: OpenApiResponse(s.ErrorSerializer, description="任务不存在或不在权限范围内"),
    409: OpenApiResponse(
        s.ErrorSerializer, description="状态不允许或版本冲突（body 中 version 过期）",
        examples=[ILLEGAL_EXAMPLE, STALE_EXAMPLE],
    ),
    412: OpenApiResponse(s.ErrorSerializer, description="If-Match 版本不符"),
}
IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                            description="任务版本（详情响应的 ETag），如 \"4\"")


def _action_schema(input_serializer: type[serializers.Serializer], summary: str, example: dict | None = None):  # type: ignore[no-untyped-def]
    examples = [TASK_EXAMPLE]
    if example is not None:
        examples.append(OpenApiExample(summary, value=example, request_only=True))
    return extend_schema(
        summary=summary, request=input_serializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH],
        examples=examples,
    )


@extend_schema(examples=[TASK_EXAMPLE])
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Tasks in the caller's scope, with workflow actions. ETag = version."""

    serializer_class = s.TaskSerializer
    filterset_class = TaskFilterSet
    pagination_class = DeferredJoinPagination  # keys first, then the page's annotated rows
    permission_classes = BASE_PERMISSIONS
    ordering_fields = ["deadline", "percent", "status", "updated_at", "assigned_at", "days_overdue", "id"]
    ordering = ["deadline", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.task_list_for_user(user=self.request.user, token=request_token(self.request))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        response = Response(self.get_serializer(task).data)
        response["ETag"] = f'"{task.version}"'
        return response

    def _done(self, task_id: int, code: int = status.HTTP_200_OK) -> Response:
        task = selectors.task_get_for_user(user=self.request.user, token=request_token(self.request), task_id=task_id)
        response = Response(self.get_serializer(task).data, status=code)
        response["ETag"] = f'"{task.version}"'
        return response

    def _simple(self, request: Request, service: Callable[..., Any], input_cls: type[serializers.Serializer],
                **extra: Any) -> Response:
        task = self.get_object()  # scope: 404 outside
        data = _validated(input_cls, request)
        version = data.pop("version", None)
        run_versioned(
            request, {"version": version},
            lambda v: service(task_id=task.pk, actor=request.user, expected_version=v, **data, **extra),
        )
        return self._done(task.pk)

    @_action_schema(s.VersionInputSerializer, "签收")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_accept, s.VersionInputSerializer)

    @_action_schema(s.ReasonInputSerializer, "退回（非本单位职责）", {"reason": "该事项属市住建局职责。", "version": 1})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_decline, s.ReasonInputSerializer)

    @_action_schema(s.VersionInputSerializer, "开始办理")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_start, s.VersionInputSerializer)

    @_action_schema(
        s.ReportInputSerializer, "报送进展",
        {"percent": 40, "progress": "已完成全市企业摸底。", "problems": "", "next_steps": "开展认定申报。",
         "version": 3},
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_report_progress, s.ReportInputSerializer)

    @_action_schema(s.SubmitInputSerializer, "申请办结", {"evidence": "已出台实施细则，见附件。", "version": 5})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_submit_completion, s.SubmitInputSerializer)

    @_action_schema(
        s.ApproveInputSerializer, "审核办结",
        {"note": "同意办结。", "override_reason": "", "version": 6},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_approve, s.ApproveInputSerializer)

    @_action_schema(
        s.AssignHandlersInputSerializer, "指派承办人（主办、协办）",
        {"main_user_id": 7, "assist_user_ids": [9, 11], "version": 3},
    )
    @action(detail=True, methods=["post"])
    def assign_handlers(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, handling.task_assign_handlers, s.AssignHandlersInputSerializer)

    @_action_schema(
        s.DecomposeInputSerializer, "分解下达",
        {"parts": [{"department_id": 21, "deadline": "2026-10-31", "note": "负责摸底调查"},
                   {"department_id": 22, "deadline": "2026-11-30", "note": ""}], "version": 4},
    )
    @action(detail=True, methods=["post"])
    def decompose(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = _validated(s.DecomposeInputSerializer, request)
        version = data.pop("version", None)
        parts = [dict(p) for p in data["parts"]]
        run_versioned(
            request, {"version": version},
            lambda v: handling.task_decompose(task_id=task.pk, actor=request.user, parts=parts, expected_version=v),
        )
        return self._done(task.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="分解任务树（本任务及其下各级分解任务，含进度汇总）",
        responses={200: s.SubtaskTreeSerializer, 404: OpenApiResponse(s.ErrorSerializer)},
    )
    @action(detail=True, methods=["get"])
    def tree(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        return Response(selectors.subtask_tree(task=task, user=request.user, token=request_token(request)))

    @_action_schema(s.ReasonInputSerializer, "退回重办", {"reason": "佐证材料不全。", "version": 6})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_return, s.ReasonInputSerializer)

    @_action_schema(s.ReasonInputSerializer, "取消")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_cancel, s.ReasonInputSerializer)

    @_action_schema(s.ReassignInputSerializer, "改派", {"department_id": 8, "version": 2})
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, services.task_reassign, s.ReassignInputSerializer)

    @extend_schema(
        summary="申请延期", request=s.ExtendInputSerializer, parameters=[IF_MATCH],
        responses={
            201: s.ExtensionRequestSerializer,
            409: OpenApiResponse(description="已逾期/已有待审批申请/版本冲突"),
        },
        examples=[OpenApiExample(
            "申请延期",
            value={"reason": "需等待省级配套政策。", "requested_deadline": "2027-03-31", "current_percent": 60,
                   "version": 4},
            request_only=True,
        )],
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = _validated(s.ExtendInputSerializer, request)
        version = data.pop("version", None)
        ext = run_versioned(
            request, {"version": version},
            lambda v: services.extension_request_create(
                task_id=task.pk, actor=request.user, expected_version=v, **data
            ),
        )
        return Response(s.ExtensionRequestSerializer(ext).data, status=status.HTTP_201_CREATED)

    @_action_schema(
        s.SetDeadlineInputSerializer, "调整完成时限（督查室）",
        {"deadline": "2027-03-31", "reason": "经市政府同意，顺延至一季度末。", "version": 4},
    )
    @action(detail=True, methods=["post"])
    def set_deadline(self, request: Request, pk: str | None = None) -> Response:
        return self._simple(request, oversight.task_set_deadline, s.SetDeadlineInputSerializer)

    @extend_schema(
        summary="催办一项任务", request=s.UrgeInputSerializer, responses={201: s.UrgeSerializer},
        examples=[OpenApiExample("催办", value={"message": "请于本周五前报送进展。"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = _validated(s.UrgeInputSerializer, request)
        urge = oversight.task_urge(task_id=task.pk, actor=request.user, message=data["message"])
        return Response(s.UrgeSerializer(urge).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="批量催办（按 task_ids 或任务列表的查询参数筛选）", request=s.BulkUrgeInputSerializer,
        operation_id="tasks_urge_bulk",
        responses={200: s.BulkUrgeResultSerializer},
        examples=[OpenApiExample("催办某部门全部红灯任务（POST /tasks/urge/?light=red&department=3）",
                                 value={"message": "红灯任务请本周内说明情况。"}, request_only=True)],
    )
    @action(detail=False, methods=["post"], url_path="urge")
    def urge_bulk(self, request: Request) -> Response:
        data = _validated(s.BulkUrgeInputSerializer, request)
        qs = self.filter_queryset(self.get_queryset()).exclude(status__in=["finished", "cancelled"])
        if data.get("task_ids"):
            qs = qs.filter(pk__in=data["task_ids"])
        result = oversight.tasks_urge_bulk(
            actor=request.user, tasks=qs.order_by("id")[: oversight.BULK_URGE_MAX + 1], message=data["message"]
        )
        return Response(s.BulkUrgeResultSerializer(
            {"batch": result.batch, "urged": result.urged, "skipped": {str(k): v for k, v in result.skipped.items()}}
        ).data)

    @extend_schema(summary="操作记录（审计轨迹，最新在前）", responses={200: s.HistoryLineSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        return Response(s.HistoryLineSerializer(task_history(task), many=True).data)


# --- Reports and extension requests ---


class ProgressReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Progress reports of tasks in scope (create them with POST /tasks/{id}/report/)."""

    serializer_class = s.ProgressReportSerializer
    filterset_class = ReportFilterSet
    permission_classes = BASE_PERMISSIONS
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.report_list_for_user(user=self.request.user, token=request_token(self.request))


class AttachmentDownloadView(APIView):
    """GET /attachments/{id}/download/: a report attachment, only for users who may see its task."""

    permission_classes = BASE_PERMISSIONS

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = selectors.attachment_get_for_user(
            user=request.user, token=request_token(request), attachment_id=pk
        )
        return attachment_response(attachment)


class ExtensionRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Extension requests of tasks in scope; 督查室 approves or refuses them."""

    serializer_class = s.ExtensionRequestSerializer
    filterset_class = ExtensionFilterSet
    permission_classes = BASE_PERMISSIONS
    ordering_fields = ["created_at", "requested_deadline", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.extension_list_for_user(user=self.request.user, token=request_token(self.request))

    def _decide(self, request: Request, service: Callable[..., Any]) -> Response:
        ext = self.get_object()
        data = _validated(s.NoteInputSerializer, request)
        version = data.pop("version", None)
        run_versioned(
            request, {"version": version},
            lambda v: service(extension_id=ext.pk, actor=request.user, expected_version=v, **data),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=ext.pk)).data)

    @extend_schema(summary="批准延期", request=s.NoteInputSerializer, responses={200: s.ExtensionRequestSerializer},
                   parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, services.extension_approve)

    @extend_schema(summary="不批准延期", request=s.NoteInputSerializer, responses={200: s.ExtensionRequestSerializer},
                   parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, services.extension_refuse)


# --- Documents, measures, targets ---


class PolicyDocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Imported policy documents (imports have their own endpoints)."""

    serializer_class = s.PolicyDocumentSerializer
    permission_classes = BASE_PERMISSIONS
    ordering_fields = ["created_at", "issued_date", "title", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.document_list()


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Sections and measures of documents."""

    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilterSet
    permission_classes = BASE_PERMISSIONS
    ordering_fields = ["order", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.measure_list()


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Quantitative targets with their latest reading and completion; readings are appended here."""

    serializer_class = s.TargetSerializer
    permission_classes = BASE_PERMISSIONS
    filterset_fields = ["measure", "measure__document"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.target_list()

    @extend_schema(methods=["GET"], responses={200: s.TargetReadingSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=s.TargetReadingInputSerializer, responses={201: s.TargetReadingSerializer},
        examples=[OpenApiExample("填报完成值", value={"value": "180", "measured_on": "2026-06-30",
                                                  "evidence": "统计局数据"}, request_only=True)],
    )
    @action(detail=True, methods=["get", "post"])
    def readings(self, request: Request, pk: str | None = None) -> Response:
        target = self.get_object()
        if request.method == "GET":
            rows = TargetReading.objects.filter(target=target).select_related("created_by")
            return Response(s.TargetReadingSerializer(rows, many=True).data)
        data = _validated(s.TargetReadingInputSerializer, request)
        reading = services.target_reading_create(
            target_id=target.pk, actor=request.user,
            allowed_department_ids=selectors.token_department_ids(request_token(request)), **data,
        )
        return Response(s.TargetReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


# --- Progress ---

PROGRESS_PARAMS = [
    OpenApiParameter("document", int, description="文件 ID"),
    OpenApiParameter("department_kind", str, enum=[k.value for k in DepartmentKind], description="部门类别"),
    OpenApiParameter("deadline_after", dt.date, description="完成时限起"),
    OpenApiParameter("deadline_before", dt.date, description="完成时限止"),
]

PROGRESS_EXAMPLE = OpenApiExample(
    "部门进度",
    value=[{
        "department": {"id": 2, "name": "市工业和信息化局", "kind": "city"},
        "total": 12, "overdue": 1, "red": 2, "yellow": 3, "green": 5, "reports_missing": 4,
        "by_status": {"assigned": 1, "declined": 0, "accepted": 1, "in_progress": 6, "submitted": 1,
                      "returned": 0, "finished": 2, "cancelled": 1},
        "completion_rate": 0.1818, "on_time_rate": 1.0,
    }],
    response_only=True,
)


class _FiltersSerializer(serializers.Serializer):
    document = serializers.IntegerField(required=False)
    department_kind = serializers.ChoiceField(choices=DepartmentKind.choices, required=False)
    deadline_after = serializers.DateField(required=False)
    deadline_before = serializers.DateField(required=False)


def _progress_filters(request: Request) -> dict[str, Any]:
    ser = _FiltersSerializer(data=request.query_params)
    ser.is_valid(raise_exception=True)
    f = dict(ser.validated_data)
    if "document" in f:
        f["document_id"] = f.pop("document")
    return {"user": request.user, "token": request_token(request), **f}


class DepartmentProgressView(APIView):
    """GET /progress/departments/: one row per department (single aggregate query)."""

    permission_classes = BASE_PERMISSIONS

    @extend_schema(parameters=PROGRESS_PARAMS, responses={200: s.ProgressRowSerializer(many=True)},
                   examples=[PROGRESS_EXAMPLE])
    def get(self, request: Request) -> Response:
        return Response(selectors.progress_by_department(**_progress_filters(request)))


class DepartmentProgressDetailView(APIView):
    """GET /progress/departments/{id}/: one department by document and by measure."""

    permission_classes = BASE_PERMISSIONS

    @extend_schema(parameters=PROGRESS_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        filters = _progress_filters(request)
        filters.pop("department_kind", None)
        # The ranking (/progress/departments/) is open to everyone signed in; one department's detail
        # (by document and measure) only to that department and 督查室 (docs/workflow.md, 可见范围).
        if not _department_visible(request, pk):
            raise NotFoundError("部门不存在，或不在您的权限范围内。")
        detail = selectors.progress_department_detail(department_id=pk, **filters)
        return Response({"department_id": pk, **detail})


def _department_visible(request: Request, pk: int) -> bool:
    from departments.models import Department

    user = request.user
    if not Department.objects.filter(pk=pk).exists():
        return False
    token = request_token(request)
    if token is not None and token.department_id not in (None, pk):
        return False
    return bool(is_supervisor(user) or getattr(user, "department_id", None) == pk)


class DocumentProgressView(APIView):
    """GET /progress/documents/{id}/: one document by section and by measure."""

    permission_classes = BASE_PERMISSIONS

    @extend_schema(parameters=PROGRESS_PARAMS[1:], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        if not PolicyDocument.objects.filter(pk=pk).exists():
            raise NotFoundError("文件不存在。")
        filters = _progress_filters(request)
        filters.pop("document_id", None)
        return Response({"document_id": pk, **selectors.progress_document_detail(document_id=pk, **filters)})


class OverdueView(mixins.ListModelMixin, viewsets.GenericViewSet):
    """GET /overdue/ (督查室): overdue tasks, most days overdue first, with last report and escalation level."""

    serializer_class = s.OverdueTaskSerializer
    permission_classes = [*BASE_PERMISSIONS, IsSupervisor]
    filterset_class = TaskFilterSet
    pagination_class = DeferredJoinPagination
    # "department" sorts by the department's own order (Department.Meta.ordering), as the web 逾期清单 does.
    ordering_fields = ["days_overdue", "deadline", "department", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.overdue_tasks(user=self.request.user, token=request_token(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        context = {**self.get_serializer_context(), "escalation": selectors.escalation_state_for(rows)}
        data = self.get_serializer_class()(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)


# --- Exports ---

XLSX = exports.XLSX

PROGRESS_COLUMNS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("部门", lambda r: r["department"]["name"]),
    ("任务总数", lambda r: r["total"]),
    *[(label, (lambda key: lambda r: r["by_status"][key])(value)) for value, label in
      [("assigned", "已交办"), ("declined", "已退回待改派"), ("accepted", "已签收"), ("in_progress", "办理中"),
       ("submitted", "申请办结"), ("returned", "退回重办"), ("finished", "已办结"), ("cancelled", "已取消")]],
    ("逾期", lambda r: r["overdue"]),
    ("红灯", lambda r: r["red"]),
    ("黄灯", lambda r: r["yellow"]),
    ("绿灯", lambda r: r["green"]),
    ("本期未报送", lambda r: r["reports_missing"]),
    ("完成率", lambda r: "" if r["completion_rate"] is None else f"{r['completion_rate']:.1%}"),
    ("按时办结率", lambda r: "" if r["on_time_rate"] is None else f"{r['on_time_rate']:.1%}"),
]


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"export.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"


class DepartmentProgressExportView(APIView):
    """GET /progress/departments/export.xlsx | export.csv: the department progress table as a file."""

    permission_classes = BASE_PERMISSIONS
    fmt = "xlsx"

    @extend_schema(parameters=PROGRESS_PARAMS, responses={(200, XLSX): OpenApiTypes.BINARY,
                                                          (200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponse | FileResponse:
        rows = selectors.progress_by_department(**_progress_filters(request))
        header = [c[0] for c in PROGRESS_COLUMNS]
        table = [[fn(r) for _, fn in PROGRESS_COLUMNS] for r in rows]
        if self.fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(header)
            writer.writerows([exports.safe_cell(v) for v in line] for line in table)
            # UTF-8 with BOM: Excel on Windows then opens the Chinese text correctly.
            response = HttpResponse(("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = _disposition("部门进度.csv")
            return response
        return exports.xlsx_response(exports.progress_xlsx(header, table), "部门进度.xlsx")


class DocumentExportView(APIView):
    """GET /documents/{id}/export.xlsx: the 任务分解表 of one document (tasks/exports.py, imports back)."""

    permission_classes = BASE_PERMISSIONS

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        document = PolicyDocument.objects.filter(pk=pk).first()
        if document is None:
            raise NotFoundError("文件不存在。")
        scope = selectors.task_scope_q(user=request.user, token=request_token(request))
        return exports.xlsx_response(exports.document_xlsx(document, scope=scope), f"{document.title}-任务分解表.xlsx")


class OverdueExportView(GenericAPIView):
    """GET /overdue/export.xlsx (督查室): the 逾期清单 with the same filters and ordering as GET /overdue/."""

    permission_classes = [*BASE_PERMISSIONS, IsSupervisor]
    filterset_class = TaskFilterSet
    ordering_fields = OverdueView.ordering_fields
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.overdue_tasks(user=self.request.user, token=request_token(self.request))

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request) -> FileResponse:
        today = local_today()
        tasks = self.filter_queryset(self.get_queryset()).iterator(chunk_size=exports.CHUNK)
        built = exports.overdue_xlsx(
            tasks, today=today, escalation=selectors.escalation_state_for, labels=selectors.ESCALATION_LABELS
        )
        return exports.xlsx_response(built, f"逾期清单-{today:%Y%m%d}.xlsx")
