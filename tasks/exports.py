"""Spreadsheet exports: 任务分解表 of a document, 逾期清单 and 部门进度 — streamed and formula-safe.

Guarantees, for every workbook built here:
- **constant memory**: an openpyxl ``write_only`` workbook (rows go straight to a temporary file),
  saved to an anonymous temporary file that the response streams and then deletes; the rows are
  read from the database in chunks (a fixed number of queries per ``CHUNK`` measures or tasks);
- **formula-safe**: a text cell that begins with ``= + - @``, a tab or a carriage return is written
  with a leading ``'`` (CSV/formula injection: ``=HYPERLINK(…)`` in a progress report stays text);
  characters that XML cannot hold (control characters) are removed instead of failing the export;
- a header row that stays frozen, an autofilter over the table, column widths and wrapped text.

The 任务分解表 is **one row per measure**, the shape offices exchange (and the shape the importer
reads back: 序号 outline path, 重点任务 full text, 牵头单位 / 责任单位 as 、-joined printed names).
Per-department state (status, percent, latest progress, 承办人) goes into that row as one
``部门：…`` line per department, so the row count and the measures match the source document and
the sheet imports back into the same measures and (department, role) pairs.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import BooleanField, Case, OuterRef, Q, Subquery, Value, When
from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from departments.naming import display_name
from tasks.models import (
    Measure,
    PendingAssignment,
    PolicyDocument,
    ProgressReport,
    Recurrence,
    Target,
    Task,
    TaskRole,
    TaskStatus,
)

__all__ = [
    "DOCUMENT_COLUMNS",
    "OVERDUE_COLUMNS",
    "XLSX",
    "Column",
    "document_rows",
    "document_xlsx",
    "overdue_xlsx",
    "progress_xlsx",
    "safe_cell",
    "write_xlsx",
    "xlsx_response",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 200  # measures (or tasks) read per round of queries

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet will not run: text beginning with = + - @ tab CR gets a leading '."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


# --- Writing a sheet ---


@dataclass(frozen=True)
class Column:
    """One column: header text, width (characters) and kind (text, date, int, percent)."""

    header: str
    width: float
    kind: str = "text"


_TITLE_FONT = Font(bold=True, size=14)
_SUBTITLE_FONT = Font(size=11)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FORMATS = {"date": "yyyy-mm-dd", "percent": '0"%"', "int": "0"}


def _cell(ws: WriteOnlyWorksheet, value: Any, column: Column | None = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=safe_cell(value))
    for key, v in style.items():
        setattr(cell, key, v)
    if column is not None:
        cell.number_format = _FORMATS.get(column.kind, "General")
    return cell


def _data_cells(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> Callable[[Sequence[Any]], list[WriteOnlyCell]]:
    """A row builder that shares one style per column (looking styles up per cell costs more than writing).

    Sharing is safe: a written cell's style is only read (its id looked up), never changed."""
    styles = [_cell(ws, None, c, alignment=_WRAP, border=_BORDER)._style for c in columns]

    def build(values: Sequence[Any]) -> list[WriteOnlyCell]:
        cells = []
        for value, style in zip(values, styles, strict=True):
            cell = WriteOnlyCell(ws, value=safe_cell(value))
            cell._style = style
            cells.append(cell)
        return cells

    return build


def write_xlsx(
    out: IO[bytes],
    *,
    sheet: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    title_lines: Sequence[str] = (),
) -> int:
    """Write one table to ``out`` as a streamed workbook; returns the number of data rows.

    Layout: the title lines (first one large and bold), the header row, then the rows. Everything
    above the first data row is frozen; the autofilter covers header and data.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    # Widths and panes must be set before the first row: write-only sheets write them first.
    for k, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(k)].width = col.width
    header_row = len(title_lines) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    for k, line in enumerate(title_lines):
        ws.append([_cell(ws, line, font=_TITLE_FONT if k == 0 else _SUBTITLE_FONT)])
    ws.append([_cell(ws, c.header, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_HEADER_ALIGN, border=_BORDER)
               for c in columns])
    count = 0
    build = _data_cells(ws, columns)
    for row in rows:
        ws.append(build(row))
        count += 1
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    wb.save(out)  # type: ignore[arg-type]  # openpyxl accepts a binary file object
    return count


def _temporary_xlsx(write: Callable[[IO[bytes]], Any]) -> IO[bytes]:
    """Run ``write`` into an anonymous temporary file (deleted when closed), rewound for reading."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write(tmp)
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    return tmp


