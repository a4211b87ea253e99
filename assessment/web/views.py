"""考核 pages: /assessment/ (compute, ranking, bulletins), a score's breakdown, a bulletin's edit/issue page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.dates import local_today
from common.errors import DomainError, NotFoundError
from tasks.web.views import _nav, supervisor_required
from tasks.workflow import is_supervisor

from .. import bulletins as bulletin_services
from .. import selectors
from ..api.views import docx_response
from ..models import Bulletin, DepartmentScore, ScorePeriod
from ..periods import month_of, parse_period
from ..scoring import compute_period


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"nav": _nav(request), "nav_active": "assessment", **context}, status=status)


class BulletinForm(forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ["title", "doc_number", "overview", "praise", "criticism"]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 5}),
            "praise": forms.Textarea(attrs={"rows": 6}),
            "criticism": forms.Textarea(attrs={"rows": 6}),
        }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """考核: the ranking of a period (default: the latest computed), and for 督查室 compute and 通报."""
    period_key = (request.GET.get("period") or "").strip()
    try:
        period_key = parse_period(period_key).key if period_key else ""
    except DomainError as exc:
        messages.error(request, exc.message)
        period_key = ""
    user: Any = request.user
    data = selectors.rankings(user=user, period=period_key or None)
    period = data["period"]
    own = None
    if getattr(user, "department_id", None) and period is not None:
        own = DepartmentScore.objects.filter(period=period, department_id=user.department_id).first()
    context = {
        "period": period,
        "groups": data["groups"],
        "periods": ScorePeriod.objects.order_by("-end", "kind")[:24],
        "own": own,
        "is_supervisor": is_supervisor(user),
        "this_month": month_of(local_today()).key,
        "bulletins": selectors.bulletin_list(user=user).order_by("-created_at")[:20],
        "export_url": reverse("assessment-api:scores-xlsx") + (f"?period={period.key}" if period else ""),
    }
    return _render(request, "assessment/index.html", context)


@require_POST
@supervisor_required
def compute(request: HttpRequest) -> HttpResponse:
    """计算得分 for the posted period (default: this month)."""
    key = request.POST.get("period") or month_of(local_today()).key
    try:
        result = compute_period(key=key, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:index")
    messages.success(
        request, f"已计算 {result.period.key} 的得分：{result.departments} 个单位，{result.items} 条明细。"
    )
    return redirect(f"{reverse('assessment:index')}?period={result.period.key}")


@login_required
def score_detail(request: HttpRequest, score_id: int) -> HttpResponse:
    """A department's score down to its items (tasks and events): the department itself and 督查室 only."""
    try:
        score = selectors.score_get_for_user(user=request.user, score_id=score_id)
    except NotFoundError as exc:
        raise Http404(exc.message)
    items = list(selectors.score_items(score))
    return _render(request, "assessment/score_detail.html", {"score": score, "items": items})


@require_POST
@supervisor_required
def bulletin_create(request: HttpRequest) -> HttpResponse:
    """生成通报 for a computed period → the draft's edit page."""
    try:
        threshold = int(request.POST.get("overdue_threshold") or 10)
        bulletin = bulletin_services.bulletin_create(
            period_key=request.POST.get("period", ""), actor=request.user, overdue_threshold=threshold
        )
    except ValueError:
        messages.error(request, "批评阈值必须是整数。")
        return redirect("assessment:index")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:index")
    messages.success(request, "通报草稿已生成，可修改后下载或印发。")
    return redirect("assessment:bulletin_detail", bulletin_id=bulletin.pk)


def _bulletin(request: HttpRequest, bulletin_id: int) -> Bulletin:
    try:
        return selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
    except NotFoundError as exc:
        raise Http404(exc.message)


@login_required
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """A bulletin: the edit form while it is a draft (督查室), read-only once issued."""
    bulletin = _bulletin(request, bulletin_id)
    editable = bulletin.status == Bulletin.Status.DRAFT and is_supervisor(request.user)
    form = BulletinForm(instance=bulletin) if editable else None
    if request.method == "POST":
        if not editable:
            messages.error(request, "通报已印发归档，不能修改。")
            return redirect("assessment:bulletin_detail", bulletin_id=bulletin.pk)
        form = BulletinForm(request.POST, instance=bulletin)
        if form.is_valid():
            try:
                bulletin_services.bulletin_update(bulletin_id=bulletin.pk, actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "通报已保存。")
                return redirect("assessment:bulletin_detail", bulletin_id=bulletin.pk)
    context = {"bulletin": bulletin, "form": form, "data": bulletin.data, "editable": editable}
    return _render(request, "assessment/bulletin_detail.html", context)


@require_POST
@supervisor_required
def bulletin_issue(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = _bulletin(request, bulletin_id)
    try:
        bulletin_services.bulletin_issue(bulletin_id=bulletin.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "通报已印发，已通知通报中列出的单位（负责人、联络员）。")
    return redirect("assessment:bulletin_detail", bulletin_id=bulletin.pk)


@login_required
def bulletin_docx(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    return docx_response(_bulletin(request, bulletin_id))
