"""逾期清单 (督查室): the overdue board, paginated, filtered and sorted by its query string.

The query string uses the API's parameter names (department, document, days_overdue_min, light, role, status,
ordering), so the export link is /api/v1/overdue/export.xlsx with the same filters. 催办所选 posts the ticked
task ids to the bulk 催办 view (tasks.web.views.tasks_urge), which keeps its scope rules.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict

from common.dates import local_today
from common.pagination import DeferredJoinPaginator
from tasks import selectors as task_selectors
from tasks.models import Task

from . import forms
from . import selectors as web_selectors
from .views import PAGE_SIZE, _api_url, _decorate, _me, _render, supervisor_required

# Ties (same number of days, same department) keep a stable order across pages.
TIEBREAK = ("deadline", "department__order", "id")


def overdue_filtered(request: HttpRequest) -> tuple[forms.OverdueFilterForm, QuerySet[Task], dict[str, Any]]:
    """The form, the filtered and sorted overdue tasks in the user's scope, and the filters that applied.

    An invalid field (e.g. days "abc") is reported on the form and ignored; the valid ones still filter.
    """
    form = forms.OverdueFilterForm(request.GET or None)
    qs: QuerySet[Task] = task_selectors.overdue_tasks(user=_me(request))
    applied: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        applied = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    if "department" in applied:
        qs = qs.filter(department=applied["department"])
    if "document" in applied:
        qs = qs.filter(measure__document=applied["document"])
    if "days_overdue_min" in applied:
        qs = qs.filter(days_overdue__gte=applied["days_overdue_min"])  # type: ignore[misc]  # annotated, working days
    if "light" in applied:
        qs = qs.filter(light=applied["light"])  # type: ignore[misc]
    if "role" in applied:
        qs = qs.filter(role=applied["role"])
    if "status" in applied:
        qs = qs.filter(status=applied["status"])
    ordering = applied.get("ordering") or forms.OverdueFilterForm.DEFAULT_ORDERING
    return form, qs.order_by(ordering, *TIEBREAK), applied


def api_querystring(applied: dict[str, Any]) -> str:
    """The applied filters as the API's query string (model choices by id)."""
    params = QueryDict(mutable=True)
    for name, value in applied.items():
        params[name] = str(getattr(value, "pk", value))
    return params.urlencode()


def sort_links(ordering: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the ordering its header link sets (click again to reverse) and the current arrow."""
    first = {"days_overdue": "-days_overdue", "deadline": "deadline", "department": "department"}
    links = {}
    for column, default in first.items():
        if ordering == column:
            links[column] = {"param": f"-{column}", "arrow": "↑", "aria": "ascending"}
        elif ordering == f"-{column}":
            links[column] = {"param": column, "arrow": "↓", "aria": "descending"}
        else:
            links[column] = {"param": default, "arrow": "", "aria": "none"}
    return links


@supervisor_required
def overdue(request: HttpRequest) -> HttpResponse:
    """逾期清单 (督查室): overdue tasks with days overdue, escalation level and last report; 30 a page."""
    form, qs, applied = overdue_filtered(request)
    page = DeferredJoinPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _decorate(page.object_list)
    state = task_selectors.escalation_state_for(rows)
    for t in rows:
        level = state.get(t.pk, {}).get("level", "none")
        t.escalation = "" if level == "none" else task_selectors.ESCALATION_LABELS.get(level, level)  # type: ignore[attr-defined]
    export = _api_url("tasks-api:overdue-export")
    api_query = api_querystring(applied)
    if export and api_query:
        export = f"{export}?{api_query}"
    params = request.GET.copy()
    params.pop("page", None)
    ordering = applied.get("ordering") or forms.OverdueFilterForm.DEFAULT_ORDERING
    context = {
        "form": form, "page": page, "tasks": rows, "today": local_today(), "export_url": export,
        "querystring": params.urlencode(), "ordering": ordering, "sort": sort_links(ordering),
        "filtered": bool(applied.keys() - {"ordering"}),
        "can_urge": web_selectors.may_urge_some(user=_me(request)), "urge_form": forms.BulkUrgeForm(),
    }
    return _render(request, "web/overdue.html", "overdue", context)