def xlsx_response(fileobj: IO[bytes], filename: str) -> FileResponse:
    """Stream a built workbook as a download; the temporary file is closed (deleted) afterwards."""
    safe_name = filename.replace("/", "／").replace("\\", "＼")
    return FileResponse(fileobj, as_attachment=True, filename=safe_name, content_type=XLSX)


# --- 任务分解表 ---

DOCUMENT_COLUMNS = [
    Column("序号", 12),
    Column("重点任务", 60),
    Column("牵头单位", 22),
    Column("责任单位", 30),
    Column("完成时限", 13, "date"),
    Column("时限原文", 18),
    Column("周期", 9),
    Column("量化目标", 30),
    Column("状态", 28),
    Column("进度", 8, "percent"),
    Column("最近进展", 45),
    Column("承办人", 22),
]

_OPEN_ROLES = (TaskRole.LEAD, TaskRole.RESPONSIBLE)


@dataclass(frozen=True)
class DocumentRow:
    """One measure of the 任务分解表, as read (units are printed names, lead first)."""

    path: str
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    deadline: dt.date | None
    deadline_text: str
    recurrence: str
    targets: tuple[str, ...]
    status_lines: tuple[str, ...]
    percent: int | None
    progress_lines: tuple[str, ...]
    owner_lines: tuple[str, ...]

    def cells(self) -> list[Any]:
        return [
            self.path,
            self.text,
            "、".join(self.lead),
            "、".join(self.responsible),
            self.deadline if self.deadline else self.deadline_text,
            self.deadline_text,
            self.recurrence,
            "\n".join(self.targets),
            "\n".join(self.status_lines),
            self.percent,
            "\n".join(self.progress_lines),
            "\n".join(self.owner_lines),
        ]


def _ordered_names(names: list[str], printed: list[str]) -> list[str]:
    """Unique names, in the order the document printed them (names it did not print come last)."""
    position = {display_name(n): k for k, n in enumerate(printed)}
    unique = list(dict.fromkeys(n for n in names if n))
    last = len(position)
    return [n for _, _, n in sorted((position.get(n, last), k, n) for k, n in enumerate(unique))]


# Rows are read as plain values (no model instances: building ~4 objects per task cost more than the SQL).
_STATUS_LABELS = dict(TaskStatus.choices)
_RECURRENCE_LABELS = dict(Recurrence.choices)
_MEASURE_FIELDS = ("id", "order", "path", "label", "title", "text", "deadline", "deadline_text", "recurrence",
                   "lead_printed", "responsible_printed")
_TASK_FIELDS = ("id", "measure_id", "role", "printed_name", "status", "percent", "department__name",
                "department__order", "owner_id", "owner__full_name", "owner__username", "last_report_text", "in_scope")


