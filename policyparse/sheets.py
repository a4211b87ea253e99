"""Spreadsheets (.xlsx/.xlsm, .xls, WPS .et, .csv) → text in the shape the table parser reads.

Every visible sheet whose first rows hold a task-table header (序号, 重点任务/工作任务/具体措施…,
牵头单位/责任单位/配合单位…, 完成时限/时间节点…) becomes one ``cell|cell`` line per row, the header
first; rows above the header (the merged title row, 文号, 填报单位) come out as text lines before
it, or the file name when there are none. Vertically merged cells are filled down (a 牵头单位 or
一级任务 cell merged over several rows is repeated on each); a horizontally merged data row
(``一、产业升级`` across the table) keeps its text in the first cell only, so it reads as a
section row. An outline-path 序号 (``一/（一）/1``) opens its sections as rows of their own.

Readers: python-calamine (Rust, values only, no macro is ever run) for .xlsx/.xlsm/.xls/.et; the
stdlib ``csv`` module for .csv (UTF-8 with or without BOM, GBK/GB18030). Limits checked before any
library parses the file: zip members (count, total uncompressed size, compression ratio, actual
inflated bytes), an encrypted package (OLE ``EncryptedPackage`` / BIFF ``FILEPASS``), and the cell
area of each sheet (calamine allocates sheets densely). A table ends after
:data:`MAX_EMPTY_RUN` consecutive empty rows. Everything else raises :class:`PolicyParseError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .decode import decode_bytes
from .errors import PolicyParseError

__all__ = ["SHEET_FORMATS", "sheet_to_text"]

SHEET_FORMATS = frozenset({"xlsx", "xls", "et", "csv"})

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all zip members together, inflated
MAX_RATIO = 100  # inflated / compressed, for members over RATIO_MIN_SIZE
RATIO_MIN_SIZE = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_CELLS = 2_000_000  # cell area of one sheet (rows × columns spanned by its values)
MAX_ROWS = 50_000  # non-empty rows in the whole workbook
MAX_EMPTY_RUN = 1_000  # consecutive empty rows that end a sheet's table
HEADER_SCAN_ROWS = 30

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- Header recognition ----------------------------------------------------------------------------

_TASK_HEADER_RE = re.compile(
    r"^(?:[一二三四五]级(?:任务|工作|目标|措施|事项)|重点任务|工作任务|任务内容|具体措施|主要任务|任务名称|"
    r"工作内容|工作措施|主要内容|具体任务|重点工作|工作事项|任务事项|主要措施|具体工作|改革举措|任务)"
    r"(?:\(.*\))?$"
)
_UNIT_HEADER_RE = re.compile(
    r"^(?:牵头|责任|配合|协办|主办|参与|协同)(?:单位|部门|科室|处室|股室|主体)(?:\(.*\))?$|^(?:牵头|配合|协办)$"
)
_DEADLINE_HEADER_RE = re.compile(
    r"^(?:完成时限|时间节点|时限要求|完成时间|时间要求|完成期限|时限|时间安排|进度安排|推进时限)(?:\(.*\))?$"
)
_OTHER_HEADER_RE = re.compile(r"^(?:序号|编号|责任领导|分管领导|工作目标|量化目标|目标任务|备注|周期|类别|领域)$")
# Columns that track execution (our own export writes them): not policy content, left out.
_TRACKING_HEADER_RE = re.compile(r"^(?:状态|进度|最近进展|最新进展|进展情况|完成情况|承办人|督办情况|办理情况)$")
# Header names the table parser would not read as unit columns.
_HEADER_ALIASES = {
    "责任科室": "责任单位",
    "责任处室": "责任单位",
    "责任股室": "责任单位",
    "协办": "协办单位",
    "配合": "配合单位",
}

_OUTLINE_NUMBER_RE = re.compile(r"^[一二三四五六七八九十]{1,3}(?:/\(?[一二三四五六七八九十]{1,3}\)?)?(?:/\d{1,3})*$")


def _key(cell: str) -> str:
    """A header cell folded for matching: no spaces, ASCII brackets."""
    return re.sub(r"\s+", "", cell).replace("（", "(").replace("）", ")").replace("：", "").replace(":", "")


def _header_kind(cell: str) -> str | None:
    k = _key(cell)
    if not k or len(k) > 20:
        return None
    if _TASK_HEADER_RE.match(k):
        return "task"
    if _UNIT_HEADER_RE.match(k):
        return "unit"
    if _DEADLINE_HEADER_RE.match(k):
        return "deadline"
    if _OTHER_HEADER_RE.match(k) or _TRACKING_HEADER_RE.match(k):
        return "other"
    return None


def _is_header(row: Sequence[str]) -> bool:
    kinds = [_header_kind(c) for c in row if c]
    return "task" in kinds and ("unit" in kinds or "deadline" in kinds) and sum(1 for k in kinds if k) >= 2


def _is_subheader(row: Sequence[str]) -> bool:
    """The second row of a two-row header (``牵头单位 | 配合单位`` under a merged ``责任单位``)."""
    filled = [c for c in row if c]
    return bool(filled) and all(_header_kind(c) is not None for c in filled)


# --- Cell values -------------------------------------------------------------------------------------

_CJK = r"\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
_JOIN_RE = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")


def _text(value: Any) -> str:
    """A cell value as printed on one line: dates as 2025年6月30日, whole floats without ``.0``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10g}"
    s = str(value)
    s = _JOIN_RE.sub("", s)  # a line break inside Chinese text is layout
    s = " ".join(s.split())
    return s.replace("|", "｜")


