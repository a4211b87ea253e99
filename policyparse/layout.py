"""Page furniture and hard line breaks of text copied out of a PDF.

- :func:`drop_page_furniture` removes page-number lines (``— 3 —``, ``-3-``, ``第 3 页 共 12 页``, ``3/12``,
  ``Page 3 of 12``) and running headers/footers: a short line that stands next to a page-number line at least
  twice (each such occurrence is removed; the same line elsewhere is kept).
- :func:`reflow` re-joins hard-wrapped paragraphs. It acts only when the text looks wrapped: at least a
  quarter of the lines (and at least four) are "full" (within a few characters of the usual full length, the
  most common long length) and unfinished. A full line is joined with the next one unless it ends a sentence
  (``。！？：``, unless a bracket of its paragraph is still open), ends a document title (``…的通知``,
  ``…意见``, ``…方案``, outside any open bracket: ``（牵头部门：…市自然资源和规划`` is not a title), or ends
  with a closing bracket (``）`` ``〕`` ``﹞`` ``】``) that closes every bracket its paragraph opened (a clause
  end such as ``﹝责任主体:…﹞``; a short gloss such as ``首台(套)`` is not one). A ``；`` ends the paragraph
  only when the next line opens an outline item or a bullet: a wrap can fall right after a ``；`` mid-sentence.
  A continuation that merely looks like a label (``2.5万家``, ``二、三产业``) is joined, because the line
  before it is unfinished. A full line followed by a label line does not count towards "looks wrapped" (list
  items that end without 。, e.g. with an inline ``牵头单位：…`` label, are not wrapped text).

Guarantee: both functions return a list of non-empty lines and never raise; a text that is not wrapped and has
no page furniture comes back unchanged.
"""

from __future__ import annotations

import re
from collections import Counter

from .labels import heading_of
from .text import fold

__all__ = ["drop_page_furniture", "is_page_number", "reflow"]

_PAGE_NO_RE = re.compile(
    r"^(?:[-—–─~]{1,3}\s*\d{1,4}\s*[-—–─~]{1,3}"
    r"|第\s*\d{1,4}\s*页\s*(?:[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_TERMINAL = "。！？：!?:…"
_SEMI = ("；", ";")
_BULLET_RE = re.compile(r"^\s*(?:——|[-•·●▪◆■□○])")
_TITLE_END_RE = re.compile(r"(?:通知|意见|方案|计划|要点|措施|办法|细则|规定|规划|决定|清单|分工)[)）]?$")


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NO_RE.match(fold(line).strip()))


def drop_page_furniture(lines: list[str]) -> list[str]:
    pages = [i for i, line in enumerate(lines) if len(line) <= 24 and is_page_number(line)]
    if not pages:
        return lines
    drop = set(pages)
    near: dict[str, list[int]] = {}
    page_set = set(pages)
    for i in pages:
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and j not in page_set and len(lines[j]) <= 40 and "|" not in lines[j]:
                near.setdefault(lines[j], []).append(j)
    for text, where in near.items():
        if len(set(where)) >= 2 and not any(p in text for p in "。，,"):
            drop.update(where)
    return [line for i, line in enumerate(lines) if i not in drop]


def _balanced(text: str) -> bool:
    f = fold(text)
    return all(f.count(p[0]) <= f.count(p[1]) for p in ("()", "〔〕", "【】", "[]"))


def _clause_close(line: str) -> bool:
    """The line ends with a closing bracket that ends a clause, not a short gloss such as ``首台(套)``."""
    f = fold(line)
    if not f.endswith((")", "〕", "】", "]")):
        return False
    opener = {")": "(", "〕": "〔", "】": "【", "]": "["}[f[-1]]
    start = f.rfind(opener)
    return start < 0 or len(f) - start - 2 >= 4


def _opens_item(lines: list[str], i: int) -> bool:
    return i < len(lines) and "|" not in lines[i] and heading_of(lines[i]) is not None


def reflow(lines: list[str]) -> list[str]:
    plain = [len(line) for line in lines if "|" not in line and len(line) >= 8]
    if len(plain) < 8:
        return lines
    # PDF lines hold a fixed number of CJK characters; half-width digits make some lines longer, so the
    # usual full length is the most common long length when there is one, else the 90th percentile.
    width = sorted(plain)[int(len(plain) * 0.9)]
    mode, count = Counter(n for n in plain if n >= width // 2).most_common(1)[0]
    if count * 5 >= len(plain):
        width = min(width, mode)
    tol = max(3, width // 8)
    if width < 16 or width > 120:
        return lines

    def full(line: str, para: str = "") -> bool:
        """Long and unfinished: no sentence end, no bracket closing what the paragraph opened."""
        if "|" in line or len(line) < width - tol:
            return False
        if para and not _balanced(para):  # inside a bracket: （牵头部门：\n市发展和改革委…）
            return True
        if line.endswith(tuple(_TERMINAL)):
            return False
        return not (_clause_close(line) and _balanced(para or line))

    # A full line followed by an outline label is a finished item (a list whose items end without 。), not a wrap.
    wrapped = sum(1 for i, line in enumerate(lines) if full(line) and not _opens_item(lines, i + 1))
    if wrapped < max(4, len(plain) // 4):
        return lines
    out: list[str] = []
    last = ""  # the last physical line appended to out[-1]
    for i, line in enumerate(lines):
        # A full line ending with ； continues its sentence unless the next line opens an item or a bullet.
        semi_end = last.endswith(_SEMI) and (_opens_item(lines, i) or bool(_BULLET_RE.match(line)))
        if out and full(last, out[-1]) and "|" not in line and not semi_end:
            prev = out[-1]
            ends_title = prev == last and _balanced(prev) and bool(_TITLE_END_RE.search(prev))
            if not ends_title:
                out[-1] = prev + line
                last = line
                continue
        out.append(line)
        last = line
    return out