def _measure_row(m: dict[str, Any], tasks: list[dict[str, Any]], pending: list[tuple[int, str, str]],
                 targets: list[str]) -> DocumentRow:
    """One row: ``m`` and ``tasks`` are ``_MEASURE_FIELDS`` / ``_TASK_FIELDS`` dicts, ``pending`` (measure, role,
    printed name) tuples, both in id order."""
    units: dict[str, list[str]] = {TaskRole.LEAD: [], TaskRole.RESPONSIBLE: []}
    for t in tasks:
        units[t["role"]].append(t["printed_name"] or t["department__name"])
    for _, role, printed in pending:
        units[role].append(printed)
    lead = _ordered_names(units[TaskRole.LEAD], m["lead_printed"] or [])
    responsible = [
        n for n in _ordered_names(units[TaskRole.RESPONSIBLE], m["responsible_printed"] or []) if n not in lead
    ]
    tasks = sorted(tasks, key=lambda t: (t["role"] != TaskRole.LEAD, t["department__order"], t["department__name"],
                                         t["id"]))
    status_lines = [
        f"{t['department__name']}：{_STATUS_LABELS.get(t['status'], t['status'])} {t['percent']}%" for t in tasks
    ]
    status_lines += [f"{printed}：单位待识别，未交办" for _, _, printed in pending]
    counted = [t["percent"] for t in tasks if t["status"] != TaskStatus.CANCELLED]
    visible = [t for t in tasks if t["in_scope"]]
    return DocumentRow(
        path="/".join(m["path"]) or m["label"],
        text=m["text"] or m["title"],
        lead=tuple(lead),
        responsible=tuple(responsible),
        deadline=m["deadline"],
        deadline_text=m["deadline_text"],
        recurrence=_RECURRENCE_LABELS.get(m["recurrence"], m["recurrence"]) if m["recurrence"] else "",
        targets=tuple(targets),
        status_lines=tuple(status_lines or ["未分配"]),
        percent=round(sum(counted) / len(counted)) if counted else None,
        progress_lines=tuple(
            f"{t['department__name']}：{t['last_report_text']}" for t in visible if t["last_report_text"]
        ),
        owner_lines=tuple(
            f"{t['department__name']}：{t['owner__full_name'] or t['owner__username']}"
            for t in visible if t["owner_id"] is not None
        ),
    )


def _measure_chunks(document_id: int, chunk: int) -> Iterator[list[dict[str, Any]]]:
    """The document's measures (not sections) in outline order, ``chunk`` at a time: one query per chunk,
    each starting after the last (order, id) of the one before."""
    measures = (
        Measure.objects.filter(document_id=document_id, kind=Measure.Kind.MEASURE)
        .order_by("order", "id")
        .values(*_MEASURE_FIELDS)
    )
    after = Q()
    while True:
        part = list(measures.filter(after)[:chunk])
        if part:
            yield part
        if len(part) < chunk:
            return
        last = part[-1]
        # (order, id) > last, with `order >= last order` on its own so that the index range starts there.
        after = Q(order__gte=last["order"]) & (Q(order__gt=last["order"]) | Q(id__gt=last["id"]))


