"""考核 API under /api/v1/assessment/: rules, periods (compute), scores (+ breakdown, xlsx), rankings, bulletins."""

from __future__ import annotations

import tempfile
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsSupervisor, TokenWritePermission, request_token
from tasks.exports import XLSX, Column, write_xlsx, xlsx_response

from .. import bulletins as bulletin_services
from .. import selectors
from ..models import Bulletin, DepartmentScore, RankGroup, ScorePeriod, ScoreRuleSet
from ..periods import parse_period
from ..scoring import compute_period
from . import serializers as s

BASE = [IsAuthenticated, TokenWritePermission]
SUPERVISOR = [IsAuthenticated, TokenWritePermission, IsSupervisor]

SCORE_PARAMS = [
    OpenApiParameter("period", str, description="周期：2026-05、2026-Q2 或 2026；默认最近计算的周期"),
    OpenApiParameter("group", str, enum=[g.value for g in RankGroup], description="排名分组"),
    OpenApiParameter("department_kind", str, description="部门类别（city/party/county/park/office/other）"),
    OpenApiParameter("department", int, description="部门 ID"),
]


class _Filters(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True)
    group = serializers.ChoiceField(choices=RankGroup.choices, required=False)
    department_kind = serializers.CharField(required=False, allow_blank=True)
    department = serializers.IntegerField(required=False)

    def validate_period(self, value: str) -> str:
        return parse_period(value).key if value else ""


def _filters(request: Request) -> dict[str, Any]:
    ser = _Filters(data=request.query_params)
    ser.is_valid(raise_exception=True)
    return {"user": request.user, "token": request_token(request), **ser.validated_data}


class RuleSetListView(generics.ListAPIView):
    """GET /assessment/rules/: rule versions with their items (edited in the admin)."""

    permission_classes = BASE
    serializer_class = s.RuleSetSerializer
    queryset = ScoreRuleSet.objects.prefetch_related("items", "document_weights")


class PeriodListView(generics.ListAPIView):
    """GET /assessment/periods/: computed periods."""

    permission_classes = BASE
    serializer_class = s.PeriodSerializer
    queryset = ScorePeriod.objects.select_related("ruleset")


class PeriodComputeView(APIView):
    """POST /assessment/periods/compute/ {"period": "2026-05"}: compute (or recompute) a period now (督查室)."""

    permission_classes = SUPERVISOR

    @extend_schema(request=s.ComputeInputSerializer, responses={200: s.PeriodSerializer})
    def post(self, request: Request) -> Response:
        ser = s.ComputeInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        result = compute_period(key=ser.validated_data["period"], actor=request.user)
        return Response(s.PeriodSerializer(result.period).data)


class ScoreListView(generics.ListAPIView):
    """GET /assessment/scores/: department scores of a period, ranked within groups."""

    permission_classes = BASE
    serializer_class = s.ScoreSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=SCORE_PARAMS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.score_list(**_filters(self.request))


