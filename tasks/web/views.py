"""Server-rendered pages for department users and 督查室 supervisors.

Views are thin: parse a form, call ONE selector or service, render or redirect with a Chinese
message. Rules (scope, transitions, lights) live in tasks/selectors.py, tasks/workflow.py and
tasks/lights.py; writes in tasks/services/. A DomainError's Chinese `.message` is shown as is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from common.dates import local_today
from common.errors import DomainError, NotFoundError, StaleWriteError
from common.pagination import DeferredJoinPaginator
from departments.models import Department, DepartmentGroup, UnresolvedName
from tasks import import_selectors
from tasks import selectors as task_selectors
from tasks.downloads import attachment_response
from tasks.history import task_history
from tasks.models import ExtensionRequest, Light, PolicyDocument, Task, TaskStatus
from tasks.name_queue import unresolved_name_rows
from tasks.services import handling, oversight
from tasks.services import imports as import_services
from tasks.services import workflow as wf
from tasks.workflow import ACTION_LABELS, Action, allowed_actions, is_supervisor

from . import forms
from . import selectors as web_selectors

STALE_MESSAGE = "任务已被他人修改，请刷新后重试。"
LIGHT_LABELS = dict(Light.choices)
PAGE_SIZE = 30


# --- Helpers ---


def _nav(request: HttpRequest) -> dict[str, Any]:
    """What the top bar needs: the user's role and the badge counts (at most two small queries)."""
    user = request.user
    sup = is_supervisor(user)
    nav: dict[str, Any] = {"is_supervisor": sup, "has_notifications": web_selectors.notifications_available()}
    if sup:
        nav["unresolved_count"] = UnresolvedName.objects.filter(status=UnresolvedName.Status.OPEN).count()
    if nav["has_notifications"]:
        nav["unread_count"] = web_selectors.unread_notification_count(user=user)
    return nav


def _render(
    request: HttpRequest, template: str, active: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {"nav": _nav(request), "nav_active": active, **context}, status=status)


def _me(request: HttpRequest) -> User:
    """The logged-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _decorate(tasks: Iterable[Task]) -> list[Task]:
    """Attach the Chinese light label to annotated tasks (display only)."""
    out = list(tasks)
    for t in out:
        t.light_label = LIGHT_LABELS.get(getattr(t, "light", ""), "")  # type: ignore[attr-defined]
    return out


def role_required(
    allowed: Callable[[Any], bool], message: str
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: login first (redirect), then 403 with `message` unless `allowed(user)`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


supervisor_required = role_required(is_supervisor, "仅督查室可以访问此页面。")


def _api_url(name: str, *args: Any) -> str | None:
    """A link into the REST API when that route exists (exports are served by the API)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _get_task(request: HttpRequest, task_id: int) -> Task:
    try:
        return task_selectors.task_get_for_user(user=_me(request), task_id=task_id)
    except NotFoundError as exc:
        raise Http404(exc.message)


