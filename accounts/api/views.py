"""/api/v1/tokens/: list, create and revoke one's own API tokens."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create, api_token_revoke
from common.errors import DomainError, PermissionDeniedError

from .serializers import ApiTokenCreatedSerializer, ApiTokenCreateSerializer, ApiTokenSerializer


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """The caller's own tokens. DELETE revokes (the row stays for the record).

    Creating or revoking requires a browser session: a token cannot mint or kill tokens, so a leaked
    department-limited or read-only token can never widen itself.
    """

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user_id=self.request.user.pk or 0)

    def _require_session(self, request: Request) -> None:
        if isinstance(request.auth, ApiToken):
            raise PermissionDeniedError("请登录后在网页会话中管理 API 令牌，不能用令牌管理令牌。")

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        examples=[OpenApiExample("只读令牌", value={"name": "大屏展示", "read_only": True}, request_only=True)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_session(request)
        ser = ApiTokenCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated ran first
        dept = data["department"]
        is_sup = bool(user.is_superuser or getattr(user, "is_supervisor", False))
        if not is_sup:
            if dept is not None and dept != user.department_id:
                raise PermissionDeniedError("只能创建限定于本部门的令牌。")
            dept = user.department_id
        if data["expires_at"] is not None and data["expires_at"] <= timezone.now():
            raise DomainError("过期时间必须晚于现在。", code="bad_expiry")
        token, raw = api_token_create(
            user=user, name=data["name"], read_only=data["read_only"], department_id=dept,
            expires_at=data["expires_at"],
        )
        body = ApiTokenSerializer(token).data
        body["key"] = raw
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_session(request)
        api_token_revoke(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
