"""Authorization matrix: every API route × every role × every method the view implements (issue 15).

Each role runs in its own test (fresh database), sending GET and every write the view allows (empty JSON
body) to every route with ids of real objects, plus a DELETE everywhere. Every answer must be a documented
outcome — 2xx where allowed, 400 (bad input), 401/403 (who), 404 (out of scope), 405 (no such method),
409 (state conflict) — and never a 5xx. The important rules are asserted exactly: anonymous gets nothing,
another department's task is a 404, a read-only token changes nothing (row counts and AuditEvent count
before == after), a department-limited token does not see another department's task.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from tasks.models import AuditEvent
from tests.security.world import World, build_world, concrete, routes

pytestmark = pytest.mark.django_db

DOCUMENTED = {200, 201, 202, 204, 400, 401, 403, 404, 405, 409}
ROLES = ["anonymous", "staff", "liaison", "leader", "other_leader", "supervisor", "read_only", "dept_limited"]
PUBLIC = {"/api/schema/", "/api/docs/", "/api/redoc/"}


@pytest.fixture
def world() -> World:
    return build_world()


def client_as(role: str, world: World) -> APIClient:
    client = APIClient()
    if role in ("read_only", "dept_limited"):
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.raw_tokens[role]}")
    elif role != "anonymous":
        client.force_login(world.users[role])
    return client


def send(client: APIClient, method: str, url: str):
    if method in ("get", "options"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, {}, format="json")


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if not m._meta.proxy}


def sweep(client: APIClient, world: World, *, task=None) -> list[tuple[str, str, int]]:
    """GET every API route, then every write it implements and a DELETE; returns (method, url, status)."""
    results = []
    api = routes("api/")
    for route in api:
        results.append(("get", concrete(route, world, task=task), 0))
        results.append(("options", concrete(route, world, task=task), 0))
    for route in api:
        for method in sorted({*route.methods, "delete"} - {"get"}):
            results.append((method, concrete(route, world, task=task), 0))
    out = []
    for method, url, _ in results:
        resp = send(client, method, url)
        out.append((method, url, resp.status_code))
    return out


@pytest.mark.parametrize("role", ROLES)
def test_every_api_answer_is_documented_and_never_a_server_error(role, world):
    client = client_as(role, world)
    before = row_counts()
    audit_before = AuditEvent.objects.count()
    results = sweep(client, world)
    assert len(results) > 150
    bad = [r for r in results if r[2] not in DOCUMENTED]
    assert not bad, bad
    by = {(m, u): s for m, u, s in results}

    if role == "anonymous":
        leaks = [r for r in results if r[1] not in PUBLIC and r[2] not in (401, 403)]
        assert not leaks, leaks
        assert row_counts() == before
    if role == "read_only":
        writes = [r for r in results if r[0] not in ("get", "options") and r[2] not in (403, 405)]
        assert not writes, writes
        assert row_counts() == before and AuditEvent.objects.count() == audit_before
    if role in ("staff", "liaison", "leader", "supervisor", "dept_limited"):
        assert by[("get", f"/api/v1/tasks/{world.own_task.pk}/")] == 200
    if role in ("staff", "liaison", "leader", "other_leader"):
        # Supervisor-only queues and the global reminder rule stay closed to department users.
        for url in ("/api/v1/imports/", "/api/v1/unresolved-names/", "/api/v1/unassigned-measures/"):
            assert by[("get", url)] in (403, 404), url
        assert by[("post", "/api/v1/departments/")] == 403
        assert by[("patch", f"/api/v1/reminder-rules/{world.pks['reminder-rules']}/")] in (403, 404)
    if role == "other_leader":
        assert by[("get", f"/api/v1/tasks/{world.own_task.pk}/")] == 404


@pytest.mark.parametrize("role", ["other_leader", "dept_limited", "staff", "leader"])
def test_another_departments_task_is_404_on_every_task_route(role, world):
    """A task outside the caller's scope does not exist for it: every /tasks/{pk}/… answers 404."""
    task = world.own_task if role == "other_leader" else world.foreign_task
    client = client_as(role, world)
    counts = row_counts()
    for route in routes("api/v1/tasks/{pk}"):
        for method in route.methods:
            url = concrete(route, world, task=task)
            assert send(client, method, url).status_code == 404, (method, url)
    assert row_counts() == counts


def test_the_audit_trail_has_no_write_endpoint(world):
    """No API route writes or deletes an AuditEvent directly; the history is read-only."""
    client = client_as("supervisor", world)
    history = f"/api/v1/tasks/{world.own_task.pk}/history/"
    assert client.get(history).status_code == 200
    before = list(AuditEvent.objects.values_list("pk", "action", "before", "after", "note").order_by("pk"))
    assert before
    for method in ("post", "put", "patch", "delete"):
        assert send(client, method, history).status_code == 405, method
    for url in ("/api/v1/audit/", "/api/v1/audit-events/", f"/api/v1/audit-events/{before[0][0]}/"):
        for method in ("get", "post", "patch", "delete"):
            assert send(client, method, url).status_code == 404, (method, url)
    assert not [r for r in routes("api/") if "audit" in r.template and r.methods != ("get",)]
    assert list(AuditEvent.objects.values_list("pk", "action", "before", "after", "note").order_by("pk")) == before


WEB_ROLES = ["anonymous", "staff", "liaison", "leader", "other_leader", "supervisor"]


@pytest.mark.parametrize("role", WEB_ROLES)
def test_every_plain_web_page_answers_200_302_or_403(role, world):
    client = client_as(role, world)
    pages = [r for r in routes("") if not r.parameterised and not r.template.startswith(("/api/", "/admin/"))]
    assert len(pages) >= 15
    results = [(r.template, client.get(r.template).status_code) for r in pages]
    bad = [r for r in results if r[1] not in (200, 301, 302, 403, 405)]
    assert not bad, bad
    if role == "anonymous":
        assert dict(results)["/tasks/"] == 302
    else:
        assert dict(results)["/tasks/"] == 200


def test_the_server_errors_this_matrix_and_schemathesis_found_stay_fixed(world):
    """Each was a 500: format-suffix routes of the reminders router passing `format=` to @action methods,
    OPTIONS on /notifications/preferences/ asking for an object by pk, a malformed id in the unresolved-name
    actions, and a float/huge id filter overflowing SQLite."""
    client = client_as("supervisor", world)
    assert client.get("/api/v1/notifications/preferences.json/").status_code == 404
    assert client.options("/api/v1/notifications/preferences/").status_code == 200
    assert client.options("/api/docs/").status_code == 405
    for action in ("map", "ignore"):
        assert client.post(f"/api/v1/unresolved-names/null,null/{action}/", {}, format="json").status_code == 404
    task = world.own_task.pk
    for query in ("measure=-6.036064814374464e%2B110", "measure=1.5", "department=99999999999999999999999"):
        assert client.get(f"/api/v1/tasks/{task}/history/?{query}").status_code == 400, query
        assert client.get(f"/api/v1/tasks/?{query}").status_code == 400, query
    assert client.get(f"/api/v1/tasks/?measure={world.own_task.measure_id}").status_code == 200