# --- Container checks --------------------------------------------------------------------------------


def _check_zip(data: bytes) -> zipfile.ZipFile:
    """Open an OOXML package after checking member count, sizes and ratios; inflate every member once
    (bounded) so that a lying size field is caught before the reader trusts it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PolicyParseError("bad_sheet", "无法读取表格文件：文件已损坏或不是 Excel 工作簿。") from None
    if len(infos) > MAX_MEMBERS:
        raise PolicyParseError("zip_bomb", "表格文件结构异常（压缩包内文件过多），已拒绝读取。")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED:
        raise PolicyParseError(
            "zip_bomb", f"表格文件解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，疑似压缩炸弹，已拒绝读取。"
        )
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PolicyParseError("zip_bomb", "表格文件压缩比异常（疑似压缩炸弹），已拒绝读取。")
    total = 0
    try:
        for info in infos:
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED:
                        raise PolicyParseError("zip_bomb", "表格文件解压后过大，疑似压缩炸弹，已拒绝读取。")
    except PolicyParseError:
        raise
    except Exception:  # bad CRC, truncated member, unsupported compression
        raise PolicyParseError("bad_sheet", "无法读取表格文件：文件已损坏或不是 Excel 工作簿。") from None
    return zf


_CELL_REF_RE = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?(/?)>")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_xlsx_area(zf: zipfile.ZipFile) -> None:
    """Reject a sheet whose values span more than :data:`MAX_CELLS` cells (``A1`` and ``XFD1048576``)."""
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        rows = [1 << 30, 0]
        cols = [1 << 30, 0]
        tail = b""
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                buf = tail + chunk
                cut = buf.rfind(b"<") if chunk else len(buf)
                if cut < 0:
                    cut = 0
                for m in _CELL_REF_RE.finditer(buf, 0, cut):
                    if m.group(3):  # <c r="A5" s="1"/>: formatting only, the reader skips it
                        continue
                    r, c = int(m.group(2)), _col_number(m.group(1))
                    rows[0], rows[1] = min(rows[0], r), max(rows[1], r)
                    cols[0], cols[1] = min(cols[0], c), max(cols[1], c)
                tail = buf[cut:]
                if not chunk:
                    break
        if rows[1] and (rows[1] - rows[0] + 1) * (cols[1] - cols[0] + 1) > MAX_CELLS:
            raise PolicyParseError("too_large", "表格范围过大（单个工作表超过 200 万个单元格），已拒绝读取。")


def _ole_streams(data: bytes) -> list[str]:
    try:
        import olefile
    except ImportError:  # pragma: no cover - olefile is a pinned dependency
        return []
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ["/".join(p) for p in ole.listdir(streams=True, storages=False)]
    except Exception:
        raise PolicyParseError("bad_sheet", "无法读取表格文件：文件已损坏或不是 Excel 工作簿。") from None


_ENCRYPTED = "表格文件已加密（设置了打开密码），无法读取；请在 Excel/WPS 中取消密码后另存再上传。"

# BIFF records holding a value (calamine skips BLANK/MULBLANK): row and column come first.
_BIFF_VALUE_RECORDS = {0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x0006, 0x00D6, 0x00BD}
_BIFF_FILEPASS = 0x002F


def _check_biff(data: bytes) -> None:
    """.xls/.et: refuse an encrypted workbook (``FILEPASS``) and a sheet spanning too many cells."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise PolicyParseError("bad_sheet", "无法读取表格文件：文件不是 Excel/WPS 表格。")
            stream = ole.openstream(name).read()
    except PolicyParseError:
        raise
    except Exception:
        raise PolicyParseError("bad_sheet", "无法读取表格文件：文件已损坏或不是 Excel 工作簿。") from None
    pos = 0
    rows: list[int] = []
    cols: list[int] = []
    area: list[tuple[int, int, int, int]] = []  # per sheet: min row, max row, min col, max col

    def close_sheet() -> None:
        if rows:
            area.append((min(rows), max(rows), min(cols), max(cols)))
            rows.clear()
            cols.clear()

    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if rtype == _BIFF_FILEPASS:
            raise PolicyParseError("encrypted", _ENCRYPTED)
        if rtype == 0x000A:  # EOF of a substream
            close_sheet()
        elif rtype in _BIFF_VALUE_RECORDS and len(body) >= 4:
            r, c = struct.unpack_from("<HH", body, 0)
            rows.append(r)
            cols.append(c)
            if rtype == 0x00BD and len(body) >= 6:  # MULRK: last column at the end
                cols.append(struct.unpack_from("<H", body, len(body) - 2)[0])
    close_sheet()
    for r0, r1, c0, c1 in area:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_CELLS:
            raise PolicyParseError("too_large", "表格范围过大（单个工作表超过 200 万个单元格），已拒绝读取。")


