"""驾驶舱 (cockpit) and 挂图作战 (a document's measures × months grid) pages, and the grid's Excel export.

Thin views over tasks/web/dashboard.py. The cockpit is for 督查室 and department 负责人 (403 for
others); the grid is open to every signed-in user and shows only the tasks in their scope.
"""

from __future__ import annotations

import tempfile
from typing import IO, Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from accounts.models import DeptRole
from tasks.exports import safe_cell, xlsx_response
from tasks.models import PolicyDocument
from tasks.workflow import is_supervisor

from . import dashboard
from .views import _render, role_required


def may_view_cockpit(user: Any) -> bool:
    """督查室 (and superusers) and department 负责人."""
    return is_supervisor(user) or (
        getattr(user, "dept_role", "") == DeptRole.LEADER and getattr(user, "department_id", None) is not None
    )


cockpit_required = role_required(may_view_cockpit, "驾驶舱仅供督查室和部门负责人查看。")


def _scope_label(user: Any) -> str:
    if is_supervisor(user):
        return "督查室 · 全部任务"
    dept = getattr(user, "department", None)
    return f"{dept.name} · 本部门及牵头、分解的任务" if dept else ""


@cockpit_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """驾驶舱: rates, lights by department, red lights per month, progress by document, top overdue."""
    data = dashboard.cockpit_data(user=request.user)
    return _render(request, "web/cockpit.html", "cockpit", {"data": data, "scope_label": _scope_label(request.user)})


@cockpit_required
def cockpit_red_month(request: HttpRequest, period: str) -> HttpResponse:
    """The tasks (in scope) whose light was red at the end of one past month."""
    month = dashboard.parse_period(period)
    if month is None:
        raise Http404("月份格式不正确。")
    rows = dashboard.red_tasks_of_month(user=request.user, period=period)
    return _render(request, "web/cockpit_red_month.html", "cockpit",
                   {"snapshots": rows, "month_label": dashboard.month_label(month), "period": period})


def _document(document_id: int) -> PolicyDocument:
    return get_object_or_404(PolicyDocument.objects.only("id", "title", "doc_number", "issuer"), pk=document_id)


@login_required
def battle_map(request: HttpRequest, document_id: int) -> HttpResponse:
    """挂图作战: the document's measures × months, each task's light per month and its deadline month."""
    document = _document(document_id)
    grid = dashboard.battle_map(document_id=document.pk, user=request.user)
    return _render(request, "web/battle_map.html", "documents", {"document": document, "grid": grid})


# --- Excel export of the grid ---

_FILLS = {
    "red": PatternFill("solid", fgColor="F4B6B0"),
    "yellow": PatternFill("solid", fgColor="FBE3A1"),
    "green": PatternFill("solid", fgColor="BFE3CC"),
    "finished": PatternFill("solid", fgColor="D9DDE2"),
    "cancelled": PatternFill("solid", fgColor="EEEEEE"),
    "none": PatternFill("solid", fgColor="EEEEEE"),
}
_SHORT = {"red": "红", "yellow": "黄", "green": "绿", "finished": "办结", "cancelled": "取消", "none": "未亮灯"}
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIXED = ["序号", "措施", "责任单位", "角色", "完成时限", "状态"]


def cell_text(cell: dict[str, Any]) -> str:
    """A month cell as text: 红/黄/绿/办结… , ◆ in the deadline month, ◇ in the original deadline's month."""
    text = _SHORT.get(cell["light"], "")
    if cell["state"] == "unrecorded":
        text = "无记录"
    if cell["deadline"]:
        text = f"{text}◆" if text else "◆"
    if cell["original_deadline"]:
        text = f"{text}◇" if text else "◇"
    return text


def battle_map_workbook(out: IO[bytes], document: PolicyDocument, grid: dict[str, Any]) -> None:
    """Write the grid as a write-only workbook (one row per task, the measure repeated); formula-safe."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("挂图作战")
    widths = [8, 40, 18, 8, 12, 10] + [7] * len(grid["months"])
    for k, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    ws.freeze_panes = "G4"

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=safe_cell(value))
        for key, v in style.items():
            setattr(c, key, v)
        return c

    ws.append([cell(f"挂图作战：{document.title}", font=Font(bold=True, size=14))])
    ws.append([cell(f"截至 {grid['today']:%Y年%m月%d日}；过去各月为月末亮灯记录，本月为当前灯色；◆ 完成时限所在月，"
                    "◇ 原定时限所在月")])
    months = [f"{m['year']}年{m['month'].month}月" for m in grid["months"]]
    ws.append([cell(h, font=_HEAD, fill=_HEAD_FILL, alignment=_CENTER, border=_BORDER) for h in _FIXED + months])
    for row in grid["rows"]:
        label = "/".join(row.measure.path) or row.measure.label
        tasks = row.tasks or [None]
        for t in tasks:
            values: list[WriteOnlyCell] = [
                cell(label, alignment=_WRAP, border=_BORDER),
                cell(row.measure.title, alignment=_WRAP, border=_BORDER),
            ]
            if t is None:
                values += [cell("（未分配）", border=_BORDER)] + [cell("", border=_BORDER) for _ in range(3)]
                values += [cell("", border=_BORDER) for _ in grid["months"]]
            else:
                values += [
                    cell(t.department, alignment=_WRAP, border=_BORDER),
                    cell(t.role_label, border=_BORDER),
                    cell(t.deadline, number_format="yyyy-mm-dd", border=_BORDER),
                    cell(t.status_label, border=_BORDER),
                ]
                for c in t.cells:
                    style: dict[str, Any] = {"alignment": _CENTER, "border": _BORDER}
                    if c["light"] in _FILLS:
                        style["fill"] = _FILLS[c["light"]]
                    if c["deadline"]:
                        style["font"] = _HEAD
                    values.append(cell(cell_text(c), **style))
            ws.append(values)
    wb.save(out)  # type: ignore[arg-type]  # openpyxl accepts a binary file object


@login_required
def battle_map_xlsx(request: HttpRequest, document_id: int) -> FileResponse:
    """The 挂图作战 grid as Excel (the same rows and cells as the page)."""
    document = _document(document_id)
    grid = dashboard.battle_map(document_id=document.pk, user=request.user)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        battle_map_workbook(tmp, document, grid)
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    return xlsx_response(tmp, f"挂图作战-{document.title[:40]}.xlsx")