def _grouped(rows: Iterable[Any], key: Callable[[Any], int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def document_rows(*, document_id: int, scope: Q | None = None, chunk: int = CHUNK) -> Iterator[DocumentRow]:
    """The 任务分解表 rows of a document, one per measure in outline order (sections are not rows).

    Units: every lead/responsible task (its printed name, or the department's name for a manual
    assignment) and every OPEN unresolved name (PendingAssignment) — an unknown unit is shown,
    never dropped. Document-wide *suggestions* are not assignments and are left out (importing
    them back would assign them). Sub-tasks (分解承办) are internal to a department: not shown.
    Statuses and percent are shown for every task; progress text and 承办人 only for tasks in
    ``scope`` (the caller's). Four queries per ``chunk`` measures (measures, targets, tasks, pending).
    """
    last_report = Subquery(
        ProgressReport.objects.filter(task_id=OuterRef("pk")).order_by("-created_at", "-id").values("progress")[:1]
    )
    in_scope: Any = (
        Case(When(scope, then=Value(True)), default=Value(False), output_field=BooleanField())
        if scope  # an empty Q (a supervisor's scope) means everything
        else Value(True, output_field=BooleanField())
    )
    for measures in _measure_chunks(document_id, chunk):
        part = [m["id"] for m in measures]
        targets = _grouped(
            Target.objects.filter(measure_id__in=part).order_by("order", "id").values_list("measure_id", "text"),
            key=lambda t: t[0],
        )
        tasks = _grouped(
            Task.objects.filter(measure_id__in=part, role__in=_OPEN_ROLES)
            .annotate(last_report_text=last_report, in_scope=in_scope)
            .order_by("id")
            .values(*_TASK_FIELDS),
            key=lambda t: t["measure_id"],
        )
        pending = _grouped(
            PendingAssignment.objects.filter(
                measure_id__in=part,
                status=PendingAssignment.Status.OPEN,
                reason=PendingAssignment.Reason.UNRESOLVED,
                role__in=_OPEN_ROLES,
            ).order_by("id").values_list("measure_id", "role", "printed_name"),
            key=lambda p: p[0],
        )
        for m in measures:
            yield _measure_row(m, tasks.get(m["id"], []), pending.get(m["id"], []),
                               [text for _, text in targets.get(m["id"], [])])


def document_xlsx(document: PolicyDocument, *, scope: Q | None = None) -> IO[bytes]:
    """The 任务分解表 workbook of ``document`` in a temporary file (title row, 文号 row, header, rows)."""
    title_lines = [document.title] + ([document.doc_number] if document.doc_number else [])
    rows = (r.cells() for r in document_rows(document_id=document.pk, scope=scope))
    return _temporary_xlsx(
        lambda out: write_xlsx(out, sheet="任务分解表", columns=DOCUMENT_COLUMNS, rows=rows, title_lines=title_lines)
    )


# --- 逾期清单 ---

OVERDUE_COLUMNS = [
    Column("序号", 6, "int"),
    Column("责任部门", 22),
    Column("角色", 8),
    Column("文件", 30),
    Column("编号", 12),
    Column("措施", 45),
    Column("完成时限", 13, "date"),
    Column("逾期（工作日）", 10, "int"),
    Column("状态", 12),
    Column("进度", 8, "percent"),
    Column("承办人", 12),
    Column("督办级别", 14),
    Column("最近报送", 13, "date"),
    Column("最近进展", 45),
]


def _local_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def _overdue_rows(
    tasks: Iterable[Task], escalation: Callable[[Sequence[Task]], dict[int, dict[str, Any]]], labels: dict[str, str]
) -> Iterator[list[Any]]:
    number = 0
    batch: list[Task] = []

    def flush() -> Iterator[list[Any]]:
        nonlocal number
        state = escalation(batch)
        for t in batch:
            number += 1
            level = state.get(t.pk, {}).get("level", "none")
            yield [
                number,
                t.department.name,
                t.get_role_display(),
                t.measure.document.title,
                "/".join(t.measure.path) or t.measure.label,
                t.measure.title,
                t.deadline,
                getattr(t, "days_overdue", None),
                t.get_status_display(),
                t.percent,
                (t.owner.full_name or t.owner.username) if t.owner else "",
                "" if level == "none" else labels.get(level, level),
                _local_date(getattr(t, "last_report_at", None)),
                getattr(t, "last_report_text", None) or "",
            ]
        batch.clear()

    for t in tasks:
        batch.append(t)
        if len(batch) >= CHUNK:
            yield from flush()
    if batch:
        yield from flush()


def overdue_xlsx(
    tasks: Iterable[Task],
    *,
    today: dt.date,
    escalation: Callable[[Sequence[Task]], dict[int, dict[str, Any]]],
    labels: dict[str, str],
) -> IO[bytes]:
    """逾期清单: one row per overdue task (as filtered by the caller), escalation read per chunk of tasks."""
    title = [f"逾期清单（截至 {today:%Y年%m月%d日}）"]
    rows = _overdue_rows(tasks, escalation, labels)
    return _temporary_xlsx(
        lambda out: write_xlsx(out, sheet="逾期清单", columns=OVERDUE_COLUMNS, rows=rows, title_lines=title)
    )


# --- 部门进度 ---


def progress_xlsx(header: Sequence[str], table: Iterable[Sequence[Any]]) -> IO[bytes]:
    """部门进度: the header (first column 部门, wide) and one row per department."""
    columns = [Column(h, 32 if k == 0 else 11) for k, h in enumerate(header)]
    return _temporary_xlsx(lambda out: write_xlsx(out, sheet="部门进度", columns=columns, rows=table))
