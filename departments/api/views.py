"""Departments and groups: everyone signed in reads, administrators write (through services)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import IsAdminOrReadOnly, IsSupervisor, TokenWritePermission
from common.services import model_update
from departments.models import Department, DepartmentGroup, DepartmentKind
from departments.selectors import department_list
from departments.services import (
    department_alias_add,
    department_alias_remove,
    department_create,
    department_group_create,
    department_group_set_members,
)
from departments.suggestions import suggest_departments

from . import serializers as s

PERMISSIONS = [IsAdminOrReadOnly, TokenWritePermission]


class DepartmentFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=DepartmentKind.choices)
    active = filters.BooleanFilter()
    q = filters.CharFilter(method="search", label="搜索（名称、简称、别名）")

    class Meta:
        model = Department
        fields = ["kind", "active"]

    def search(self, queryset: QuerySet[Department], name: str, value: str) -> QuerySet[Department]:
        if not value.strip():
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(aliases__name__icontains=value)
        ).distinct()


DEPT_EXAMPLE = OpenApiExample(
    "部门",
    value={
        "id": 2,
        "name": "市工业和信息化局",
        "short_name": "",
        "kind": "city",
        "kind_display": "市级部门",
        "parent": None,
        "active": True,
        "order": 10,
        "aliases": ["市工信局"],
        "groups": [],
        "open_task_count": 12,
    },
    response_only=True,
)


@extend_schema_view(list=extend_schema(examples=[DEPT_EXAMPLE]), retrieve=extend_schema(examples=[DEPT_EXAMPLE]))
class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Departments with their aliases (the names documents print) and groups."""

    serializer_class = s.DepartmentSerializer
    permission_classes = PERMISSIONS
    filterset_class = DepartmentFilterSet
    ordering_fields = ["order", "name", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return department_list()

    def _read(self, pk: int) -> dict[str, Any]:
        return s.DepartmentSerializer(department_list().get(pk=pk)).data

    @extend_schema(
        request=s.DepartmentCreateSerializer,
        responses={201: s.DepartmentSerializer},
        examples=[OpenApiExample("新建部门", value={"name": "市数据局", "aliases": ["市大数据局"]}, request_only=True)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = s.DepartmentCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        dept = department_create(**ser.validated_data)
        return Response(self._read(dept.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DepartmentUpdateSerializer, responses={200: s.DepartmentSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dept = self.get_object()
        ser = s.DepartmentUpdateSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        model_update(instance=dept, fields=["short_name", "kind", "order", "active"], data=ser.validated_data)
        return Response(self._read(dept.pk))

    @extend_schema(
        parameters=[
            OpenApiParameter("name", str, required=True, description="原文单位名称"),
            OpenApiParameter("limit", int, description="最多几条（默认 3）"),
        ],
        responses={200: s.SuggestionResultSerializer},
        summary="一个原文单位名称可能对应的部门（机构改革更名表、名称相近），仅督查室",
        examples=[
            OpenApiExample(
                "机构改革",
                response_only=True,
                value={
                    "name": "市经信委",
                    "suggestions": [
                        {
                            "department_id": 2,
                            "name": "市工业和信息化局",
                            "kind": "rename",
                            "reason": "机构改革：市经信委 已更名为 市工业和信息化局（2019年）",
                        }
                    ],
                },
            )
        ],
    )
    @action(detail=False, methods=["get"], permission_classes=[IsSupervisor], filter_backends=[])
    def suggestions(self, request: Request) -> Response:
        """建议：先查机构改革更名表，再找名称相近的部门（不写库；对应请用 /api/v1/unresolved-names/{id}/map/）。"""
        query = s.SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        name = query.validated_data["name"]
        found = suggest_departments(name, limit=query.validated_data["limit"])
        return Response(s.SuggestionResultSerializer({"name": name, "suggestions": [x.as_dict() for x in found]}).data)

    @extend_schema(request=s.AliasInputSerializer, responses={201: s.DepartmentSerializer})
    @action(detail=True, methods=["post"])
    def aliases(self, request: Request, pk: str | None = None) -> Response:
        dept = self.get_object()
        ser = s.AliasInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        department_alias_add(department=dept, name=ser.validated_data["name"])
        return Response(self._read(dept.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AliasInputSerializer, responses={200: s.DepartmentSerializer})
    @action(detail=True, methods=["post"], url_path="aliases/remove")
    def remove_alias(self, request: Request, pk: str | None = None) -> Response:
        """删除一个别名（已生成的任务不受影响）。"""
        dept = self.get_object()
        ser = s.AliasInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        department_alias_remove(department=dept, name=ser.validated_data["name"])
        return Response(self._read(dept.pk))


class DepartmentGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Named groups of departments (各县(市、区)人民政府) with members and alias names."""

    serializer_class = s.DepartmentGroupSerializer
    permission_classes = PERMISSIONS
    ordering_fields = ["name", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return DepartmentGroup.objects.prefetch_related("members", "aliases")

    @extend_schema(request=s.DepartmentGroupCreateSerializer, responses={201: s.DepartmentGroupSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = s.DepartmentGroupCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        group = department_group_create(**ser.validated_data)
        return Response(
            s.DepartmentGroupSerializer(self.get_queryset().get(pk=group.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.GroupMembersInputSerializer, responses={200: s.DepartmentGroupSerializer})
    @action(detail=True, methods=["put"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        """整体替换部门组成员（之后导入的文件按新成员展开；已生成的任务不变）。"""
        group = self.get_object()
        ser = s.GroupMembersInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        department_group_set_members(group=group, members=ser.validated_data["members"])
        return Response(s.DepartmentGroupSerializer(self.get_queryset().get(pk=group.pk)).data)