# --- 工作台 ---


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: department overview for department users, city-wide totals for 督查室."""
    if is_supervisor(request.user):
        data = web_selectors.dashboard_supervisor(user=_me(request))
        data["overdue_top"] = _decorate(data["overdue_top"])
        return _render(request, "web/home_supervisor.html", "home", data)
    data = web_selectors.dashboard_department(user=_me(request))
    data["open_tasks"] = _decorate(data["open_tasks"][:100])
    data["my_tasks"] = _decorate(task_selectors.my_open_tasks(user=_me(request))[:50])
    return _render(request, "web/home_department.html", "home", data)


# --- 任务列表 ---


def _filtered_tasks(
    request: HttpRequest, params: Any, *, many: bool
) -> tuple[forms.TaskFilterForm, QuerySet[Task]]:
    """The user's tasks narrowed by the task-list filters in `params` (GET of the list, or the bulk form).

    `many` (web_selectors.may_urge_some: 督查室, a lead or splitting unit) offers the 部门 filter, so a
    leader's 驾驶舱 bar for a partner department opens that department's tasks. Scope still applies.
    """
    form = forms.TaskFilterForm(params or None, show_department=many)
    qs: QuerySet[Task] = task_selectors.task_list_for_user(user=_me(request))
    if form.is_valid():
        f = form.cleaned_data
        if f.get("q"):
            qs = qs.filter(
                Q(measure__title__icontains=f["q"]) | Q(measure__text__icontains=f["q"])
                | Q(department__name__icontains=f["q"]) | Q(printed_name__icontains=f["q"])
            )
        if f.get("status"):
            qs = qs.filter(status=f["status"])
        if f.get("light"):
            qs = qs.filter(light=f["light"])  # type: ignore[misc]
        if f.get("department"):
            qs = qs.filter(department=f["department"])
        if f.get("role"):
            qs = qs.filter(role=f["role"])
        if f.get("document"):
            qs = qs.filter(measure__document=f["document"])
        if f.get("overdue") in ("0", "1"):
            qs = qs.filter(overdue=f["overdue"] == "1")  # type: ignore[misc]
    return form, qs


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """任务列表 with filters; only tasks in the user's scope."""
    sup = is_supervisor(request.user)
    many = web_selectors.may_urge_some(user=_me(request))
    form, qs = _filtered_tasks(request, request.GET, many=many)
    qs = qs.order_by(F("deadline").asc(nulls_last=True), "measure__document_id", "measure__order", "id")
    page = DeferredJoinPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    rows = _decorate(page.object_list)
    # 牵头单位 (and departments that split tasks down) also see other departments' tasks: name the department
    # whenever a listed row is not the user's own.
    own_dept = getattr(request.user, "department_id", None)
    show_department = sup or any(t.department_id != own_dept for t in rows)
    return _render(
        request, "web/task_list.html", "tasks",
        {"form": form, "page": page, "tasks": rows, "querystring": params.urlencode(),
         "show_department": show_department, "can_bulk_urge": many,
         "urge_form": forms.BulkUrgeForm()},
    )


@require_POST
@login_required
def tasks_urge(request: HttpRequest) -> HttpResponse:
    """批量催办 with one message: the ticked `task_ids` (逾期清单's 催办所选), or else every task of the task-list
    filter in `querystring`. Either way only open tasks in the user's scope; other ids are ignored, never urged."""
    params = request.POST.copy()
    form = forms.BulkUrgeForm(params)
    querystring = request.POST.get("querystring", "")
    back_to = "web:overdue" if request.POST.get("return_to") == "overdue" else "web:task_list"
    back = f"{reverse(back_to)}?{querystring}"
    # selection=ids (the 逾期清单 form) never falls back to the filter, even when nothing is ticked.
    by_ids = request.POST.get("selection") == "ids" or "task_ids" in request.POST
    ids = {int(x) for x in request.POST.getlist("task_ids") if x.isdigit()} if by_ids else set()
    if by_ids and not ids:
        messages.error(request, "请先勾选要催办的任务。")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, "请填写催办内容。")
        return redirect(back)
    if by_ids:
        if len(ids) > oversight.BULK_URGE_MAX:
            messages.error(request, f"一次最多催办 {oversight.BULK_URGE_MAX} 项任务。")
            return redirect(back)
        qs = task_selectors.task_list_for_user(user=_me(request)).filter(pk__in=ids).order_by("id")
    else:
        _, qs = _filtered_tasks(request, QueryDict(querystring), many=web_selectors.may_urge_some(user=_me(request)))
    qs = qs.exclude(status__in=[TaskStatus.FINISHED, TaskStatus.CANCELLED])
    chosen = list(qs[: oversight.BULK_URGE_MAX + 1])
    ignored = len(ids - {t.pk for t in chosen}) if by_ids else 0
    try:
        result = oversight.tasks_urge_bulk(actor=_me(request), tasks=chosen, message=form.cleaned_data["message"])
    except DomainError as exc:
        messages.error(request, exc.message + (f"（{ignored} 项不在您的范围内或已办结，已忽略）" if ignored else ""))
        return redirect(back)
    text = f"已催办 {len(result.urged)} 项任务。"
    if ignored:
        text += f"{ignored} 项不在您的范围内或已办结，未催办。"
    if result.skipped:
        text += f"跳过 {len(result.skipped)} 项（" + "；".join(sorted(set(result.skipped.values()))[:3]) + "）。"
    messages.success(request, text)
    return redirect(back)


