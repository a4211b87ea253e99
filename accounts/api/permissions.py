"""Small role checks for every app's API. Object scope is done by selectors (out of scope → 404), not here.

In accounts because they read only the user and the API token, and every app (departments too) uses them.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiToken
from accounts.roles import is_supervisor


def request_token(request: Any) -> ApiToken | None:
    """The ApiToken the request authenticated with (None for session logins)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class TokenWritePermission(BasePermission):
    """A read-only API token may only read."""

    message = "只读令牌不能执行写操作。"

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request_token(request)
        return request.method in SAFE_METHODS or token is None or not token.read_only


class IsSupervisor(BasePermission):
    """督查室 supervisors and superusers, city-wide: a token limited to one department is not city-wide."""

    message = "仅督查室可以访问。"

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated and is_supervisor(request.user)):
            return False
        if token_department_limited(request):
            self.message = "限定部门的令牌不能访问全市范围的督查室功能。"
            return False
        return True


def token_department_limited(request: Any) -> bool:
    """True when the request came with an API token limited to one department."""
    token = request_token(request)
    return token is not None and token.department_id is not None


class CityWideWritePermission(BasePermission):
    """Writes to city-wide settings (reminder rules …) need a token without a department limit."""

    message = "限定部门的令牌不能修改全市范围的设置。"

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or not token_department_limited(request)


class IsAdminOrReadOnly(BasePermission):
    """Anyone signed in reads; only administrators (is_staff) write."""

    message = "仅管理员可以修改。"

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or bool(request.user.is_staff or request.user.is_superuser)
