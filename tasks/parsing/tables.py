"""Tables flattened to ``|`` lines: indicator tables (指标体系) and task tables (任务分解表).

Two flattened shapes are understood:
- row lines ``1|质量效益|规上工业增加值增长率(%)|10`` (from .docx/.html readers); rows with fewer
  cells than the header are aligned to the right (a merged first column is carried down);
- cell streams, one cell per line ending in `` |`` (copied web tables), read with the header
  order and the running 序号 to find row starts.

Guarantees: functions never raise; cells are returned as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold

__all__ = ["TaskRow", "TableBlock", "find_indicator_rows", "find_task_rows", "table_blocks"]

_NUM_CELL_RE = re.compile(r"^\d{1,3}\.?$")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass(frozen=True)
class TableBlock:
    """Consecutive ``|`` lines: ``rows`` (row mode) or one flat ``cells`` stream."""

    start: int
    end: int
    rows: tuple[tuple[str, ...], ...]
    stream: bool


@dataclass(frozen=True)
class TaskRow:
    """One row of a task table, mapped by header keywords."""

    line: int
    number: str
    category: str
    task: str
    lead: str
    responsible: str
    deadline: str


def _cells(line: str) -> list[str]:
    parts = [p.strip(" \t\u3000") for p in line.split("|")]
    if parts and parts[-1] == "" and line.rstrip().endswith("|"):
        parts = parts[:-1]
    return parts


def table_blocks(lines: list[str]) -> list[TableBlock]:
    """Group consecutive lines containing ``|`` into blocks."""
    blocks: list[TableBlock] = []
    i = 0
    while i < len(lines):
        if "|" not in lines[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and "|" in lines[j]:
            j += 1
        rows = tuple(tuple(_cells(ln)) for ln in lines[i:j])
        multi = sum(1 for r in rows if sum(1 for c in r if c) >= 2)
        blocks.append(TableBlock(start=i, end=j, rows=rows, stream=multi < max(1, len(rows) // 3)))
        i = j
    return blocks


def _is_int(cell: str) -> bool:
    return bool(_NUM_CELL_RE.match(fold(cell).strip()))


def _col(header: list[str], *patterns: str, exclude: str | None = None) -> int | None:
    for pat in patterns:
        for k, h in enumerate(header):
            f = fold(h).replace(" ", "")
            if re.search(pat, f) and not (exclude and re.search(exclude, f)):
                return k
    return None


def find_indicator_rows(lines: list[str]) -> list[tuple[str, str | None, str, str, int | None]]:
    """``(number, category, name, target_text, year)`` for every indicator table row."""
    out: list[tuple[str, str | None, str, str, int | None]] = []
    for block in table_blocks(lines):
        if block.stream:
            cells = [c for r in block.rows for c in r if c]
            out.extend(_indicators_from_stream(cells))
        else:
            out.extend(_indicators_from_rows([list(r) for r in block.rows]))
    return out


def _indicator_header(header: list[str]) -> tuple[int | None, int | None, int | None, list[int]] | None:
    name = _col(header, r"^指标(?:名称)?$", r"^(?:二级|三级|具体)指标$", r"指标名称", r"指标$")
    if name is None:
        return None
    category = _col(header, r"^一级指标$", r"类别|类型|领域|分类|维度|方面", exclude=r"名称")
    if category == name:
        category = None
    number = _col(header, r"序号|编号|^No")
    targets = [
        k for k, h in enumerate(header) if re.search(r"目标|预期|\d{4}\s*年", fold(h)) and k not in (name, category)
    ]
    if not targets:
        return None
    return number, category, name, targets


def _year_of(header_cell: str) -> int | None:
    m = _YEAR_RE.search(fold(header_cell))
    return int(m.group(1)) if m else None


def _indicators_from_rows(rows: list[list[str]]) -> list[tuple[str, str | None, str, str, int | None]]:
    out: list[tuple[str, str | None, str, str, int | None]] = []
    for h_idx, header in enumerate(rows[:5]):
        spec = _indicator_header(header)
        if spec is None:
            continue
        number, category, name, targets = spec
        width = len(header)
        current_cat: str | None = None
        for k, row in enumerate(rows[h_idx + 1 :], start=1):
            if len(row) < width:
                row = [""] * (width - len(row)) + row
            cat = row[category] if category is not None else None
            if cat:
                current_cat = cat
            nm = row[name] if name < len(row) else ""
            if not nm:
                continue
            num = row[number] if number is not None else str(k)
            tgt = targets[0]
            out.append((num, current_cat, nm, row[tgt] if tgt < len(row) else "", _year_of(header[tgt])))
        break
    return out


def _indicators_from_stream(cells: list[str]) -> list[tuple[str, str | None, str, str, int | None]]:
    # The header is the leading run of non-numeric cells that ends with a target column.
    end = None
    for k, c in enumerate(cells[:10]):
        if _is_int(c):
            break
        if re.search(r"目标|预期|\d{4}\s*年", fold(c)):
            end = k
    if end is None:
        return []
    header = cells[: end + 1]
    spec = _indicator_header(header)
    if spec is None:
        return []
    number, category, name, targets = spec
    if number is None or number < name - 1 or (category is not None and category > number):
        return []
    n_targets = len(header) - 1 - name
    year = _year_of(header[targets[0]])
    out: list[tuple[str, str | None, str, str, int | None]] = []
    i = end + 1
    expected = 1
    current_cat: str | None = None
    while i < len(cells):
        c = cells[i]
        if _is_int(c) and int(fold(c).strip(". ")) == expected and i + 1 < len(cells):
            nm = cells[i + 1]
            tgt = cells[i + 2] if i + 2 < len(cells) else ""
            out.append((fold(c).strip(". "), current_cat, nm, tgt, year))
            expected += 1
            i += 2 + max(1, n_targets)
            continue
        if category is not None:
            current_cat = c
        i += 1
    return out


def find_task_rows(lines: list[str]) -> list[TaskRow]:
    """Rows of task tables (序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限, in any order)."""
    out: list[TaskRow] = []
    for block in table_blocks(lines):
        if block.stream:
            continue
        rows = [list(r) for r in block.rows]
        for h_idx, header in enumerate(rows[:5]):
            task = _col(header, r"任务|措施|内容|事项|举措|工作$|具体工作|主要工作|工作要求")
            lead = _col(header, r"牵头|主办|主责")
            resp = _col(header, r"责任(?:单位|部门|主体)|配合|协办|参与|协同", exclude=r"牵头")
            if task is None or (lead is None and resp is None) or task in (lead, resp):
                continue
            number = _col(header, r"序号|编号|^No")
            deadline = _col(header, r"时限|期限|完成时间|时间|进度|节点")
            category = _col(header, r"领域|类别|分类|方面|板块|重点工作$|项目$", exclude=r"任务|措施")
            width = len(header)
            current_cat = ""
            for k, row in enumerate(rows[h_idx + 1 :], start=1):
                if not any(row):
                    continue
                if len(row) < width:
                    row = [""] * (width - len(row)) + row

                def cell(col: int | None, row: list[str] = row) -> str:
                    return row[col] if col is not None and col < len(row) else ""

                if category is not None and cell(category):
                    current_cat = cell(category)
                if not cell(task):
                    continue
                out.append(
                    TaskRow(
                        line=block.start + h_idx + k,
                        number=fold(cell(number)).strip(" .、") or str(k),
                        category=current_cat,
                        task=cell(task),
                        lead=cell(lead),
                        responsible=cell(resp),
                        deadline=cell(deadline),
                    )
                )
            break
    return out
