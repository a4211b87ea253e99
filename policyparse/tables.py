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

from .labels import heading_of
from .rows import _col, _is_int, _level_columns, _task_header, join_plain_cell_tables
from .text import fold

__all__ = ["TaskRow", "TableBlock", "find_indicator_rows", "find_task_rows", "join_plain_cell_tables", "table_blocks"]

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
    sections: tuple[str, ...] = ()  # outline labels of numbered section rows above (``一``)
    detail: str = ""  # a 具体措施/工作内容 column next to a short task-name column


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


def _indicator_header(header: list[str]) -> tuple[int | None, int | None, int, list[int]] | None:
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


_CN_NUM_CELL_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\([一二三四五六七八九十]{1,3}\))[、.]?$")


_ITEM_LABEL_RE = re.compile(r"^\s*(?:(\d{1,3})\s*[.、](?!\d)|\((\d{1,3})\))\s*")


def _section_label(cell: str) -> tuple[int, str] | None:
    """``(kind, label)`` when a category cell is a numbered outline heading (``一、…``)."""
    h = heading_of(cell)
    if h is not None and h[0] <= 2:
        return h[0], h[1]
    m = _CN_NUM_CELL_RE.match(fold(cell).strip())
    if m:
        raw = fold(cell).strip().strip("、.")
        return (2, "（" + raw.strip("()") + "）") if raw.startswith("(") else (1, raw)
    return None


def _join_keyed_tables(lines: list[str]) -> list[str]:
    """A task table without unit columns (序号|重点任务|完成时限) followed by a table keyed by the same 序号
    (序号|牵头单位|责任单位): append the second table's cells to the first one's rows; the second table's
    lines become blank. Line indexes are kept."""
    blocks = [b for b in table_blocks(lines) if not b.stream and b.rows]
    out = list(lines)
    for k, tasks in enumerate(blocks):
        head = list(tasks.rows[0])
        number = _col(head, r"序号|编号")
        if number is None or _task_header(head) is not None:
            continue
        if _col(head, r"任务|措施|内容|事项|举措", exclude=r"类别|分类|类型") is None:
            continue
        for units in blocks[k + 1 :]:
            uhead = list(units.rows[0])
            key = _col(uhead, r"序号|编号")
            if key is None or _task_header(head + uhead) is None:
                continue
            if _col(uhead, r"牵头|主办|主责|责任(?:单位|部门|主体)|配合") is None:
                continue
            by_key = {fold(r[key]).strip(): r for r in units.rows[1:] if len(r) == len(uhead)}
            numbers = [fold(r[number]).strip() for r in tasks.rows[1:] if len(r) > number]
            if not numbers or any(n not in by_key for n in numbers):
                continue
            rest = [c for c in range(len(uhead)) if c != key]
            out[tasks.start] = "|".join(head + [uhead[c] for c in rest])
            for i, row in enumerate(tasks.rows[1:], start=tasks.start + 1):
                extra = by_key.get(fold(row[number]).strip() if len(row) > number else "")
                out[i] = "|".join(list(row) + [extra[c] if extra else "" for c in rest])
            for i in range(units.start, units.end):
                out[i] = ""
            break
    return out


