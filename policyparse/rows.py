"""Task-table header rows, and task tables copied one cell per line, joined back into ``|`` rows.

Runs while lines are normalised (``lines.clean_lines``), before the outline; ``tables`` reads the
joined rows later with the same header recognition (:func:`_task_header`), which therefore lives here.

Guarantees: functions never raise; lines that are not such a table come back unchanged and in order.
"""

from __future__ import annotations

import re

from .text import fold

__all__ = ["join_bar_lines", "join_plain_cell_tables"]

_NUM_CELL_RE = re.compile(r"^\d{1,3}\.?$")


def _is_int(cell: str) -> bool:
    return bool(_NUM_CELL_RE.match(fold(cell).strip()))


def _col(header: list[str], *patterns: str, exclude: str | None = None) -> int | None:
    for pat in patterns:
        for k, h in enumerate(header):
            f = fold(h).replace(" ", "")
            if re.search(pat, f) and not (exclude and re.search(exclude, f)):
                return k
    return None


def _task_header(header: list[str]) -> dict[str, int | None] | None:
    """Column indexes of a task-table header row, or None when ``header`` is not one."""
    # A category column may be named after the tasks (任务类别, 工作类型): never the task column.
    category = _col(header, r"类别|分类|类型")
    if category is None:
        category = _col(header, r"领域|方面|板块|重点工作$|项目$", exclude=r"任务|措施")
    task = _col(header, r"任务|措施|内容|事项|举措|工作$|具体工作|主要工作|工作要求", exclude=r"类别|分类|类型")
    levels = _level_columns(header)
    if task is not None and levels and task in levels:
        # 一级任务 | 二级任务 | 具体措施: the most specific column holds the measure.
        finer = _col(header, r"任务|措施|内容|事项|举措", exclude=r"类别|分类|类型|^[一二三四五]级")
        task = finer if finer is not None else levels[-1]
    lead = _col(header, r"牵头|主办|主责")
    resp = _col(header, r"责任(?:单位|部门|主体)|配合|协办|参与|协同", exclude=r"牵头")
    if task is None or (lead is None and resp is None) or task in (lead, resp):
        return None
    if any(_is_int(c) for c in header):
        return None
    number = _col(header, r"序号|编号|^No")
    deadline = _col(header, r"时限|期限|完成时间|时间|进度|节点")
    category = category if category != task else None
    # 主要任务 | 具体措施: the measures column holds the task's text (targets, frequencies).
    taken = {task, lead, resp, number, deadline, category}
    detail = next(
        (
            k
            for k, h in enumerate(header)
            if k > task and k not in taken and re.search(r"措施|内容|举措|要求|目标|标准", fold(h).replace(" ", ""))
        ),
        None,
    )
    return {
        "task": task,
        "lead": lead,
        "resp": resp,
        "number": number,
        "deadline": deadline,
        "category": category,
        "detail": detail,
    }


def _level_columns(header: list[str]) -> list[int]:
    """Columns of a multi-level task header (``一级任务``, ``二级任务``), left to right."""
    rx = re.compile(r"^[一二三四五]级(?:任务|工作|目标|措施|事项)")
    return [k for k, h in enumerate(header) if rx.match(fold(h).replace(" ", ""))]


_PLAIN_HEADER_START_RE = re.compile(r"^(?:序号|编号)$")


def _plain_number(line: str) -> str:
    return fold(line).strip(" \t\u3000.、")


def _plain_table_at(raw: list[str], i: int) -> tuple[list[str], int] | None:
    """A task table copied as plain text, one cell per line, starting at ``raw[i]`` (``序号``).

    Returns the table as ``|`` row lines and the index after it. Blank lines inside a row are
    empty cells, unless blank lines also separate the header cells (then they are layout).
    """
    n = len(raw)
    header: list[str] = []
    blank_sep = False
    k = i
    while k < n and len(header) < 10:
        cell = raw[k].strip(" \t\u3000")
        if not cell:
            blank_sep = blank_sep or bool(header)
            k += 1
            continue
        if len(cell) > 12 or "|" in cell or _is_int(cell):
            break
        header.append(cell)
        k += 1
    spec = _task_header(header) if len(header) >= 3 else None
    if spec is None or spec["number"] != 0:
        return None
    width = len(header)
    out = ["|".join(header)]
    expected = 1
    while True:
        j = k
        while j < n and not raw[j].strip(" \t\u3000"):
            j += 1
        if j >= n or _plain_number(raw[j]) != str(expected):
            break
        row = [_plain_number(raw[j])]
        j += 1
        while j < n and len(row) < width:
            cell = raw[j].strip(" \t\u3000")
            if cell and _plain_number(cell) == str(expected + 1) and len([c for c in row if c]) >= 2:
                break
            if cell or not blank_sep:
                row.append(cell)
            j += 1
        out.append("|".join(row))
        expected += 1
        k = j
    if expected < 3:
        return None
    return out, k


def join_bar_lines(raw: list[str]) -> list[str]:
    """A table copied with each cell on a line and a line holding only ``|`` between the cells of a row
    (``工作任务`` / ``|`` / ``牵头单位`` / ``|`` / …): one ``|`` row per table row. A row ends at a cell that no
    ``|`` line follows."""
    out: list[str] = []
    joining = False
    for line in raw:
        bare = line.strip(" \t\u3000\xa0\r")
        if bare == "|":
            if out:
                out[-1] = out[-1].rstrip() + "|"
                joining = True
            continue
        if joining and bare:
            out[-1] = out[-1] + bare
            joining = False
            continue
        if bare or not joining:
            out.append(line)
    return out


def join_plain_cell_tables(raw: list[str]) -> list[str]:
    """Rewrite task tables copied one cell per line (序号 / 工作任务 / 牵头单位 / … / 1 / …) as ``|`` rows."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        if _PLAIN_HEADER_START_RE.match(fold(raw[i]).strip()):
            found = _plain_table_at(raw, i)
            if found is not None:
                out.extend(found[0])
                i = found[1]
                continue
        out.append(raw[i])
        i += 1
    return out
