"""Database outage → a clean Chinese 503 instead of a 500 with a traceback page.

When PostgreSQL restarts or drops connections, a view raises django.db.OperationalError (cannot connect,
server closed the connection) or InterfaceError (connection already closed). This middleware turns them into
503 Service Unavailable with `Retry-After`: JSON {"detail", "code": "database_unavailable"} for the API
(paths under /api/ or clients asking for JSON), the 503.html page otherwise. The page is rendered without the
request, so no context processor touches the database. Django closes the broken connection at the end of
the request (close_old_connections), so the next request reconnects: nothing else is needed to recover.
Writes run in transactions, so a request answered with 503 wrote nothing.

An outage met outside the view — the session or user lookup in SessionMiddleware/AuthenticationMiddleware, the
session save on the way out — never reaches process_exception: Django turns it into a 500 at that middleware.
`server_error` (config/urls.py handler500) is called for those with the exception still being handled, and
answers the same 503.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger("duban.db_unavailable")

RETRY_AFTER_SECONDS = 5
MESSAGE = "数据库暂时不可用（可能正在重启或维护），本次操作未保存，请稍后重试。"
FALLBACK_PAGE = f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>系统维护中</title><p>{MESSAGE}</p>"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer for a request that met a database outage."""
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse(
            {"detail": MESSAGE, "code": "database_unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        try:
            page: str = render_to_string("503.html")
        except Exception:  # the template layer itself may fail in an outage; never turn a 503 into a 500
            page = FALLBACK_PAGE
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answer OperationalError / InterfaceError raised by a view (or DRF authentication) with a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponse:
    """handler500: a database outage anywhere in the request is a 503; anything else Django's 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name)