# --- Sheets as rows ----------------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    rows: list[list[str]] = field(default_factory=list)  # vertical merges filled down
    # merged ranges as (first row, last row, first col, last col), 0-based, relative to ``rows``
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _sheet_rows(
    raw: Iterable[Sequence[Any]], merges: list[tuple[int, int, int, int]], budget: list[int]
) -> list[list[str]]:
    """Cell texts of ``raw`` rows, merged cells filled down their first column; stops after
    :data:`MAX_EMPTY_RUN` empty rows, raises when the workbook passes :data:`MAX_ROWS` rows."""
    down: dict[tuple[int, int], int] = {}  # (first row, col) -> last row, for vertical merges
    for r0, r1, c0, _c1 in merges:
        if r1 > r0:
            down[(r0, c0)] = r1
    active: dict[int, tuple[int, str]] = {}  # col -> (last row, text)
    out: list[list[str]] = []
    empty_run = 0
    for i, values in enumerate(raw):
        row = [_text(v) for v in values]
        for c, (last, text) in list(active.items()):
            if i > last:
                del active[c]
            elif c < len(row) and not row[c]:
                row[c] = text
        for c, text in enumerate(row):
            end = down.get((i, c))
            if end is not None and text:
                active[c] = (end, text)
        if any(row):
            empty_run = 0
            budget[0] += 1
            if budget[0] > MAX_ROWS:
                raise PolicyParseError("too_large", f"表格行数超过上限（{MAX_ROWS} 行），请拆分后导入。")
        else:
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
        out.append(row)
    while out and not any(out[-1]):
        out.pop()
    return out


