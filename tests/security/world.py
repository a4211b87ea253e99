"""A small city with one imported document and one row of every kind the API exposes (security tests)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from accounts.tokens import api_token_create
from departments.demo import load_demo_city
from departments.models import Department, DepartmentGroup
from reminders.models import Notification, ReminderRule
from tasks.models import (
    Attachment,
    ExtensionRequest,
    Measure,
    PendingAssignment,
    PolicyDocument,
    PolicyUpload,
    ProgressReport,
    Target,
    Task,
)
from tasks.services.imports import policy_upload_confirm, policy_upload_create
from tasks.services.workflow import extension_request_create, task_accept, task_report_progress
from tests import factories
from tests.tasks import import_docs as D

MISSING_PK = 987654


@dataclass
class World:
    users: dict[str, User]
    own: Department  # 市工业和信息化局: the department of staff / liaison / leader
    other: Department  # 市无关局: has no task at all
    own_task: Task
    foreign_task: Task  # a task of 市财政局 on a measure 工信局 neither leads nor handles
    raw_tokens: dict[str, str] = field(default_factory=dict)
    pks: dict[str, int] = field(default_factory=dict)


def build_world() -> World:
    load_demo_city()
    own = Department.objects.get(name="市工业和信息化局")
    other = factories.DepartmentFactory(name="市无关局")
    users = {
        "staff": factories.StaffFactory(department=own),
        "liaison": factories.LiaisonFactory(department=own),
        "leader": factories.LeaderFactory(department=own),
        "other_leader": factories.LeaderFactory(department=other),
        "supervisor": factories.SupervisorFactory(),
    }
    sup = users["supervisor"]
    upload = policy_upload_create(data=D.DOC_DIGITAL.encode(), filename="digital.txt", user=sup)
    policy_upload_confirm(upload=upload, user=sup, create_missing_departments=False)
    # A second upload left in preview, with pending suggestions and an unresolved name.
    policy_upload_create(data=D.DOC_NEW_UNITS.encode(), filename="units.txt", user=sup)
    own_task = Task.objects.filter(department=own).order_by("pk").first()
    assert own_task is not None
    stats = Department.objects.get(name="市统计局")
    foreign_task = Task.objects.filter(department=stats).exclude(measure__tasks__department=own).first() or (
        factories.TaskFactory(department=stats)
    )
    task_accept(task_id=own_task.pk, actor=users["liaison"])
    report = task_report_progress(
        task_id=own_task.pk, actor=users["liaison"], percent=30, progress="已完成调研",
        attachments=[SimpleUploadedFile("证明.txt", "进展材料".encode())],
    )
    extension_request_create(
        task_id=own_task.pk, actor=users["liaison"], reason="需要协调", requested_deadline=own_task.deadline
        + dt.timedelta(days=30),
    )
    Notification.objects.create(user=users["staff"], kind="urged", title="【催办】测试", body="请加快")
    Notification.objects.create(user=sup, kind="urged", title="【催办】测试", body="请加快")
    world = World(users=users, own=own, other=other, own_task=own_task, foreign_task=foreign_task)
    for name, user, kwargs in (
        ("read_only", sup, {"read_only": True}),
        ("dept_limited", sup, {"department_id": own.pk}),
        ("supervisor", sup, {}),
    ):
        _token, raw = api_token_create(user=user, name=name, **kwargs)
        world.raw_tokens[name] = raw
    del report

    def first(model) -> int:
        obj = model.objects.order_by("pk").first()
        return obj.pk if obj is not None else MISSING_PK

    world.pks = {
        "departments": own.pk,
        "department-groups": first(DepartmentGroup),
        "tasks": own_task.pk,
        "reports": first(ProgressReport),
        "extensions": first(ExtensionRequest),
        "documents": first(PolicyDocument),
        "measures": first(Measure),
        "targets": first(Target),
        "tokens": sup.api_tokens.order_by("pk").first().pk,
        "imports": first(PolicyUpload),
        "unresolved-names": first(apps.get_model("departments", "UnresolvedName")),
        "pending-assignments": first(PendingAssignment),
        "notifications": Notification.objects.filter(user=users["staff"]).get().pk,
        "reminder-rules": ReminderRule.objects.filter(document__isnull=True).order_by("pk").first().pk,
        "progress/departments": own.pk,
        "progress/documents": first(PolicyDocument),
        "attachments": first(Attachment),
        "assessment/scores": first(apps.get_model("assessment", "Score")) if _has("assessment", "Score") else 1,
        "assessment/bulletins": first(apps.get_model("assessment", "Bulletin")) if _has("assessment", "Bulletin")
        else 1,
    }
    return world


def _has(app: str, model: str) -> bool:
    try:
        apps.get_model(app, model)
    except LookupError:
        return False
    return True


# ---- URL enumeration --------------------------------------------------------------------------------------

_WRITE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    template: str  # "/api/v1/tasks/{pk}/accept/"
    name: str
    methods: tuple[str, ...]  # what the view implements (lower case)

    @property
    def parameterised(self) -> bool:
        return "{" in self.template


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # DRF adds "head" to this dict on the first request; only the five verbs count here
        return tuple(sorted(set(actions) & {"get", *_WRITE}))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return ("get",)
    return tuple(m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m))


def _template(regex_or_route: str) -> str:
    s = regex_or_route.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
    s = re.sub(r"\(\?P<format>[^)]*\)", "json", s)
    s = re.sub(r"<drf_format_suffix:format>", ".json", s)
    s = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", s)
    s = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", s)
    return "/" + s


def routes(prefix: str) -> list[Route]:
    """Every URL pattern under `prefix` ("api/" or "" for all), as a template with {pk}-style holes."""

    def walk(patterns, base: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, base + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield base + str(p.pattern), p

    seen: dict[str, Route] = {}
    for raw, pattern in walk(get_resolver().url_patterns, ""):
        template = _template(raw)
        if not template.startswith("/" + prefix):
            continue
        seen.setdefault(template, Route(template, pattern.name or "", _methods(pattern.callback)))
    return list(seen.values())


def concrete(route: Route, world: World, *, task: Task | None = None) -> str:
    """Fill a route's holes with ids from the world (the object that route is about)."""
    path = route.template
    if "{" not in path:
        return path
    key = path.removeprefix("/api/v1/").split("/{")[0]
    pk = world.pks.get(key, MISSING_PK)
    if key == "tasks" and task is not None:
        pk = task.pk
    values = {"pk": pk, "task_id": (task or world.own_task).pk, "document_id": world.pks["documents"],
              "target_id": world.pks["targets"], "attachment_id": world.pks["attachments"],
              "upload_id": world.pks["imports"], "score_id": world.pks["assessment/scores"],
              "bulletin_id": world.pks["assessment/bulletins"], "action": "accept", "period": "2026-01",
              "uidb64": "MQ", "token": "set-password"}
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), MISSING_PK)), path)
