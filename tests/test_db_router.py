"""The read-replica router (config/db_router.py) without a real replica, and the deploy files' structure.

The router is tried with the setting on (a `replica` entry in DATABASES) and off; the middleware through
Django's test client with the router swapped in; deploy/compose.yaml is parsed (docker is not run here).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import router as django_router
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from accounts.models import User
from config import db_router
from config.db_router import ReplicaRouter, ReportReadsMiddleware, report_reads
from departments.models import Department
from tasks.models import Task

ROOT = Path(__file__).resolve().parent.parent


def _databases(settings: Any, *, replica: bool) -> dict[str, Any]:
    dbs = {"default": settings.DATABASES["default"]}
    if replica:
        dbs["replica"] = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
    return dbs


pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def test_replica_on_report_reads_go_to_replica(settings: Any) -> None:
    settings.DATABASES = _databases(settings, replica=True)
    r = ReplicaRouter()
    assert r.db_for_read(Task) == "default"  # outside a report request
    with report_reads():
        assert r.db_for_read(Task) == "replica"
        assert r.db_for_read(Department) == "replica"
        # who is logged in / which token is valid is always read from the primary
        assert r.db_for_read(User) == "default"
        assert r.db_for_write(Task) == "default"
    assert r.db_for_read(Task) == "default"  # the mark does not leak out of the block


def test_replica_off_everything_goes_to_default(settings: Any) -> None:
    settings.DATABASES = _databases(settings, replica=False)
    r = ReplicaRouter()
    with report_reads():
        assert r.db_for_read(Task) == "default"
        assert r.db_for_write(Task) == "default"


def test_migrations_only_on_default() -> None:
    r = ReplicaRouter()
    assert r.allow_migrate("default", "tasks") is True
    assert r.allow_migrate("replica", "tasks") is False
    assert r.allow_migrate("replica", "accounts", model_name="user") is False


@pytest.mark.django_db
def test_relations_between_primary_and_replica_objects_allowed() -> None:
    a, b = Department(name="甲"), Department(name="乙")
    a._state.db, b._state.db = "default", "replica"
    assert ReplicaRouter().allow_relation(a, b) is True
    b._state.db = "other"
    assert ReplicaRouter().allow_relation(a, b) is None


def _seen_by_view(path: str, method: str = "get") -> bool:
    """Run the middleware around a stand-in view for `path`; return whether the view ran as a report read."""
    seen: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(db_router.in_report_read())
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path)

    def get_response(req: HttpRequest) -> HttpResponse:
        response = middleware.process_view(req, view, (), {})
        return response or view(req)

    middleware = ReportReadsMiddleware(get_response)
    middleware(request)
    assert db_router.in_report_read() is False  # reset once the response left the middleware
    return seen[0]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/progress/departments/",
        "/api/v1/progress/departments/export.xlsx",
        "/api/v1/progress/departments/export.csv",
        "/api/v1/progress/departments/3/",
        "/api/v1/documents/3/export.xlsx",
        "/api/v1/overdue/export.xlsx",
        "/progress/",
    ],
)
def test_middleware_marks_report_views(path: str) -> None:
    assert _seen_by_view(path) is True


@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/tasks/3/", "/api/v1/overdue/", "/"])
def test_middleware_leaves_other_views_on_primary(path: str) -> None:
    assert _seen_by_view(path) is False


def test_middleware_never_marks_writes() -> None:
    assert _seen_by_view("/api/v1/progress/departments/", method="post") is False


def test_every_replica_view_name_exists() -> None:
    from django.urls import get_resolver

    names: set[str] = set()

    def walk(resolver: Any, prefix: str) -> None:
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p, ns)
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver(), "")
    assert db_router.REPLICA_VIEW_NAMES <= names, db_router.REPLICA_VIEW_NAMES - names


@pytest.mark.django_db
def test_report_request_reads_replica_end_to_end(client: Any, settings: Any) -> None:
    """The real middleware + router on a real request: the progress view's task reads are routed to `replica`
    (a spy router records the alias); the login itself is read from default."""
    settings.DATABASES = _databases(settings, replica=True)
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "config.db_router.ReportReadsMiddleware"]
    chosen: list[tuple[str, str]] = []

    class Spy(ReplicaRouter):
        def db_for_read(self, model: type[Any], **hints: Any) -> str:
            alias = super().db_for_read(model, **hints)
            chosen.append((model._meta.label, alias))
            return "default"  # the test database has no second connection; record the choice only

    user = User.objects.create_user(username="dc", password="x", is_supervisor=True)
    client.force_login(user)
    old = django_router.routers
    django_router.routers = [Spy()]
    try:
        assert client.get("/api/v1/progress/departments/").status_code == 200
        report = list(chosen)
        chosen.clear()
        assert client.get("/api/v1/tasks/").status_code == 200
    finally:
        django_router.routers = old
    assert ("accounts.User", "default") in report
    assert any(alias == "replica" for _, alias in report), report
    assert all(alias == "default" for _, alias in chosen), chosen


def _production_settings(monkeypatch: pytest.MonkeyPatch, replica: str) -> Any:
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "duban.example.cn")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db-primary:5432/duban")
    monkeypatch.setenv("DATABASE_REPLICA_URL", replica)
    sys.modules.pop("config.settings.production", None)
    module = importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)
    return module


def test_production_settings_with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _production_settings(monkeypatch, "postgres://u:p@db-replica:5432/duban")
    assert s.DATABASES["replica"]["HOST"] == "db-replica"
    assert s.DATABASES["replica"]["TEST"] == {"MIRROR": "default"}
    assert s.DATABASE_ROUTERS == ["config.db_router.ReplicaRouter"]
    assert s.MIDDLEWARE[-1] == "config.db_router.ReportReadsMiddleware"


def test_production_settings_without_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _production_settings(monkeypatch, "")
    assert set(s.DATABASES) == {"default"}
    assert not getattr(s, "DATABASE_ROUTERS", [])
    assert "config.db_router.ReportReadsMiddleware" not in s.MIDDLEWARE


# --- deploy/compose.yaml (parsed only: docker is not available in CI, the file was never started here) ---


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_services_present() -> None:
    services = _compose()["services"]
    assert {"db-primary", "db-replica", "redis", "redis-replica", "sentinel", "web1", "web2", "nginx",
            "worker", "beat", "migrate"} <= set(services)
    for name in ("web1", "web2", "worker", "beat", "migrate"):
        assert services[name].get("image") == "duban:local", name
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile", name
    assert (ROOT / "deploy" / "Dockerfile").is_file()
    for name in ("db-primary", "db-replica", "redis", "redis-replica", "sentinel", "nginx"):
        assert "build" not in services[name] and ":" in services[name]["image"], name


def test_compose_exactly_one_beat() -> None:
    services = _compose()["services"]
    beats = [n for n, s in services.items() if "beat" in " ".join(map(str, s.get("command", [])))]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert services["worker"]["deploy"]["replicas"] >= 2


def test_compose_web_uses_replica_and_media_not_served() -> None:
    services = _compose()["services"]
    env = services["web1"]["environment"]
    assert "db-replica" in env["DATABASE_REPLICA_URL"]
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "upstream" in nginx and "web1:8000" in nginx and "web2:8000" in nginx
    assert "location /media" in nginx and "return 404" in nginx


def test_production_settings_sentinel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_SENTINEL_MASTER", "duban")
    s = _production_settings(monkeypatch, "")
    assert s.CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] == "duban"
    assert s.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600  # base options kept
    monkeypatch.delenv("REDIS_SENTINEL_MASTER")
    assert "master_name" not in _production_settings(monkeypatch, "").CELERY_BROKER_TRANSPORT_OPTIONS
