"""通报: the period's bulletin — data built from stored scores, a .docx rendered from data + edited text,
and the draft → issued life cycle (issuing archives the docx and the data, and notifies the departments).

Notifications: issuing writes one reminders.Notification (kind "bulletin", in-app) per 负责人 and 联络员 of
every department named in the bulletin, inside the issuing transaction. No ReminderLog row: the bulletin
is not a task reminder, and its delivery must not depend on the reminder sweep.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from accounts.models import DeptRole, User
from common.errors import ConflictError, DomainError
from reminders.models import Notification
from tasks.models import ProgressReport, Task
from tasks.services.audit import audit_record
from workdays.calendar import working_days_after

from .models import Bulletin, DepartmentScore, EventKind, RankGroup, ScoreItem, ScorePeriod
from .periods import _local_midnight, parse_period
from .scoring import eff_deadline

NOTIFICATION_KIND = "bulletin"
OVERDUE_LIST_LIMIT = 300  # rows in the bulletin's overdue table; the rest are counted in a note
GROUP_LABELS = dict(RankGroup.choices)


def _num(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}"


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


# --- Data ---


def bulletin_data(*, period: ScorePeriod, overdue_threshold: int) -> dict[str, Any]:
    """Everything the bulletin shows, as JSON (kept with the issued bulletin)."""
    p = parse_period(period.key)
    scores = list(
        DepartmentScore.objects.filter(period=period)
        .select_related("department")
        .order_by("group", "rank", "department__order", "department__name")
    )
    departments: list[dict[str, Any]] = [
        {
            "id": s.department_id,
            "name": s.department.name,
            "group": s.group,
            "group_label": GROUP_LABELS.get(s.group, s.group),
            "rank": s.rank,
            "total": str(s.total),
            "task_count": s.task_count,
            "finished_on_time": s.finished_on_time,
            "finished_late": s.finished_late,
            "overdue_open": s.overdue_open,
            "on_time_rate": None if s.on_time_rate is None else str(s.on_time_rate),
            "completion_rate": None if s.completion_rate is None else str(s.completion_rate),
            "red": s.red,
            "yellow": s.yellow,
            "green": s.green,
        }
        for s in scores
    ]
    overdue, overdue_total, criticism = _overdue(period, overdue_threshold)
    names = {d["id"]: d["name"] for d in departments}
    praise = [
        {
            "department_id": d["id"],
            "name": d["name"],
            "text": f"{d['name']}：本期按期办结 {d['finished_on_time']} 项，无逾期事项。",
        }
        for d in departments
        if d["finished_on_time"] > 0 and d["finished_late"] == 0 and d["overdue_open"] == 0
    ]
    crit = [
        {
            "department_id": dept_id,
            "name": names.get(dept_id, ""),
            "text": f"{names.get(dept_id, '')}：{n} 项任务逾期超过 {overdue_threshold} 个工作日，"
            "且本期未报送进展情况。",
        }
        for dept_id, n in sorted(criticism.items(), key=lambda kv: (-kv[1], names.get(kv[0], "")))
    ]
    on_time = sum(d["finished_on_time"] for d in departments)
    late = sum(d["finished_late"] for d in departments)
    open_overdue = sum(d["overdue_open"] for d in departments)
    denominator = on_time + late + open_overdue
    overview = {
        "departments": len(departments),
        "tasks": sum(d["task_count"] for d in departments),
        "finished_on_time": on_time,
        "finished_late": late,
        "overdue_open": open_overdue,
        "on_time_rate": None if not denominator else f"{Decimal(100 * on_time) / denominator:.1f}",
        "red": sum(d["red"] for d in departments),
        "yellow": sum(d["yellow"] for d in departments),
        "green": sum(d["green"] for d in departments),
    }
    return {
        "period": {
            "key": p.key,
            "label": p.label,
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "as_of": period.as_of.isoformat(),
        },
        "rules": period.rules.get("name", ""),
        "computed_at": timezone.localtime(period.computed_at).isoformat(timespec="seconds"),
        "overview": overview,
        "departments": departments,
        "overdue": overdue,
        "overdue_total": overdue_total,
        "overdue_threshold": overdue_threshold,
        "praise": praise,
        "criticism": crit,
    }


def _overdue(period: ScorePeriod, threshold: int) -> tuple[list[dict[str, Any]], int, dict[int, int]]:
    """The overdue list (open at the period's end, by working days overdue) and, per department, how many
    are overdue beyond `threshold` working days with no progress report in the period."""
    task_ids = ScoreItem.objects.filter(score__period=period, event=EventKind.OVERDUE_OPEN).values("task_id")
    start, end = _local_midnight(period.start), _local_midnight(period.as_of + dt.timedelta(days=1))
    reported = ProgressReport.objects.filter(task_id=OuterRef("pk"), created_at__gte=start, created_at__lt=end)
    rows = (
        Task.objects.filter(pk__in=task_ids)
        .annotate(eff=eff_deadline(), reported=Exists(reported))
        .values(
            "id",
            "department_id",
            "department__name",
            "measure__title",
            "measure__document__title",
            "eff",
            "reported",
            "percent",
        )
    )
    out = []
    criticism: dict[int, int] = defaultdict(int)
    for r in rows.iterator(chunk_size=5000):
        days = working_days_after(r["eff"], period.as_of)
        if days > threshold and not r["reported"]:
            criticism[r["department_id"]] += 1
        out.append(
            {
                "task_id": r["id"],
                "department_id": r["department_id"],
                "department": r["department__name"],
                "measure": r["measure__title"],
                "document": r["measure__document__title"],
                "deadline": r["eff"].isoformat(),
                "days_overdue": days,
                "percent": r["percent"],
                "reported": r["reported"],
            }
        )
    out.sort(key=lambda r: (-r["days_overdue"], r["department"], r["task_id"]))
    return out[:OVERDUE_LIST_LIMIT], len(out), dict(criticism)


def default_overview(data: dict[str, Any]) -> str:
    o = data["overview"]
    return (
        f"截至{_cn_date(data['period']['as_of'])}，纳入{data['period']['label']}考核的单位共 {o['departments']} 个、"
        f"任务 {o['tasks']} 项。本期按期办结 {o['finished_on_time']} 项，逾期办结 {o['finished_late']} 项，"
        f"期末逾期未办结 {o['overdue_open']} 项，按期率 {o['on_time_rate'] or '—'}%；"
        f"红灯 {o['red']} 项、黄灯 {o['yellow']} 项、绿灯 {o['green']} 项。"
    )


def _cn_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- docx ---


def _set_fonts(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")


def _east_asian(run: Any, font: str) -> None:
    """Chinese text needs its own font attribute (w:eastAsia); run.font.name sets only the Latin one."""
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _heading(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = True
    _east_asian(run, "黑体")


def _table(doc: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(10.5)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(10.5)


def render_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as .docx, from its data and its (edited) text fields."""
    data = bulletin.data
    doc = Document()
    _set_fonts(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(bulletin.title)
    run.bold = True
    run.font.size = Pt(22)
    _east_asian(run, "宋体")
    number = doc.add_paragraph(bulletin.doc_number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _heading(doc, "一、总体情况")
    doc.add_paragraph(bulletin.overview or default_overview(data))

    _heading(doc, "二、各单位任务推进情况")
    _table(
        doc,
        ["类别", "单位", "任务数", "按期办结", "逾期办结", "期末逾期", "按期率", "红灯", "黄灯", "绿灯"],
        [
            [
                d["group_label"],
                d["name"],
                d["task_count"],
                d["finished_on_time"],
                d["finished_late"],
                d["overdue_open"],
                _rate(None if d["on_time_rate"] is None else Decimal(d["on_time_rate"])),
                d["red"],
                d["yellow"],
                d["green"],
            ]
            for d in data["departments"]
        ],
    )

    _heading(doc, "三、逾期未办结事项")
    if data["overdue"]:
        _table(
            doc,
            ["序号", "责任单位", "任务", "原定时限", "逾期（工作日）", "进度"],
            [
                [k, r["department"], r["measure"], r["deadline"], r["days_overdue"], f"{r['percent']}%"]
                for k, r in enumerate(data["overdue"], start=1)
            ],
        )
        if data["overdue_total"] > len(data["overdue"]):
            doc.add_paragraph(f"另有 {data['overdue_total'] - len(data['overdue'])} 项逾期事项，详见系统逾期清单。")
    else:
        doc.add_paragraph("本期无逾期未办结事项。")

    _heading(doc, "四、表扬")
    praise = _lines(bulletin.praise)
    for line in praise or ["无。"]:
        doc.add_paragraph(line)

    _heading(doc, "五、批评")
    criticism = _lines(bulletin.criticism)
    for line in criticism or ["无。"]:
        doc.add_paragraph(line)

    _heading(doc, "六、考核排名")
    for group, label in RankGroup.choices:
        rows = [d for d in data["departments"] if d["group"] == group]
        if not rows:
            continue
        doc.add_paragraph(f"（{label}）")
        _table(
            doc,
            ["名次", "单位", "得分", "按期率", "完成率"],
            [
                [
                    d["rank"],
                    d["name"],
                    _num(Decimal(d["total"])),
                    _rate(None if d["on_time_rate"] is None else Decimal(d["on_time_rate"])),
                    _rate(None if d["completion_rate"] is None else Decimal(d["completion_rate"])),
                ]
                for d in rows
            ],
        )
    foot = doc.add_paragraph(f"（考核规则：{data.get('rules', '')}；数据截至 {data['period']['as_of']}）")
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The archived file of an issued bulletin, or the draft rendered now."""
    if bulletin.status == Bulletin.Status.ISSUED and bulletin.docx is not None:
        return bytes(bulletin.docx)
    return render_docx(bulletin)


def bulletin_filename(bulletin: Bulletin) -> str:
    suffix = "" if bulletin.status == Bulletin.Status.ISSUED else "（草稿）"
    return f"{bulletin.title}{suffix}.docx".replace("/", "／")


# --- Services ---


@transaction.atomic
def bulletin_create(*, period_key: str, actor: Any, overdue_threshold: int = 10) -> Bulletin:
    """Draft the bulletin of a computed period (with generated overview, 表扬 and 批评)."""
    period = ScorePeriod.objects.filter(key=parse_period(period_key).key).first()
    if period is None:
        raise DomainError("该周期尚未计算得分，请先计算得分再生成通报。", code="not_computed")
    if overdue_threshold < 0:
        raise DomainError("批评阈值不能为负数。", code="bad_threshold")
    data = bulletin_data(period=period, overdue_threshold=overdue_threshold)
    bulletin = Bulletin(
        period=period,
        title=f"关于{data['period']['label']}重点工作督查督办情况的通报",
        overdue_threshold=overdue_threshold,
        overview=default_overview(data),
        praise="\n".join(p["text"] for p in data["praise"]),
        criticism="\n".join(c["text"] for c in data["criticism"]),
        data=data,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    bulletin.full_clean()
    bulletin.save()
    audit_record(actor=actor, action="bulletin.create", instance=bulletin, after={"period": period.key})
    return bulletin


EDITABLE_FIELDS = ("title", "doc_number", "overview", "praise", "criticism")


@transaction.atomic
def bulletin_update(*, bulletin_id: int, actor: Any, data: dict[str, Any]) -> Bulletin:
    """Edit a draft's text (title, 文号, overview, 表扬, 批评). Issued bulletins: 409."""
    bulletin = _lock_draft(bulletin_id)
    changed = {}
    for name in EDITABLE_FIELDS:
        if name in data and data[name] is not None and getattr(bulletin, name) != data[name]:
            changed[name] = data[name]
            setattr(bulletin, name, data[name])
    if changed:
        bulletin.full_clean()
        bulletin.save()
        audit_record(actor=actor, action="bulletin.update", instance=bulletin, after={"fields": sorted(changed)})
    return bulletin


@transaction.atomic
def bulletin_refresh(*, bulletin_id: int, actor: Any) -> Bulletin:
    """Rebuild a draft's figures from the period's current scores (the edited text stays)."""
    bulletin = _lock_draft(bulletin_id)
    bulletin.data = bulletin_data(period=bulletin.period, overdue_threshold=bulletin.overdue_threshold)
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_delete(*, bulletin_id: int, actor: Any) -> None:
    bulletin = _lock_draft(bulletin_id)
    audit_record(actor=actor, action="bulletin.delete", instance=bulletin, before={"title": bulletin.title})
    bulletin.delete()


@transaction.atomic
def bulletin_issue(*, bulletin_id: int, actor: Any) -> Bulletin:
    """印发: render and archive the docx with the data it was built from, and notify the departments named
    in the bulletin (负责人 and 联络员, in-app). After this the bulletin cannot change."""
    bulletin = _lock_draft(bulletin_id)
    bulletin.docx = render_docx(bulletin)
    bulletin.status = Bulletin.Status.ISSUED
    bulletin.issued_at = timezone.now()
    bulletin.issued_by = actor if getattr(actor, "pk", None) else None
    bulletin.save()
    audit_record(actor=actor, action="bulletin.issue", instance=bulletin, after={"period": bulletin.period.key})
    _notify(bulletin)
    return bulletin


def _lock_draft(bulletin_id: int) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().select_related("period").filter(pk=bulletin_id).first()
    if bulletin is None:
        from common.errors import NotFoundError

        raise NotFoundError("通报不存在。")
    if bulletin.status == Bulletin.Status.ISSUED:
        raise ConflictError("通报已印发归档，不能修改或删除。", code="bulletin_issued")
    return bulletin


def named_department_ids(bulletin: Bulletin) -> list[int]:
    data = bulletin.data
    ids = {d["id"] for d in data.get("departments", [])}
    ids |= {p["department_id"] for p in data.get("praise", [])}
    ids |= {c["department_id"] for c in data.get("criticism", [])}
    return sorted(ids)


def _notify(bulletin: Bulletin) -> int:
    data = bulletin.data
    by_dept = {d["id"]: d for d in data.get("departments", [])}
    # The edited 表扬/批评 text decides: a department is praised or criticised when its name is in it.
    praised = {i for i, d in by_dept.items() if d["name"] in bulletin.praise}
    criticised = {i for i, d in by_dept.items() if d["name"] in bulletin.criticism}
    users = User.objects.filter(
        department_id__in=named_department_ids(bulletin),
        dept_role__in=[DeptRole.LEADER, DeptRole.LIAISON],
        is_active=True,
    ).only("id", "department_id")
    notes = []
    for user in users:
        dept_id = user.department_id
        assert dept_id is not None
        d = by_dept.get(dept_id)
        parts = [f"{bulletin.doc_number}《{bulletin.title}》已印发。"]
        if d is not None:
            parts.append(f"本单位{d['group_label']}第 {d['rank']} 名，得分 {d['total']}。")
        if dept_id in praised:
            parts.append("本单位受到通报表扬。")
        if dept_id in criticised:
            parts.append("本单位被通报批评，请抓紧整改并报送进展。")
        notes.append(
            Notification(
                user=user, kind=NOTIFICATION_KIND, title=f"情况通报：{bulletin.title}"[:200], body="".join(parts)
            )
        )
    Notification.objects.bulk_create(notes)
    return len(notes)
