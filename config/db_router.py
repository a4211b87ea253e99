"""Read-replica routing for reports and exports (docs/deploy.md).

With DATABASE_REPLICA_URL set, the settings add a second connection `replica` (a PostgreSQL streaming
replica of `default`), put `ReplicaRouter` in DATABASE_ROUTERS and `ReportReadsMiddleware` in MIDDLEWARE.
Then:

- the middleware marks a GET/HEAD request to a report or export view (`REPLICA_VIEW_NAMES`) as a
  report read, from the view until the response is returned (the exports build their workbook inside
  the view, so no query runs later while the file streams);
- during such a request the router sends reads to `replica`, except reads of the authentication and
  scheduler apps (`PRIMARY_ONLY_APPS`): a token revoked a moment ago must not still work on a lagging
  replica;
- every other read, every write, and every migration go to `default`.

Without DATABASE_REPLICA_URL nothing here is installed, and if the router is installed by hand without a
`replica` database it still sends everything to `default`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
DEFAULT = "default"

# Namespaced view names (request.resolver_match.view_name) whose reads may be a little stale.
REPLICA_VIEW_NAMES = frozenset(
    {
        "tasks-api:progress-departments",
        "tasks-api:progress-departments-xlsx",
        "tasks-api:progress-departments-csv",
        "tasks-api:progress-department-detail",
        "tasks-api:progress-document-detail",
        "tasks-api:document-export",
        "tasks-api:overdue-export",
        "assessment-api:scores-xlsx",
        "assessment-api:rankings",
        "web:progress",
    }
)
# Apps that are always read from the primary: who is logged in, which token is valid, beat's schedule.
PRIMARY_ONLY_APPS = frozenset({"accounts", "auth", "sessions", "contenttypes", "admin", "django_celery_beat"})

_report_read: contextvars.ContextVar[bool] = contextvars.ContextVar("duban_report_read", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def report_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica (when there is one). Usable from commands and jobs too."""
    token = _report_read.set(True)
    try:
        yield
    finally:
        _report_read.reset(token)


def in_report_read() -> bool:
    return _report_read.get()


class ReplicaRouter:
    """Django database router: report reads → `replica`, everything else → `default`."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if _report_read.get() and model._meta.app_label not in PRIMARY_ONLY_APPS and replica_configured():
            return REPLICA
        return DEFAULT

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects from either may be related.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT


class ReportReadsMiddleware:
    """Marks GET/HEAD requests to the views in REPLICA_VIEW_NAMES as report reads, from the view on until the
    response leaves this middleware (put it last in MIDDLEWARE, so authentication has already run)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _report_read.set(False)
        try:
            return self.get_response(request)
        finally:
            _report_read.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: Any, view_kwargs: Any
    ) -> None:
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match is not None and match.view_name in REPLICA_VIEW_NAMES:
            _report_read.set(True)