class ScoreDetailView(APIView):
    """GET /assessment/scores/{id}/: one score with its items (the department itself and 督查室; others 404)."""

    permission_classes = BASE

    @extend_schema(responses={200: s.ScoreDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        score = selectors.score_get_for_user(user=request.user, token=request_token(request), score_id=pk)
        score.item_rows = list(selectors.score_items(score))  # type: ignore[attr-defined]
        return Response(s.ScoreDetailSerializer(score).data)


SCORE_COLUMNS = [
    Column("周期", 10),
    Column("分组", 12),
    Column("名次", 7, "int"),
    Column("部门", 32),
    Column("得分", 9),
    Column("加分", 8),
    Column("扣分", 8),
    Column("任务数", 8, "int"),
    Column("按期办结", 9, "int"),
    Column("逾期办结", 9, "int"),
    Column("期末逾期", 9, "int"),
    Column("按期率(%)", 10),
    Column("完成率(%)", 10),
    Column("红灯", 7, "int"),
    Column("黄灯", 7, "int"),
    Column("绿灯", 7, "int"),
]


def _score_row(r: DepartmentScore) -> list[Any]:
    return [
        r.period.key,
        r.get_group_display(),
        r.rank,
        r.department.name,
        float(r.total),
        float(r.bonus),
        float(r.deduction),
        r.task_count,
        r.finished_on_time,
        r.finished_late,
        r.overdue_open,
        None if r.on_time_rate is None else float(r.on_time_rate),
        None if r.completion_rate is None else float(r.completion_rate),
        r.red,
        r.yellow,
        r.green,
    ]


class ScoreExportView(APIView):
    """GET /assessment/scores/export.xlsx: the score table (same filters as the list)."""

    permission_classes = BASE

    @extend_schema(parameters=SCORE_PARAMS, responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request) -> FileResponse:
        rows = selectors.score_list(**_filters(request))
        first = rows.first()
        key = first.period.key if first else "无数据"
        tmp = tempfile.TemporaryFile(suffix=".xlsx")
        write_xlsx(
            tmp,
            sheet="考核得分",
            columns=SCORE_COLUMNS,
            rows=(_score_row(r) for r in rows.iterator()),
            title_lines=[f"考核得分（{key}）"],
        )
        tmp.seek(0)
        return xlsx_response(tmp, f"考核得分-{key}.xlsx")


class RankingView(APIView):
    """GET /assessment/rankings/: scores by group (市直部门, 县(市、区), 园区) with 红黄绿 and 按期率."""

    permission_classes = BASE

    @extend_schema(parameters=SCORE_PARAMS[:3], responses={200: s.RankingSerializer})
    def get(self, request: Request) -> Response:
        f = _filters(request)
        f.pop("department", None)
        data = selectors.rankings(**f)
        return Response(s.RankingSerializer(data).data)


class BulletinListView(generics.ListCreateAPIView):
    """GET /assessment/bulletins/ (issued for everyone, drafts for 督查室); POST {"period"} drafts one (督查室)."""

    serializer_class = s.BulletinSerializer

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [p() for p in (SUPERVISOR if self.request.method == "POST" else BASE)]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.bulletin_list(user=self.request.user, token=request_token(self.request))

    @extend_schema(request=s.BulletinCreateSerializer, responses={201: s.BulletinSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = s.BulletinCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        bulletin = bulletin_services.bulletin_create(
            period_key=ser.validated_data["period"],
            actor=request.user,
            overdue_threshold=ser.validated_data.get("overdue_threshold", 10),
        )
        return Response(s.BulletinSerializer(bulletin).data, status=status.HTTP_201_CREATED)


class BulletinDetailView(APIView):
    """GET / PATCH / DELETE /assessment/bulletins/{id}/. Issued bulletins: read-only (PATCH/DELETE → 409)."""

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [p() for p in (BASE if self.request.method == "GET" else SUPERVISOR)]

    @extend_schema(responses={200: s.BulletinSerializer})
    def get(self, request: Request, pk: int) -> Response:
        bulletin = selectors.bulletin_get_for_user(user=request.user, token=request_token(request), bulletin_id=pk)
        return Response(s.BulletinSerializer(bulletin).data)

    @extend_schema(request=s.BulletinUpdateSerializer, responses={200: s.BulletinSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, token=request_token(request), bulletin_id=pk)
        ser = s.BulletinUpdateSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        bulletin = bulletin_services.bulletin_update(bulletin_id=pk, actor=request.user, data=ser.validated_data)
        return Response(s.BulletinSerializer(bulletin).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, token=request_token(request), bulletin_id=pk)
        bulletin_services.bulletin_delete(bulletin_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulletinIssueView(APIView):
    """POST /assessment/bulletins/{id}/issue/: 印发 (archive docx + data, notify the named departments)."""

    permission_classes = SUPERVISOR

    @extend_schema(request=None, responses={200: s.BulletinSerializer})
    def post(self, request: Request, pk: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, token=request_token(request), bulletin_id=pk)
        bulletin = bulletin_services.bulletin_issue(bulletin_id=pk, actor=request.user)
        return Response(s.BulletinSerializer(bulletin).data)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(bulletin: Bulletin) -> HttpResponse:
    response = HttpResponse(bulletin_services.bulletin_docx(bulletin), content_type=DOCX)
    name = bulletin_services.bulletin_filename(bulletin)
    response["Content-Disposition"] = f"attachment; filename=\"bulletin.docx\"; filename*=UTF-8''{quote(name)}"
    return response


class BulletinDocxView(APIView):
    """GET /assessment/bulletins/{id}/docx/: the bulletin as .docx (archived file once issued)."""

    permission_classes = BASE

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        bulletin = selectors.bulletin_get_for_user(user=request.user, token=request_token(request), bulletin_id=pk)
        return docx_response(bulletin)