def _calamine_sheets(data: bytes) -> Iterator[_Sheet]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a pinned dependency
        raise PolicyParseError("bad_sheet", "无法读取表格文件（缺少 python-calamine）。") from None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(wb.sheets_metadata)
    except Exception as exc:
        if type(exc).__name__ == "PasswordError":
            raise PolicyParseError("encrypted", _ENCRYPTED) from None
        raise PolicyParseError("bad_sheet", "无法读取表格文件：文件已损坏或不是 Excel 工作簿。") from None
    budget = [0]
    for index, meta in enumerate(metas):
        if not str(meta.typ).endswith(".WorkSheet") or not str(meta.visible).endswith(".Visible"):
            continue  # charts and hidden sheets (lookup lists) are not read
        try:
            sheet = wb.get_sheet_by_index(index)
            start = sheet.start or (0, 0)
            merges = [
                (a[0] - start[0], b[0] - start[0], a[1] - start[1], b[1] - start[1])
                for a, b in (sheet.merged_cell_ranges or [])
            ]
            rows = _sheet_rows(sheet.iter_rows(), merges, budget)
        except PolicyParseError:
            raise
        except Exception:
            raise PolicyParseError("bad_sheet", f"无法读取工作表“{meta.name}”：文件已损坏。") from None
        yield _Sheet(meta.name, rows, merges)


def _csv_sheet(data: bytes) -> tuple[_Sheet, str]:
    text, encoding = decode_bytes(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        rows = _sheet_rows(reader, [], [0])
    except csv.Error:
        raise PolicyParseError("bad_sheet", "无法读取 CSV 文件：格式有误（引号不匹配或字段过长）。") from None
    return _Sheet("csv", rows), encoding


# --- Rendering ---------------------------------------------------------------------------------------

_DOCNO_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[【(（〖]\s*(?:19|20)\d{2}\s*[〕\]】)）〗]\s*(?:第\s*)?\d{1,4}\s*号"
)
_SECTION_ROW_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])")


def _pre_lines(rows: list[list[str]]) -> list[str]:
    """Rows above the header as text lines; a 文号 inside the title row gets a line of its own."""
    out: list[str] = []
    for row in rows:
        cells: list[str] = []
        for c in row:
            if c and c not in cells:
                cells.append(c)
        if not cells:
            continue
        line = " ".join(cells)
        m = _DOCNO_RE.search(line)
        if m and "文号" not in line:
            rest = (line[: m.start()] + line[m.end() :]).strip(" （()）:：")
            if rest:
                out.append(rest)
            out.append("文号：" + m.group(0).strip())
        else:
            out.append(line)
    return out


def _header(rows: list[list[str]], merges: list[tuple[int, int, int, int]], h: int) -> tuple[list[str], int]:
    """The header cells (horizontal merges spread, a second header row folded in) and the first data row."""

    def spread(i: int) -> list[str]:
        row = list(rows[i])
        for r0, r1, c0, c1 in merges:
            if r0 <= i <= r1 and c0 < len(row):
                for c in range(c0 + 1, min(c1 + 1, len(row))):
                    if not row[c]:
                        row[c] = row[c0] if r0 == i else rows[r0][c0] if c0 < len(rows[r0]) else ""
        return row

    head = spread(h)
    first = h + 1
    if first < len(rows) and _is_subheader(rows[first]):
        sub = spread(first)
        head = [s if s else top for top, s in zip(head, sub + [""] * (len(head) - len(sub)), strict=False)]
        first += 1
    head = [_HEADER_ALIASES.get(_key(c), c) for c in head]
    return head, first