def find_task_rows(lines: list[str]) -> list[TaskRow]:
    """Rows of task tables (序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限, in any order).

    A row with a single filled cell (``一、大气污染防治|``) or a Chinese-numbered 序号 and no
    units is a section row: its label (``一``) opens the path of the rows below, and its text
    is their category. A category column works the same way; a repeated header row is skipped.
    """
    out: list[TaskRow] = []
    lines = _join_keyed_tables(lines)
    for block in table_blocks(lines):
        if block.stream:
            out.extend(_task_rows_from_stream(block))
            continue
        # Split again keeping empty trailing cells: ``一|产业升级||||`` is a full-width row.
        rows = [[c.strip(" \t\u3000") for c in ln.split("|")] for ln in lines[block.start : block.end]]
        h_idx = None
        spec: dict[str, int | None] | None = None
        for k, header in enumerate(rows[:6]):
            found = _task_header(header)
            if found is not None:
                h_idx, spec = k, found
            elif spec is not None:
                break  # the last of consecutive header rows (two-level headers) wins
        if spec is None or h_idx is None:
            continue
        task = spec["task"]
        assert task is not None
        width = len(rows[h_idx])
        rows = [r[:-1] if len(r) == width + 1 and not r[-1] else r for r in rows]
        sections: dict[int, str] = {}
        section_titles: dict[int, str] = {}
        current_cat = ""
        count = 0
        levels = [c for c in _level_columns(rows[h_idx]) if c != task]
        level_seen: dict[int, str] = {}
        for k, row in enumerate(rows[h_idx + 1 :], start=1):
            filled = [c for c in row if c]
            if not filled:
                continue
            if _task_header(row) is not None:
                continue  # header repeated on every page
            if len(set(filled)) == 1 and (len(filled) == 1 or len(row) < width) and not _is_int(filled[0]):
                _open_section(filled[0], sections, section_titles)
                current_cat = filled[0]
                continue
            if len(row) < width:
                row = [""] * (width - len(row)) + row

            def cell(col: int | None, row: list[str] = row) -> str:
                return row[col] if col is not None and col < len(row) else ""

            number = fold(cell(spec["number"])).strip(" .、")
            if (
                _CN_NUM_CELL_RE.match(number)
                and not cell(spec["lead"])
                and not cell(spec["resp"])
                and not cell(spec["deadline"])
            ):
                _open_section(number + "、" + cell(task), sections, section_titles)
                current_cat = cell(task)
                continue
            if spec["category"] is not None and cell(spec["category"]):
                cat = cell(spec["category"])
                if cat != current_cat:
                    _open_section(cat, sections, section_titles)
                    current_cat = cat
            for col in levels:  # 一级任务/二级任务 cells (merged vertically) open the path: 一、… / （一）…
                if cell(col) and cell(col) != level_seen.get(col):
                    level_seen[col] = cell(col)
                    _open_section(cell(col), sections, section_titles)
                    current_cat = cell(col)
            if not cell(task) or cell(task) == rows[h_idx][task]:
                continue
            count += 1
            task_text = cell(task)
            label = _ITEM_LABEL_RE.match(fold(task_text)) if levels and not number else None
            if label is not None:
                number = label.group(1) or label.group(2)
                task_text = task_text[label.end() :]
            if re.fullmatch(r"\([一二三四五六七八九十]{1,3}\)", number):  # a 序号 （一）: the path as printed
                number = "（" + number[1:-1] + "）"
            out.append(
                TaskRow(
                    line=block.start + h_idx + k,
                    number=number or str(count),
                    category=current_cat,
                    task=task_text,
                    lead=cell(spec["lead"]),
                    responsible=cell(spec["resp"]),
                    deadline=cell(spec["deadline"]),
                    sections=tuple(sections[kk] for kk in sorted(sections)),
                    detail=cell(spec["detail"]),
                )
            )
    return out


def _open_section(text: str, sections: dict[int, str], titles: dict[int, str]) -> None:
    label = _section_label(text)
    if label is None:
        return
    kind, lab = label
    for deeper in [kk for kk in sections if kk >= kind]:
        del sections[deeper]
        titles.pop(deeper, None)
    sections[kind] = lab
    titles[kind] = text


def _task_rows_from_stream(block: TableBlock) -> list[TaskRow]:
    """Task rows of a copied web table: one cell per line (``1 |``, ``推进… |``, ``市发改委 |``).

    The header is the leading run of non-numeric cells; a row starts at the next running 序号.
    A row one cell short is taken to have its lead cell merged with the row above (rowspan).
    A lone ``一、…`` cell where a row would start is a section row.
    """
    cells: list[tuple[int, str]] = [(block.start + k, c) for k, r in enumerate(block.rows) for c in r if c]
    header: list[str] = []
    for _, c in cells[:10]:
        if _is_int(c) or _section_label(c) is not None:
            break
        header.append(c)
    spec = None
    for start in range(len(header)):
        spec = _task_header(header[start:])
        if spec is not None:
            header = header[start:]
            break
    if spec is None or spec["number"] != 0:
        return []
    width = len(header)
    body = cells[cells.index(next(c for c in cells if c[1] == header[-1])) + 1 :]
    # Split the stream into rows at the running number.
    chunks: list[tuple[int, list[str]]] = []
    sections: dict[int, str] = {}
    titles: dict[int, str] = {}
    expected = 1
    for k, (line, c) in enumerate(body):
        if _is_int(c) and int(fold(c).strip(". ")) == expected:
            chunks.append((line, [c]))
            expected += 1
            continue
        nxt = body[k + 1][1] if k + 1 < len(body) else ""
        starts_row = _is_int(nxt) and int(fold(nxt).strip(". ")) == expected
        if starts_row and (not chunks or len(chunks[-1][1]) >= width - 1) and _section_label(c) is not None:
            chunks.append((-1, [c]))
            continue
        if chunks and chunks[-1][0] >= 0:
            chunks[-1][1].append(c)
    out: list[TaskRow] = []
    prev: list[str] | None = None
    category = ""
    for line, row in chunks:
        if line < 0:
            _open_section(row[0], sections, titles)
            category = row[0]
            continue
        if len(row) == width - 1 and prev is not None and spec["lead"] is not None:
            row = row[: spec["lead"]] + [prev[spec["lead"]]] + row[spec["lead"] :]
        if len(row) != width:
            prev = None
            continue
        prev = row

        def cell(col: int | None, row: list[str] = row) -> str:
            return row[col] if col is not None else ""

        out.append(
            TaskRow(
                line=line,
                number=fold(row[0]).strip(" .、"),
                category=category,
                task=cell(spec["task"]),
                lead=cell(spec["lead"]),
                responsible=cell(spec["resp"]),
                deadline=cell(spec["deadline"]),
                sections=tuple(sections[k] for k in sorted(sections)),
                detail=cell(spec["detail"]),
            )
        )
    return out