# --- 任务详情 and actions ---


@dataclass
class ActionSpec:
    """One action form on the task page: its form class and the ONE service call it makes."""

    form_class: type[forms.VersionedForm]
    call: Callable[[Task, Any, dict[str, Any], list[Any]], Any]
    success: str
    danger: bool = False


def _files(request: HttpRequest) -> list[Any]:
    return request.FILES.getlist("attachments")


ACTIONS: dict[str, ActionSpec] = {
    Action.ACCEPT: ActionSpec(
        forms.AcceptForm,
        lambda t, u, d, f: wf.task_accept(task_id=t.pk, actor=u, expected_version=d["version"]),
        "已签收。",
    ),
    Action.DECLINE: ActionSpec(
        forms.ReasonForm,
        lambda t, u, d, f: wf.task_decline(task_id=t.pk, actor=u, reason=d["reason"], expected_version=d["version"]),
        "已退回督查室，等待改派。",
        danger=True,
    ),
    Action.START: ActionSpec(
        forms.AcceptForm,
        lambda t, u, d, f: wf.task_start(task_id=t.pk, actor=u, expected_version=d["version"]),
        "已开始办理。",
    ),
    Action.REPORT: ActionSpec(
        forms.ReportForm,
        lambda t, u, d, f: wf.task_report_progress(
            task_id=t.pk, actor=u, percent=d["percent"], progress=d["progress"], problems=d["problems"],
            next_steps=d["next_steps"], attachments=f, expected_version=d["version"],
        ),
        "进展已报送。",
    ),
    Action.SUBMIT: ActionSpec(
        forms.SubmitForm,
        lambda t, u, d, f: wf.task_submit_completion(
            task_id=t.pk, actor=u, evidence=d["evidence"], attachments=f, expected_version=d["version"]
        ),
        "已申请办结，等待审核。",
    ),
    Action.APPROVE: ActionSpec(
        forms.ApproveForm,
        lambda t, u, d, f: wf.task_approve(
            task_id=t.pk, actor=u, note=d["note"], override_reason=d.get("override_reason", ""),
            expected_version=d["version"],
        ),
        "已审核通过，任务办结。",
    ),
    Action.ASSIGN_HANDLERS: ActionSpec(
        forms.AssignHandlersForm,
        lambda t, u, d, f: handling.task_assign_handlers(
            task_id=t.pk, actor=u, main_user_id=d["main"].pk, assist_user_ids=[x.pk for x in d["assist"]],
            expected_version=d["version"],
        ),
        "承办人已指派。",
    ),
    Action.DECOMPOSE: ActionSpec(
        forms.DecomposeForm,
        lambda t, u, d, f: handling.task_decompose(
            task_id=t.pk, actor=u, parts=d["parts"], expected_version=d["version"]
        ),
        "已分解下达，承办单位将收到交办通知。",
    ),
    Action.RETURN: ActionSpec(
        forms.ReasonForm,
        lambda t, u, d, f: wf.task_return(task_id=t.pk, actor=u, reason=d["reason"], expected_version=d["version"]),
        "已退回重办。",
        danger=True,
    ),
    Action.EXTEND: ActionSpec(
        forms.ExtendForm,
        lambda t, u, d, f: wf.extension_request_create(
            task_id=t.pk, actor=u, reason=d["reason"], requested_deadline=d["requested_deadline"],
            expected_version=d["version"],
        ),
        "延期申请已提交，等待督查室审批。",
    ),
    Action.EXTENSION_DECIDE: ActionSpec(
        forms.ExtensionDecideForm,
        lambda t, u, d, f: (wf.extension_approve if d["decision"] == "approve" else wf.extension_refuse)(
            extension_id=d["extension"], actor=u, note=d["note"], expected_version=d["version"]
        ),
        "延期申请已审批。",
    ),
    Action.CANCEL: ActionSpec(
        forms.ReasonForm,
        lambda t, u, d, f: wf.task_cancel(task_id=t.pk, actor=u, reason=d["reason"], expected_version=d["version"]),
        "任务已取消。",
        danger=True,
    ),
    Action.SET_DEADLINE: ActionSpec(
        forms.SetDeadlineForm,
        lambda t, u, d, f: oversight.task_set_deadline(
            task_id=t.pk, actor=u, deadline=d["deadline"], reason=d["reason"], expected_version=d["version"]
        ),
        "完成时限已调整，已通知承办部门。",
    ),
    Action.URGE: ActionSpec(
        forms.UrgeForm,
        lambda t, u, d, f: oversight.task_urge(task_id=t.pk, actor=u, message=d["message"]),
        "已催办，承办部门将收到通知。",
    ),
    Action.REASSIGN: ActionSpec(
        forms.ReassignForm,
        lambda t, u, d, f: wf.task_reassign(
            task_id=t.pk, actor=u, department_id=d["department"].pk, note=d["note"], expected_version=d["version"]
        ),
        "任务已改派。",
    ),
}

