"""Outline markers inside a line: text copied from a web page that arrives without line breaks.

Government portals print each paragraph as a ``<p>``; copied or crawled, the whole document often becomes one line
(``…现提出以下意见。 一、总体要求 （一）指导思想。…``) or paragraphs joined by two ideographic spaces
(``…通知如下：　　一、严格依法保护环境…``). :func:`split_runs` puts every paragraph back on a line of its own, so the
outline stage (which reads labels at line starts) sees the document as printed.

Rules (general, not per document):
- a run of two or more ideographic spaces inside a line is a paragraph indent: the line breaks there;
- an outline label (``一、`` ``（一）`` ``1．`` ``（1）`` ``①``) inside a line opens a new line when it stands after a
  paragraph boundary (a space, or the end of a sentence or of a bracketed clause: ``。；：！？）〕``) and it continues a
  numbering seen before it (the next number of its kind), or it starts one (number 1) that goes on inside the same
  text (its number 2 follows at a boundary too). A reference such as ``第（三）项`` or ``一、二、三产业`` never
  stands at a boundary with its sequence, so it stays where it is.

Guarantee: lines come back in order, with the same characters apart from the whitespace at the breaks; a text
whose labels already open lines comes back unchanged.
"""

from __future__ import annotations

import re

from .text import fold

__all__ = ["split_runs"]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"
# kind → pattern (on the folded text); group 1 is the number.
_MARKERS = (
    ("cn", re.compile(r"([" + _CN + r"]{1,3})、")),
    ("pcn", re.compile(r"\(([" + _CN + r"]{1,3})\)")),
    ("num", re.compile(r"(\d{1,2})[.、](?![\d.])")),
    ("pnum", re.compile(r"\((\d{1,2})\)")),
    ("circ", re.compile(r"([\u2460-\u2473])")),
)
_BOUNDARY = " \t\u3000。;:!?)〕】"
_BRACKETED = ("pcn", "pnum", "circ")
_INDENT_RE = re.compile(r"\u3000{2,}")
_MIN_LINE = 60  # shorter lines are headings or short paragraphs already
# In a whole document on one line, a space after a sentence or a clause is where a paragraph ended.
_RUN_LINE = 300
_PARA_GAP_RE = re.compile(r"(?<=[。!?;:)〕】”])[ \t\u3000\xa0]+(?=\S)")
# A heading printed without a full stop (一、指导思想 以习近平…): the space after its short title ends it.
_HEADING_GAP_RE = re.compile(r"[^。!?;\s]{2,40}?([ \t\u3000\xa0]+)(?=\S)")


def _cn_value(s: str) -> int | None:
    if s == "十":
        return 10
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    if s[0] == "十" and len(s) == 2:
        return 10 + (_CN_DIGITS.get(s[1]) or 0) if s[1] in _CN_DIGITS else None
    if len(s) == 2 and s[1] == "十":
        return (_CN_DIGITS.get(s[0]) or 0) * 10 or None
    if len(s) == 3 and s[1] == "十":
        a, b = _CN_DIGITS.get(s[0]), _CN_DIGITS.get(s[2])
        return a * 10 + b if a and b else None
    return None


def _value(kind: str, raw: str) -> int | None:
    if kind in ("cn", "pcn"):
        return _cn_value(raw)
    if kind == "circ":
        return ord(raw) - 0x2460 + 1
    return int(raw)


def _candidates(f: str) -> list[tuple[int, str, int]]:
    """(position, kind, number) of labels standing at a paragraph boundary, in text order."""
    found: list[tuple[int, str, int]] = []
    for kind, rx in _MARKERS:
        for m in rx.finditer(f):
            at = m.start()
            # a bracketed label also opens a paragraph right after a heading printed without a full stop
            # (一、总体要求（一）指导思想。…); a reference to an item says 第（三）项 or 第（三）条
            if at == 0 or (f[at - 1] not in _BOUNDARY and (kind not in _BRACKETED or f[at - 1] in "第和与及、至到")):
                continue
            value = _value(kind, m.group(1))
            if value is None:
                continue
            # the label must open text, not a bare list of labels or numbers (``一、二、三产业``, ``1、2、3号``)
            nxt = f[m.end() : m.end() + 1]
            if not nxt or nxt in "、,;。" or nxt.isdigit():
                continue
            found.append((at, kind, value))
    found.sort()
    return found


def _accepted(f: str, start_numbers: dict[str, int]) -> list[int]:
    """Positions where a new paragraph opens; ``start_numbers`` carries each kind's last number across lines."""
    cands = _candidates(f)
    cut: list[int] = []
    for k, (at, kind, value) in enumerate(cands):
        last = start_numbers.get(kind)
        ok = last is not None and value == last + 1
        if not ok and value == 1:
            ok = any(kk == kind and vv == 2 for _, kk, vv in cands[k + 1 :])
        if ok:
            cut.append(at)
            start_numbers[kind] = value
    return cut


def split_runs(lines: list[str]) -> list[str]:
    """Break lines at paragraph indents and at inline outline labels (see the module docstring)."""
    if not any(len(line) >= _MIN_LINE for line in lines):
        return lines
    out: list[str] = []
    numbers: dict[str, int] = {}
    for line in lines:
        pieces = _INDENT_RE.split(line) if len(line) >= _MIN_LINE else [line]
        for piece in pieces:
            f = fold(piece)
            head = f.lstrip(_BOUNDARY)
            # a label that already opens the line continues its numbering
            for kind, rx in _MARKERS:
                m = rx.match(head)
                if m and (v := _value(kind, m.group(1))) is not None:
                    numbers[kind] = v
                    break
            if len(piece) < _MIN_LINE:
                out.append(piece)
                continue
            cuts = set(_accepted(f, numbers))
            if len(piece) >= _RUN_LINE:
                cuts.update(m.end() for m in _PARA_GAP_RE.finditer(f))
                for at in list(cuts):
                    label = next((m for _, rx in _MARKERS if (m := rx.match(f, at))), None)
                    gap = _HEADING_GAP_RE.match(f, label.end()) if label else None
                    if gap:
                        cuts.add(gap.end(1))
            prev = 0
            for at in sorted(cuts):
                if at > prev:
                    out.append(piece[prev:at].rstrip(" \t\u3000\xa0"))
                prev = at
            out.append(piece[prev:])
    return [line for line in out if line.strip(" \t\u3000\xa0")]