def _render_table(head: list[str], body: list[list[str]], section_prefix: str | None) -> list[str]:
    keep = [k for k, c in enumerate(head) if not _TRACKING_HEADER_RE.match(_key(c))]
    while keep and not head[keep[-1]]:
        # a trailing column without a header keeps nothing the parser could read
        if any(k < len(r) and r[k] for r in body for k in keep[-1:]):
            break
        keep.pop()
    number_col = next((k for k in keep if _key(head[k]) in ("序号", "编号")), None)
    # 量化目标/工作目标 restating the task text (our own export does): kept once, in the task cell.
    restating = [pos for pos, k in enumerate(keep) if re.search(r"目标|标准|要求", _key(head[k]))]
    lines = ["|".join(head[k] for k in keep)]
    if section_prefix:
        lines.append(section_prefix + "|" * (len(keep) - 1))
    opened: list[str] = []
    for row in body:
        cells = [row[k] if k < len(row) else "" for k in keep]
        if not any(cells):
            continue
        for pos in restating:
            if cells[pos] and any(len(c) > len(cells[pos]) and cells[pos] in c for c in cells):
                cells[pos] = ""
        if number_col is not None:
            pos = keep.index(number_col)
            number = _key(cells[pos]).replace("（", "(").replace("）", ")")
            if "/" in number and _OUTLINE_NUMBER_RE.match(number):
                parts = number.split("/")
                for depth, part in enumerate(parts[:-1]):
                    label = part if part.startswith("(") or depth == 0 else f"({part})"
                    label = label.replace("(", "（").replace(")", "）")
                    if opened[depth : depth + 1] != [label]:
                        opened[depth:] = [label]
                        section = [""] * len(keep)
                        section[pos] = label
                        lines.append("|".join(section))
                cells[pos] = parts[-1].replace("(", "（").replace(")", "）")
        lines.append("|".join(cells))
    return lines


def _is_section_row(row: list[str]) -> bool:
    filled = [c for c in row if c]
    return len(set(filled)) == 1 and bool(_SECTION_ROW_RE.match(filled[0]))


_CN_NUMBERS = "一二三四五六七八九十"


def _document(sheets: Iterable[_Sheet], filename: str) -> str:
    tables: list[tuple[_Sheet, list[str], list[str], list[list[str]]]] = []
    for sheet in sheets:
        h = next((i for i, r in enumerate(sheet.rows[:HEADER_SCAN_ROWS]) if _is_header(r)), None)
        if h is None:
            continue
        head, first = _header(sheet.rows, sheet.merges, h)
        tables.append((sheet, _pre_lines(sheet.rows[:h]), head, sheet.rows[first:]))
    if not tables:
        raise PolicyParseError(
            "no_table",
            "表格中没有找到任务分解表的表头：请确认前 30 行内有一行表头，至少包含“重点任务”（或“工作任务”“具体措施”等）"
            "和“牵头单位”/“责任单位”或“完成时限”列。",
        )
    lines: list[str] = []
    pre = tables[0][1]
    if not pre:
        stem = PurePath(filename or "").stem.strip()
        if re.search(r"[\u4e00-\u9fff]", stem):
            pre = [stem]
    lines.extend(pre)
    many = len(tables) > 1
    for k, (sheet, own_pre, head, body) in enumerate(tables):
        if k:
            lines.extend(ln for ln in own_pre if ln not in lines)
        # Several sheets numbered from 1 each: the sheet is a chapter (一、<sheet name>).
        first_row = next((r for r in body if any(r)), [])
        prefix = None
        if many and not _is_section_row(first_row) and k < len(_CN_NUMBERS):
            prefix = f"{_CN_NUMBERS[k]}、{sheet.name}"
        lines.append("")
        lines.extend(_render_table(head, body, prefix))
    return "\n".join(lines) + "\n"


def _sniff(data: bytes, fmt: str) -> str:
    """The container actually present: ``zip`` (OOXML), ``ole`` (BIFF or encrypted OOXML) or ``text``."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if fmt == "csv":
        return "text"
    raise PolicyParseError("bad_sheet", "无法读取表格文件：文件已损坏或不是 Excel/WPS 表格。")


def sheet_to_text(data: bytes, filename: str, fmt: str) -> tuple[str, str | None]:
    """``(text, encoding)`` of a spreadsheet; see the module docstring. ``fmt`` is the extension's format."""
    kind = _sniff(data, fmt)
    if kind == "text":
        sheet, encoding = _csv_sheet(data)
        return _document([sheet], filename), encoding
    if kind == "ole":
        if any(s.split("/")[-1] in ("EncryptedPackage", "EncryptionInfo") for s in _ole_streams(data)):
            raise PolicyParseError("encrypted", _ENCRYPTED)
        _check_biff(data)
    else:
        zf = _check_zip(data)
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            raise PolicyParseError("bad_sheet", "无法读取表格文件：压缩包中没有 Excel 工作簿（xl/workbook.xml）。")
        _check_xlsx_area(zf)
    return _document(_calamine_sheets(data), filename), None