# Labels on the task page where the workflow's action name would read ambiguously on a button.
PANEL_LABELS = {Action.CANCEL: "取消任务", Action.APPROVE: "审核通过（办结）"}

def _audit_rows(task: Task) -> list[dict[str, Any]]:
    """The task's audit trail with Chinese labels (tasks/history.py, shared with the API)."""
    return task_history(task)


def _panels(task: Task, user: Any, bound: tuple[str, forms.VersionedForm] | None,
            pending: list[ExtensionRequest]) -> list[dict[str, Any]]:
    """The action forms the user may use now (the workflow decides), one bound if it just failed."""
    panels = []
    for action in allowed_actions(task, user):
        spec = ACTIONS.get(action)
        if spec is None:
            continue
        if action == Action.EXTENSION_DECIDE:
            for ext in pending:
                form = (bound[1] if bound and bound[0] == action
                        and str(bound[1].data.get("extension")) == str(ext.pk) else None)
                form = form or spec.form_class(initial={"version": task.version, "extension": ext.pk})
                panels.append({"action": action, "label": f"审批延期（申请至 {ext.requested_deadline:%Y年%m月%d日}）",
                               "button": "提交审批", "form": form, "danger": spec.danger, "open": bool(form.is_bound),
                               "extension": ext})
            continue
        form = bound[1] if bound and bound[0] == action else spec.form_class(initial={"version": task.version})
        if hasattr(form, "for_task"):  # choices that depend on the task (承办人, 下级单位, 办结理由)
            form.for_task(task, user)
        if action == Action.REPORT and not form.is_bound:
            form.initial["percent"] = task.percent
        panels.append({"action": action, "label": PANEL_LABELS.get(action, ACTION_LABELS[action]), "form": form,
                       "danger": spec.danger, "open": bool(form.is_bound), "multipart": "attachments" in form.fields})
    # Dangerous actions (退回, 取消) last and never opened by default; otherwise open the first one.
    panels.sort(key=lambda p: bool(p["danger"]))
    if panels and not any(p["open"] for p in panels) and not panels[0]["danger"]:
        panels[0]["open"] = True
    return panels


