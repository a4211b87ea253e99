"""Deadlines and recurrence of a measure, from its own text.

Guarantees:
- :func:`find_deadline` returns the latest explicit deadline phrase (``到2025年``, ``力争到2025年``,
  ``2025年之前``, ``2022年10月底前``, ``6月30日前``, ``年底前``, ``2023—2027年``) with its date,
  ignoring citations (``《…(2018~2020年)》``, ``〔2018〕``).
- :func:`find_recurrence` returns ``annual`` / ``semiannual`` / ``quarterly`` / ``monthly`` /
  ``ongoing`` only for explicit frequency words; nouns such as ``年度推进计划`` and ``定期``
  do not count.
- Both work on printed text (full-/half-width forms are folded internally) and never raise.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .text import fold

__all__ = ["Deadline", "Recurrence", "find_deadline", "find_recurrence", "mask_citations", "year_markers"]

_DASH = r"[-—–~至到]{1,2}"

# Citations never carry deadlines or targets: 《…》 titles, 〔2018〕 numbers, (2018~2020年) spans.
# The validity of the document itself (有效期至2026年12月31日, 自2024年1月1日起施行) is not a task deadline.
_CITATION_RE = re.compile(
    r"《[^《》]*》|〔\d{4}〕\d*号?|\[\d{4}\]\d*号|[(（]\s*\d{4}\s*年?\s*[-—–~至]{1,2}\s*\d{4}\s*年?\s*[)）]"
    r"|有效期(?:至|到|为)[^。;!?]*|自[^。;!?,]{0,20}?起(?:施行|执行|生效)"
)


def mask_citations(folded: str) -> str:
    """Replace citation spans by spaces (same length) so later regexes skip them."""
    return _CITATION_RE.sub(lambda m: " " * len(m.group()), folded)


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase as printed, its date, and where it starts in the text."""

    text: str
    date: dt.date
    start: int


@dataclass(frozen=True)
class Recurrence:
    """A frequency phrase as printed and its normalised value."""

    text: str
    value: str
    start: int


def _month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= month <= 12) or not (1900 <= year <= 2200):
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_PREFIX = r"(?:(?:力争|争取|确保|计划|预计|最迟)?\s*(?:到|至|截至|截止到?)\s*)"
_YMD_RE = re.compile(
    _PREFIX + r"?(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*(?P<post>(?:之|以)?前|止)?"
)
_YM_RE = re.compile(
    _PREFIX + r"?(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<post>(?:底|末|份)?\s*(?:之|以)?前|底|末|止)"
)
_YM_TO_RE = re.compile(_PREFIX + r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)")
_RANGE_RE = re.compile(r"(?P<y1>\d{4})\s*(?:年\s*)?" + _DASH + r"\s*(?P<y>\d{4})\s*年(?:\s*(?:底|末)\s*(?:之|以)?前?)?")
_Y_TO_RE = re.compile(_PREFIX + r"(?P<y>\d{4})\s*年(?:\s*(?:底|末|年底|年末))?(?:\s*(?:之|以)?前)?(?!\s*\d{1,2}\s*月)")
# 2000年前建成的老旧小区 describes what is covered (a past date), it is not a time limit.
_Y_BEFORE_RE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?:(?:年)?(?:底|末)\s*(?:之|以)?前|(?:之|以)前|前|底|末|内)(?!\s*\d)"
    r"(?!\s*(?:建成|建设|修建|建造|竣工|投用|投运|出生|登记|注册|成立|设立|认定|批准|出台|印发)(?:的|投用))"
)
# A year that a completion verb follows is the deadline of that work: 2021年完成全覆盖, 力争2021年建成 (not
# 2000年前建成的老旧小区, a description, and not a year before the document's own, a fact already reported).
_Y_DONE_RE = re.compile(
    r"(?<![\d年较比])(?:力争|争取|确保|计划|预计)?(?P<y>\d{4})\s*年\s*(?:前|内|底前)?"
    r"(?=\s*(?:基本|全面|全部|率先|初步)?(?:完成|建成|实现|达到|出台|建立|覆盖|全覆盖)(?!的))"
)
_Y_HALF_RE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<h>上半年|下半年|一季度|二季度|三季度|四季度|第[一二三四]季度)\s*(?:末|底)?\s*(?:之|以)?前?"
)
_MD_RE = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*(?:之|以)?前")
_M_RE = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?:底|末|份)?\s*(?:之|以)?前|(?<![\d年])(?P<m2>\d{1,2})\s*月底")
_YEAR_END_RE = re.compile(
    r"(?<![\d每一二三四五六七八九十两几半当])(?<!每年)(?:(?:本年|今年|年)\s*(?:底|末)\s*(?:之|以)?前|年内)"
)
# Without a year: 第三季度末前, 二季度前, 上半年前 (the document's year).
_Q_BEFORE_RE = re.compile(r"(?<![\d年每])(?P<h>上半年|下半年|第?[一二三四]季度)\s*(?:末|底)?\s*(?:之|以)?前")
# A time-limit cell holding only a month or a year: 2025年6月, 2024年, 2024年12月.
_CELL_YM_RE = re.compile(
    r"^\s*(?P<y>\d{4})\s*[年.\-/]\s*(?:(?P<m>\d{1,2})\s*(?:月(?:份)?|[.\-/]\s*(?P<d>\d{1,2})\s*日?|(?=\s*$))"
    r"(?:\s*(?P<d2>\d{1,2})\s*日)?)?\s*(?:底|末)?\s*(?:(?:之|以)?前)?\s*(?:完成)?\s*$"
)
# A cell holding a whole year: 2024年全年, 2024年内, 2024年度.
_CELL_WHOLE_YEAR_RE = re.compile(r"^\s*(?P<y>\d{4})\s*年\s*(?:全年|年内|内|度)\s*(?:完成)?\s*$")
# A cell with a quarter, half-year, month or whole year only (第四季度, 上半年, 12月, 全年): the document's year.
_CELL_PART_RE = re.compile(
    r"^\s*(?:(?P<h>上半年|下半年|全年|年内|第?[一二三四]季度)|(?P<m>\d{1,2})\s*月(?:份)?)\s*(?:底|末)?\s*(?:(?:之|以)?前)?"
    r"\s*(?:完成)?\s*$"
)

_QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12}


def _half_month(h: str) -> int:
    if "上半年" in h:
        return 6
    if "下半年" in h or h in ("全年", "年内"):
        return 12
    return _QUARTER_END[h.strip("第季度")[:1]]


def _candidates(folded: str, doc_year: int | None, *, standalone: bool = False) -> list[tuple[int, int, dt.date]]:
    found: list[tuple[int, int, dt.date]] = []

    def add(m: re.Match[str], date: dt.date | None) -> None:
        if date is None:
            return
        s, e = m.span()
        while s < e and folded[s] == " ":
            s += 1
        if any(s < te and ts < e for ts, te, _ in found):
            return
        found.append((s, e, date))

    has_month = "月" in folded
    has_part = "季度" in folded or "半年" in folded
    for m in _YMD_RE.finditer(folded) if has_month else ():
        if m.group("post") or m.group(0).lstrip().startswith(("到", "至", "截", "力", "争", "确", "计", "预", "最")):
            add(m, _date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
    for m in _YM_RE.finditer(folded) if has_month else ():
        add(m, _month_end(int(m.group("y")), int(m.group("m"))))
    for m in _YM_TO_RE.finditer(folded) if has_month else ():
        add(m, _month_end(int(m.group("y")), int(m.group("m"))))
    for m in _RANGE_RE.finditer(folded):
        y1, y2 = int(m.group("y1")), int(m.group("y"))
        if y1 < y2 <= y1 + 30:
            add(m, _month_end(y2, 12))
    for m in _Y_TO_RE.finditer(folded):
        add(m, _month_end(int(m.group("y")), 12))
    for m in _Y_HALF_RE.finditer(folded) if has_part else ():
        add(m, _month_end(int(m.group("y")), _half_month(m.group("h"))))
    for m in _Y_BEFORE_RE.finditer(folded):
        add(m, _month_end(int(m.group("y")), 12))
    for m in _Y_DONE_RE.finditer(folded):
        if doc_year is None or int(m.group("y")) >= doc_year:
            add(m, _month_end(int(m.group("y")), 12))
    if doc_year is not None:
        for m in _MD_RE.finditer(folded) if has_month else ():
            add(m, _date(doc_year, int(m.group("m")), int(m.group("d"))))
        for m in _M_RE.finditer(folded) if has_month else ():
            add(m, _month_end(doc_year, int(m.group("m") or m.group("m2"))))
        for m in _YEAR_END_RE.finditer(folded):
            add(m, _month_end(doc_year, 12))
        for m in _Q_BEFORE_RE.finditer(folded) if has_part else ():
            add(m, _month_end(doc_year, _half_month(m.group("h"))))
    if standalone and not found:
        cell = _CELL_YM_RE.match(folded)
        whole = _CELL_WHOLE_YEAR_RE.match(folded) if cell is None else None
        part = _CELL_PART_RE.match(folded) if cell is None and whole is None and doc_year is not None else None
        if whole:
            add(whole, _month_end(int(whole.group("y")), 12))
        elif cell:
            y, mo, d = int(cell.group("y")), int(cell.group("m") or 12), cell.group("d") or cell.group("d2")
            add(cell, _date(y, mo, int(d)) if d else _month_end(y, mo))
        elif part and doc_year is not None:
            month = _half_month(part.group("h")) if part.group("h") else int(part.group("m"))
            add(part, _month_end(doc_year, month))
    return found


def find_deadlines(text: str, doc_year: int | None = None, *, standalone: bool = False) -> list[Deadline]:
    """All explicit deadline phrases in ``text`` in reading order (citations skipped).

    ``standalone`` marks a time-limit cell or field, where a bare ``2025年6月`` or ``2024年``
    is the deadline itself.
    """
    folded = mask_citations(fold(text))
    out: list[Deadline] = []
    for s, e, date in _candidates(folded, doc_year, standalone=standalone):
        out.append(Deadline(text=text[s:e].strip(), date=date, start=s))
    out.sort(key=lambda d: d.start)
    return out


def find_deadline(text: str, doc_year: int | None = None, *, standalone: bool = False) -> Deadline | None:
    """The latest explicit deadline in ``text`` (first printed phrase for that date), or None."""
    all_ = find_deadlines(text, doc_year, standalone=standalone)
    if not all_:
        return None
    latest = max(d.date for d in all_)
    return next(d for d in all_ if d.date == latest)


_SENTENCE_END_RE = re.compile(r"[。;!?\n]")
_PARA_END_RE = re.compile(r"\n")


def year_markers(folded_masked: str) -> list[tuple[int, int, int]]:
    """``(position, year, reach)`` of phrases that set the goal year of later targets (到2025年 …).

    A target between ``position`` and ``reach`` takes ``year``.
    """
    marks: list[tuple[int, int, int]] = []
    # A dated time limit before a target sets its year too: 2024年6月底前完成…80%, 2026年三季度末前…20GWh.
    # A goal year (到2025年) governs the rest of its paragraph; a dated limit only the rest of its sentence.
    for rx in (_Y_TO_RE, _RANGE_RE, _Y_BEFORE_RE, _YM_TO_RE, _YM_RE, _Y_HALF_RE):
        for m in rx.finditer(folded_masked):
            if rx is _RANGE_RE and not int(m.group("y1")) < int(m.group("y")):
                continue
            if rx in (_Y_BEFORE_RE, _YM_RE, _Y_HALF_RE) and not _Y_TO_RE.match(folded_masked, m.start()):
                stop = _SENTENCE_END_RE.search(folded_masked, m.end())
            else:
                stop = _PARA_END_RE.search(folded_masked, m.end())
            marks.append((m.start(), int(m.group("y")), stop.start() if stop else len(folded_masked)))
    marks.sort()
    return marks


# --- Recurrence ---------------------------------------------------------------------------

_RECUR_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("semiannual", re.compile(r"每半年|每个半年|半年一次|一年两次|每年两次")),
    (
        "quarterly",
        re.compile(
            r"一季一[\u4e00-\u9fff]{1,2}(?:、一季一[\u4e00-\u9fff]{1,2})*|每(?:个)?季度?|按季度?|季度(?:跟踪|调度|通报|报送|考核|督查|督导)"
        ),
    ),
    (
        "monthly",
        re.compile(
            r"一月一[\u4e00-\u9fff]{1,2}(?:、一月一[\u4e00-\u9fff]{1,2})*|每(?:个)?月|按月|月度(?:跟踪|调度|通报|报送|考核|督查)"
        ),
    ),
    ("annual", re.compile(r"每年(?!两次)(?:度)?|一年一[\u4e00-\u9fff]{1,2}|逐年(?=递增|增长|提高)")),
)
_ONGOING_RE = re.compile(r"长期坚持|长期推进|长期执行|常态化推进|持续推进|持续开展|长期$|^持续$")


def find_recurrence(text: str, *, standalone: bool = False) -> Recurrence | None:
    """The first explicit frequency phrase in ``text``.

    ``standalone`` marks a time-limit cell (完成时限) where ``持续推进``/``长期坚持`` mean
    "ongoing"; inside running text only ``长期坚持`` does.
    """
    folded = mask_citations(fold(text))
    best: Recurrence | None = None
    for value, rx in _RECUR_PATTERNS:
        m = rx.search(folded)
        if m and (best is None or m.start() < best.start):
            best = Recurrence(text=text[m.start() : m.end()], value=value, start=m.start())
    if best is not None:
        return best
    m = _ONGOING_RE.search(folded.strip()) if standalone else re.search(r"长期坚持", folded)
    if m:
        return Recurrence(text=m.group(), value="ongoing", start=m.start())
    return None
