"""Reads for scores, rankings and bulletins, with who-sees-what.

- Rankings and score totals: everyone signed in (like 部门进度); an API token limited to one department
  sees that department only.
- A score's breakdown (its items, down to tasks and events): the department itself and 督查室; anyone
  else gets 404 (the row is not in their scope).
- Bulletins: drafts only for 督查室; issued ones for everyone signed in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from common.errors import NotFoundError
from tasks.workflow import is_supervisor

from .models import KIND_GROUP, Bulletin, DepartmentScore, ScoreItem, ScorePeriod


def _token_department(token: Any) -> int | None:
    return getattr(token, "department_id", None)


def can_see_breakdown(*, user: Any, token: Any = None, department_id: int) -> bool:
    token_dept = _token_department(token)
    if token_dept is not None and token_dept != department_id:
        return False
    return bool(is_supervisor(user) or getattr(user, "department_id", None) == department_id)


def latest_period(kind: str | None = None) -> ScorePeriod | None:
    qs = ScorePeriod.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-end", "-computed_at").first()


def score_list(
    *,
    user: Any,
    token: Any = None,
    period: str | None = None,
    group: str | None = None,
    department_kind: str | None = None,
    department: int | None = None,
) -> QuerySet[DepartmentScore]:
    """Scores of one period (the latest computed one when `period` is not given), ranked within groups."""
    qs = DepartmentScore.objects.select_related("department", "period")
    if period:
        qs = qs.filter(period__key=period.strip().upper())
    else:
        latest = latest_period()
        qs = qs.filter(period=latest) if latest else qs.none()
    if group:
        qs = qs.filter(group=group)
    if department_kind:
        qs = qs.filter(department__kind=department_kind)
    if department:
        qs = qs.filter(department_id=department)
    token_dept = _token_department(token)
    if token_dept is not None:
        qs = qs.filter(department_id=token_dept)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.order_by("group", "rank", "department__order", "department__name")


def score_get_for_user(*, user: Any, token: Any = None, score_id: int) -> DepartmentScore:
    score = (
        DepartmentScore.objects.select_related("department", "period", "period__ruleset").filter(pk=score_id).first()
    )
    if score is None or not can_see_breakdown(user=user, token=token, department_id=score.department_id):
        raise NotFoundError("得分不存在，或不在您的权限范围内。")
    return score


def score_items(score: DepartmentScore) -> QuerySet[ScoreItem]:
    return (
        ScoreItem.objects.filter(score=score).select_related("task__measure__document", "rule_item").order_by("order")
    )


def rankings(
    *,
    user: Any,
    token: Any = None,
    period: str | None = None,
    group: str | None = None,
    department_kind: str | None = None,
) -> dict[str, Any]:
    """{period, groups: [{group, label, rows: [...]}]} for the API and the page."""
    from .models import RankGroup

    rows = list(score_list(user=user, token=token, period=period, group=group, department_kind=department_kind))
    period_row = (
        rows[0].period
        if rows
        else (ScorePeriod.objects.filter(key=(period or "").upper()).first() if period else latest_period())
    )
    groups = []
    for value, label in RankGroup.choices:
        members = [r for r in rows if r.group == value]
        if members:
            groups.append({"group": value, "label": label, "rows": members})
    return {"period": period_row, "groups": groups}


def bulletin_list(*, user: Any, token: Any = None) -> QuerySet[Bulletin]:
    qs = Bulletin.objects.select_related("period").defer("docx", "data")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if not is_supervisor(user) or _token_department(token) is not None:
        qs = qs.filter(status=Bulletin.Status.ISSUED)
    return qs


def bulletin_get_for_user(*, user: Any, token: Any = None, bulletin_id: int) -> Bulletin:
    bulletin = (
        Bulletin.objects.select_related("period")
        .filter(pk=bulletin_id)
        .filter(Q(status=Bulletin.Status.ISSUED) | Q(pk__in=bulletin_list(user=user, token=token).values("pk")))
        .first()
    )
    if bulletin is None or not getattr(user, "is_authenticated", False):
        raise NotFoundError("通报不存在，或不在您的权限范围内。")
    return bulletin


__all__ = [
    "KIND_GROUP",
    "bulletin_get_for_user",
    "bulletin_list",
    "can_see_breakdown",
    "latest_period",
    "rankings",
    "score_get_for_user",
    "score_items",
    "score_list",
]