def _task_page(request: HttpRequest, task: Task, bound: tuple[str, forms.VersionedForm] | None = None,
               status: int = 200) -> HttpResponse:
    measure = task.measure
    siblings = list(Task.objects.filter(measure=measure).select_related("department").order_by("role", "id"))
    reports = list(task_selectors.report_list_for_user(user=_me(request)).filter(task=task).order_by("-created_at"))
    extensions = list(task_selectors.extension_list_for_user(user=_me(request)).filter(task=task))
    pending = [e for e in extensions if e.status == ExtensionRequest.Status.PENDING]
    task.light_label = LIGHT_LABELS.get(task.light, "")  # type: ignore[attr-defined]
    subtasks = _subtasks_context(request, task)
    history = _audit_rows(task)
    return _render(
        request, "web/task_detail.html", "tasks",
        {
            "task": task, "measure": measure, "document": measure.document,
            "leads": [t for t in siblings if t.role == "lead"],
            "responsibles": [t for t in siblings if t.role == "responsible"],
            "targets": web_selectors.targets_with_latest_reading(measure_id=measure.pk),
            "reading_form": forms.TargetReadingForm(initial={"measured_on": local_today()}),
            "can_report_targets": is_supervisor(request.user) or getattr(request.user, "department_id", None)
            in {t.department_id for t in siblings},
            "reports": reports, "extensions": extensions,
            "audit": history,
            "deadline_changes": [h for h in history if h["action"] == "task.set_deadline"],
            "panels": _panels(task, request.user, bound, pending),
            **subtasks,
        },
        status=status,
    )


def _subtasks_context(request: HttpRequest, task: Task) -> dict[str, Any]:
    """承办人, the task it was split from, its sub-tasks (in scope) and their roll-up (three small queries)."""
    children = _decorate(
        task_selectors.task_list_for_user(user=_me(request)).filter(parent_id=task.pk).order_by("deadline", "id")
    )
    rollup = task_selectors.subtask_rollup(task) if task.children_count else None  # type: ignore[attr-defined]
    if rollup:
        rollup["light_label"] = LIGHT_LABELS.get(rollup["light"] or "", "")
    task.subtask_rollup = rollup  # type: ignore[attr-defined]  # read by ApproveForm.for_task
    parent = None
    if task.parent_id:
        parent = task_selectors.task_list_for_user(user=_me(request)).filter(pk=task.parent_id).first()
    return {
        "subtasks": children, "rollup": rollup, "parent_task": parent,
        "assignees": list(task.assignees.all()),
    }


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """任务详情: measure, departments, deadline, progress, reports, extensions, audit, allowed actions."""
    return _task_page(request, _get_task(request, task_id))


@require_POST
@login_required
def task_action(request: HttpRequest, task_id: int, action: str) -> HttpResponse:
    """POST one action form; success → back to the task with a message, failure → the page with the form."""
    task = _get_task(request, task_id)  # 404 outside the user's scope, before anything else
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("未知操作。")
    form = spec.form_class(request.POST, request.FILES)
    if hasattr(form, "for_task"):
        form.for_task(task, request.user)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return _task_page(request, task, bound=(action, form), status=400)
    try:
        spec.call(task, request.user, form.cleaned_data, _files(request))
    except StaleWriteError:
        messages.error(request, STALE_MESSAGE)
        task = _get_task(request, task_id)
        # Keep what the user typed, on the current version: re-submitting is a conscious retry.
        data = request.POST.copy()
        data["version"] = str(task.version)
        fresh = spec.form_class(data)
        fresh.is_valid()
        return _task_page(request, task, bound=(action, fresh), status=409)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _task_page(request, _get_task(request, task_id), bound=(action, form), status=exc.status_code)
    messages.success(request, spec.success)
    return redirect("web:task_detail", task_id=task.pk)


