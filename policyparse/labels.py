"""Outline labels at the start of a line: ``第一章``, ``一、``, ``（一）``, ``1.``, ``（1）``, ``①``, ``2.1``.

The one piece of the outline that earlier stages need too (PDF reading and page furniture in
``pdf``/``layout``, numbered section cells in ``tables``), so it sits below all of them;
``outline`` builds the tree from it.

Guarantee: :func:`heading_of` never raises; it returns ``(kind, label, printed remainder)`` or None.
"""

from __future__ import annotations

import re

from .text import fold

__all__ = ["decimal_outline", "heading_of"]

_CN = "一二三四五六七八九十百零〇"
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"^第\s*([" + _CN + r"\d]{1,4})\s*(?:章|部分|篇)\s*(.*)$")),
    (1, re.compile(r"^第\s*([" + _CN + r"\d]{1,4})\s*条(?![件例款])\s*(.*)$")),
    (1, re.compile(r"^([一二三四五六七八九十百]{1,4})\s*[、.]\s*(.*)$")),
    (2, re.compile(r"^\(\s*([一二三四五六七八九十百]{1,4})\s*\)\s*[、.]?\s*(.*)$")),
    (3, re.compile(r"^(\d{1,3})\s*(?:[、.](?!\d))\s*(.*)$")),
    (4, re.compile(r"^(?:\(\s*(\d{1,3})\s*\)|(\d{1,3})\)(?!\d))\s*[、.]?\s*(.*)$")),
    (5, re.compile(r"^([\u2460-\u2473\u2776-\u277f])\s*[、.]?\s*(.*)$")),
)


def _canonical(kind: int, raw: str) -> str:
    if kind == 0:
        return f"第{raw}章" if raw else raw
    if kind == 2:
        return f"（{raw}）"
    if kind == 4:
        return f"（{raw}）"
    return raw


# Decimal outlines (``1 总体要求`` / ``2.1 加快…`` / ``2.1.1 推进…。（牵头单位：…）``), read only in a document that
# numbers at least three headings this way; the depth gives the level (``2`` = 一、, ``2.1`` = （一）, ``2.1.1`` = 1.)
# and the label is kept as printed.
_DECIMAL_RE = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?![\d.])[ \t\u3000]*(?=[\u4e00-\u9fff])(?![万亿千百倍个年月日元])(.*)$"
)
_DECIMAL_TOP_RE = re.compile(r"^(\d{1,2})[ \t\u3000]+(?=[\u4e00-\u9fff])(?![万亿千百倍个年月日元])([^。,;:]{2,30})$")


def decimal_outline(lines: list[str]) -> bool:
    """True when the document numbers its headings ``1.1`` / ``1.1.1`` (at least three such lines)."""
    n = 0
    for line in lines:
        if "|" not in line and _DECIMAL_RE.match(fold(line.strip(" \t\u3000"))):
            n += 1
            if n >= 3:
                return True
    return False


def heading_of(line: str, *, decimal: bool = False) -> tuple[int, str, str] | None:
    """``(kind, label, printed remainder)`` when ``line`` opens with an outline label.

    With ``decimal`` (see :func:`decimal_outline`), ``2 重点任务`` / ``2.1 …`` / ``2.1.1 …`` are headings too."""
    f = fold(line)
    if decimal:
        m = _DECIMAL_RE.match(f) or _DECIMAL_TOP_RE.match(f)
        if m:
            rest = line[m.start(2) :].strip(" \t\u3000")
            if fold(rest).strip(" .、,"):
                return m.group(1).count(".") + 1, m.group(1), rest
    for kind, rx in _HEADINGS:
        m = rx.match(f)
        if not m:
            continue
        last = len(m.groups())
        raw = next((g for g in m.groups()[:-1] if g), "")
        rest = line[m.start(last) :].strip(" \t\u3000")
        if not fold(rest).strip(" .、,"):
            return None
        if f.startswith("第"):  # 第一章 / 第一部分 / 第一条: the label is printed as is
            return kind, f[: m.start(last)].strip().replace(" ", ""), rest
        return kind, _canonical(kind, raw), rest
    return None