@require_POST
@login_required
def target_reading(request: HttpRequest, task_id: int, target_id: int) -> HttpResponse:
    """填报一个量化目标的完成值 (from the task page), then back to the task."""
    task = _get_task(request, task_id)
    if not task.measure.targets.filter(pk=target_id).exists():
        raise Http404("该任务没有这个目标。")
    form = forms.TargetReadingForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("web:task_detail", task_id=task.pk)
    d = form.cleaned_data
    try:
        wf.target_reading_create(
            target_id=target_id, actor=_me(request), value=d["value"], measured_on=d["measured_on"],
            evidence=d["evidence"], attachment=d.get("attachment"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "完成值已填报。")
    return redirect("web:task_detail", task_id=task.pk)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A report attachment, for users who may see its task (404 otherwise)."""
    try:
        attachment = task_selectors.attachment_get_for_user(user=_me(request), attachment_id=attachment_id)
    except NotFoundError as exc:
        raise Http404(exc.message)
    return attachment_response(attachment)


# --- 逾期清单: tasks/web/overdue_views.py ---


# --- 部门进度 ---


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """部门进度: one row per department in scope, with completion rates and export links."""
    documents = PolicyDocument.objects.only("id", "title")
    doc_id = request.GET.get("document")
    document_id = int(doc_id) if doc_id and doc_id.isdigit() else None
    rows = task_selectors.progress_by_department(user=_me(request), document_id=document_id)
    totals = {k: sum(r[k] for r in rows) for k in ("total", "overdue", "red", "yellow", "green", "reports_missing")}
    totals["finished"] = sum(r["by_status"]["finished"] for r in rows)
    suffix = f"?document={document_id}" if document_id else ""
    exports = {
        fmt: f"{url}{suffix}"
        for fmt in ("xlsx", "csv")
        if (url := _api_url(f"tasks-api:progress-departments-{fmt}"))
    }
    return _render(
        request, "web/progress.html", "progress",
        {"rows": rows, "totals": totals, "documents": documents, "document_id": document_id, "exports": exports},
    )


# --- 文件 ---


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """文件列表 with measure and task counts, newest first, filtered by ?q= and paginated (filters stay in the URL)."""
    form = forms.DocumentFilterForm(request.GET or None)
    qs = task_selectors.document_list()
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(issuer__icontains=q))
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "web/document_list.html", "documents",
                   {"form": form, "page": page, "documents": page.object_list, "filtered": bool(q)})


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """文件 outline: sections → measures, each with targets, deadline and tasks."""
    document = get_object_or_404(PolicyDocument, pk=document_id)
    outline = web_selectors.document_outline(document_id=document.pk, user=_me(request))
    export = _api_url("tasks-api:document-export", document.pk)
    return _render(request, "web/document_detail.html", "documents",
                   {"document": document, "outline": outline, "export_url": export, "light_labels": LIGHT_LABELS})


# --- 导入 ---


@supervisor_required
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a policy file; it is parsed and kept for preview, nothing is imported yet."""
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            upload = import_services.policy_upload_create(data=f.read(), filename=f.name, user=_me(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "文件已解析，请核对预览后确认导入。")
            return redirect("web:import_preview", upload_id=upload.pk)
    uploads = import_selectors.policy_upload_list()[:20]
    return _render(request, "web/import_new.html", "imports", {"form": form, "uploads": uploads})


@supervisor_required
def import_preview(request: HttpRequest, upload_id: int) -> HttpResponse:
    """The preview of an upload; POST confirms the import."""
    upload = get_object_or_404(import_selectors.policy_upload_list(), pk=upload_id)
    if request.method == "POST":
        try:
            result = import_services.policy_upload_confirm(
                upload=upload, user=_me(request),
                create_missing_departments=request.POST.get("create_missing_departments") == "1",
                confirm_update=request.POST.get("confirm_update") == "1",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("web:import_preview", upload_id=upload.pk)
        messages.success(
            request,
            f"导入完成：{result.measure_count} 项措施，生成任务 {result.task_count} 条，"
            f"待识别名称 {len(result.unresolved_names)} 个，未分配措施 {result.unassigned_measure_count} 项。",
        )
        return redirect("web:document_detail", document_id=result.document.pk)
    return _render(request, "web/import_preview.html", "imports", {"upload": upload, "p": upload.preview})


# --- 待识别名称 ---


@supervisor_required
def names(request: HttpRequest) -> HttpResponse:
    """待识别名称: map a printed name to a department or group (a suggestion is one click), or ignore it."""
    if request.method == "POST":
        form = forms.NameMapForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect("web:names")
        d = form.cleaned_data
        unresolved = get_object_or_404(UnresolvedName, pk=d["name"])
        try:
            if d["action"] == "ignore":
                import_services.unresolved_name_ignore(unresolved=unresolved, user=_me(request))
                messages.success(request, f"已忽略“{unresolved.name}”。")
            else:
                created = import_services.unresolved_name_map(
                    unresolved=unresolved, user=_me(request),
                    department=get_object_or_404(Department, pk=d["department_id"]) if d["department_id"] else None,
                    group=get_object_or_404(DepartmentGroup, pk=d["group_id"]) if d["group_id"] else None,
                )
                messages.success(request, f"已对应“{unresolved.name}”，生成任务 {len(created)} 条。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("web:names")
    rows = unresolved_name_rows(list(import_selectors.unresolved_names()))
    return _render(request, "web/names.html", "names", {"rows": rows, "choices": forms.target_choices()})


# --- 未分配措施 ---


@supervisor_required
def unassigned(request: HttpRequest) -> HttpResponse:
    """未分配措施: tick measures, choose lead/responsible departments, assign in one go."""
    measures = list(import_selectors.unassigned_measures()[:500])
    form = forms.BulkAssignForm(request.POST or None, measure_ids=[m.pk for m in measures])
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                created = import_services.measures_assign_bulk(
                    measure_ids=d["measures"],
                    lead_department_ids=[d["lead"].pk] if d["lead"] else [],
                    responsible_department_ids=[x.pk for x in d["responsible"]],
                    user=_me(request),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已分配 {len(d['measures'])} 项措施，生成任务 {len(created)} 条。")
                return redirect("web:unassigned")
        else:
            messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return _render(request, "web/unassigned.html", "unassigned",
                   {"measures": measures, "form": form, "suggestions": import_selectors.pending_suggestions()[:500]})


@require_POST
@supervisor_required
def suggestion_decide(request: HttpRequest) -> HttpResponse:
    """Confirm or dismiss document-wide default assignments (全文默认待确认) ticked on the unassigned page."""
    ids = [int(x) for x in request.POST.getlist("pending") if x.isdigit()]
    if not ids:
        messages.error(request, "请先勾选待确认的分工。")
        return redirect("web:unassigned")
    try:
        if request.POST.get("decision") == "dismiss":
            pending = list(import_selectors.pending_suggestions().filter(pk__in=ids))
            for p in pending:
                import_services.pending_assignment_dismiss(pending=p, user=_me(request))
            messages.success(request, f"已驳回 {len(pending)} 项默认分工。")
        else:
            created = import_services.pending_assignments_confirm(pending_ids=ids, user=_me(request))
            messages.success(request, f"已确认 {len(ids)} 项默认分工，生成任务 {len(created)} 条。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("web:unassigned")


# --- 通知 ---


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """通知: the user's in-app notifications (when the reminders app is installed)."""
    if not web_selectors.notifications_available():
        raise Http404("通知功能未启用。")
    if request.method == "POST":
        from reminders.services import notification_mark_read

        count = notification_mark_read(user=_me(request))
        messages.success(request, f"已将 {count} 条通知标为已读。")
        return redirect("web:notifications")
    items = web_selectors.notification_list(user=_me(request))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "web/notifications.html", "notifications", {"page": page, "querystring": ""})


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """通知设置: the user's own muted kinds, e-mail on/off and daily digest."""
    if not web_selectors.notifications_available():
        raise Http404("通知功能未启用。")
    from django.core.exceptions import ValidationError

    from reminders.forms import NotificationPreferenceForm
    from reminders.preferences import preference_get, preference_update

    pref = preference_get(user=_me(request))
    form = NotificationPreferenceForm(
        request.POST or None, initial=NotificationPreferenceForm.initial_for(pref)
    )
    if request.method == "POST" and form.is_valid():
        try:
            preference_update(user=_me(request), data=form.to_data())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "通知设置已保存。")
            return redirect("web:notification_preferences")
    return _render(request, "web/notification_preferences.html", "notifications", {"form": form})
