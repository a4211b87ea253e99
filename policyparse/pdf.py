"""PDF (text layer) → text lines the parser understands; also the page-layout helpers OFD shares.

Guarantees: :func:`pdf_to_text` returns text or raises :class:`PolicyParseError` (codes ``bad_pdf``,
``encrypted``, ``scanned_pdf``, ``too_large``); no other exception escapes.

- Reading order: lines top to bottom on each page (pdfplumber groups characters into lines); tables found
  by pdfplumber's table finder (ruled cells) are printed where they stand, one ``cell|cell`` line per row
  (a merged row cell repeated on every row it covers, a merged column cell printed once, a full-width row
  as ``text|``); their characters are not printed again as text.
- Page furniture (:func:`assemble`): a line in the top or bottom band of a page is dropped when it is a page
  number (``- 3 -``, ``第 3 页``, ``3/12``) or when the same text (digits ignored) stands at the same height on
  at least half of the pages (running headers/footers); the same text elsewhere is kept.
- Hard line breaks: a line that reaches the right edge of the text block is joined with the next line when
  that one starts at the left edge (not indented as a new paragraph), unless the first ends a sentence and
  the document marks paragraphs by indentation only sparsely, or the next line opens an outline item after a
  finished sentence. What is left is handled by :func:`policyparse.layout.reflow` as for copied text.
- A PDF whose pages carry no text (a scan) or only unmapped glyphs ``(cid:NN)`` raises ``scanned_pdf``; a
  password-protected one ``encrypted``; more than :data:`MAX_PAGES` pages ``too_large``.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import PolicyParseError
from .labels import heading_of
from .layout import is_page_number

__all__ = ["MAX_PAGES", "PageLines", "PlacedLine", "assemble", "pdf_to_text"]

MAX_PAGES = 500
_BAND = 0.12  # top/bottom share of a page where headers, footers and page numbers live
_TERMINAL = "。！？!?…"
_CID_RE = re.compile(r"\(cid:\d+\)")

SCANNED_MESSAGE = "该 PDF 是扫描件，无文字层，请提供文字版或 OCR 后再导入。"


@dataclass
class PlacedLine:
    """One printed line: position in points/millimetres (top grows downwards), ``size`` = glyph size."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float
    table: bool = False  # a ``cell|cell`` table row: never joined, never furniture


@dataclass
class PageLines:
    width: float
    height: float
    lines: list[PlacedLine] = field(default_factory=list)


# --- Shared layout: furniture and hard line breaks ------------------------------------------------


def _furniture_key(line: PlacedLine) -> tuple[str, int]:
    return re.sub(r"\d+", "#", "".join(line.text.split())), round(line.top / 6)


def _in_band(line: PlacedLine, page: PageLines) -> bool:
    return line.top < page.height * _BAND or line.bottom > page.height * (1 - _BAND)


def _drop_furniture(pages: list[PageLines]) -> list[list[PlacedLine]]:
    counts: Counter[tuple[str, int]] = Counter()
    for page in pages:
        counts.update({_furniture_key(ln) for ln in page.lines if not ln.table and _in_band(ln, page)})
    need = max(2, (len(pages) + 1) // 2)
    out: list[list[PlacedLine]] = []
    for page in pages:
        kept = []
        for ln in page.lines:
            if not ln.table and _in_band(ln, page):
                if len(ln.text) <= 24 and is_page_number(ln.text):
                    continue
                if len(pages) >= 2 and counts[_furniture_key(ln)] >= need and len(ln.text) <= 60:
                    continue
            kept.append(ln)
        out.append(kept)
    return out


def _join_text(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def assemble(pages: list[PageLines]) -> str:
    """Text of positioned page lines: furniture dropped, hard-wrapped paragraphs joined."""
    kept = _drop_furniture(pages)
    flat: list[PlacedLine] = [ln for page in kept for ln in page]
    text_lines = [ln for ln in flat if not ln.table and ln.text.strip()]
    if not text_lines:
        return "\n".join(ln.text for ln in flat)
    size = sorted(ln.size for ln in text_lines)[len(text_lines) // 2] or 10.0
    body = [ln for ln in text_lines if abs(ln.size - size) <= 1.5]
    # The left edge of the text block: the leftmost x0 that several lines share (first lines are indented).
    starts = Counter(round(ln.x0) for ln in body)
    left = min((x for x, n in starts.items() if n >= 2), default=min(starts, default=0))
    right = sorted(ln.x1 for ln in body)[int(len(body) * 0.95)] if body else 0.0
    indented = sum(1 for ln in body if left + 1.5 * size <= ln.x0 <= left + 2.6 * size)
    # A document that indents its paragraphs: an unindented line after a full line continues it, even after 。
    indent_style = indented >= 3 and indented * 8 >= len(body)

    narrow = right - left < 15 * size  # short lines only (a list, a form): nothing to join

    def full(ln: PlacedLine) -> bool:
        return not narrow and not ln.table and abs(ln.size - size) <= 1.5 and ln.x1 >= right - 1.5 * size

    def continues(prev: PlacedLine, ln: PlacedLine) -> bool:
        if ln.table or abs(ln.size - size) > 1.5 or ln.x0 > left + 0.5 * size:
            return False
        finished = prev.text.rstrip().endswith(tuple(_TERMINAL)) or prev.text.rstrip().endswith(("；", ";"))
        if finished and heading_of(ln.text.strip()) is not None:
            return False
        return not finished or indent_style

    out: list[str] = []
    prev: PlacedLine | None = None
    for ln in flat:
        text = ln.text.strip() if not ln.table else ln.text
        if not text:
            continue
        if out and prev is not None and full(prev) and continues(prev, ln):
            out[-1] = _join_text(out[-1], text)
        else:
            out.append(text)
        prev = ln
    return "\n".join(out)


# --- PDF ------------------------------------------------------------------------------------


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    joined = ""
    for p in parts:
        joined = _join_text(joined, p)
    return " ".join(joined.split())


def _table_rows(table: Any) -> list[str]:
    """``cell|cell`` rows of a pdfplumber table: rowspans repeated, colspans printed once."""
    cells = list(table.cells)
    if not cells:
        return []
    xs = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
    texts: dict[tuple[float, ...], str] = {}
    rows_out: list[str] = []
    page = table.page
    for row in table.rows:
        top, bottom = row.bbox[1], row.bbox[3]
        ymid = (top + bottom) / 2
        seen: list[tuple[float, ...]] = []
        for x_a, x_b in zip(xs, xs[1:], strict=False):
            xmid = (x_a + x_b) / 2
            hit = next((c for c in cells if c[0] <= xmid <= c[2] and c[1] <= ymid <= c[3]), None)
            if hit is None or (seen and seen[-1] == hit):
                continue
            seen.append(hit)
        vals = []
        for c in seen:
            if c not in texts:
                texts[c] = _cell_text(page.crop(c).extract_text())
            vals.append(texts[c])
        if not any(vals):
            continue
        rows_out.append(vals[0] + "|" if len(vals) == 1 else "|".join(vals))
    return rows_out


def _line_size(line: dict[str, Any]) -> float:
    chars = line.get("chars") or []
    sizes = sorted(float(ch.get("size", 0) or 0) for ch in chars)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _page_lines(page: Any) -> PageLines:
    page = page.dedupe_chars()
    placed = PageLines(width=float(page.width), height=float(page.height))
    tables = [t for t in page.find_tables() if len({round(c[0], 1) for c in t.cells}) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, object]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (float(obj["x0"]) + float(obj["x1"])) / 2  # type: ignore[arg-type]
        cy = (float(obj["top"]) + float(obj["bottom"])) / 2  # type: ignore[arg-type]
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True):
        text = str(line["text"])
        if not text.strip():
            continue
        placed.lines.append(
            PlacedLine(
                float(line["x0"]), float(line["x1"]), float(line["top"]), float(line["bottom"]), text, _line_size(line)
            )
        )
    for t in tables:
        x0, top, x1, bottom = t.bbox
        step = (bottom - top) / max(1, len(t.rows))
        for k, row in enumerate(_table_rows(t)):
            placed.lines.append(PlacedLine(x0, x1, top + k * step, top + (k + 1) * step, row, 0.0, table=True))
    placed.lines.sort(key=lambda ln: (round(ln.top, 1), ln.x0))
    return placed


def pdf_to_text(data: bytes) -> str:
    """Text of a PDF's text layer; see the module docstring."""
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError:  # pragma: no cover - pinned in requirements/base.txt
        raise PolicyParseError("bad_pdf", "无法读取 PDF 文件（缺少 pdfplumber）。") from None
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise PolicyParseError("bad_pdf", "无法读取 PDF 文件：文件已损坏或不是 PDF。")
    pages: list[PageLines] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise PolicyParseError("too_large", f"PDF 页数过多（超过 {MAX_PAGES} 页），请拆分后再导入。")
            for page in pdf.pages:
                chars += len(page.chars)
                pages.append(_page_lines(page))
                page.close()  # drop the page's cached objects: memory stays bounded by one page
    except PolicyParseError:
        raise
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors: PdfminerException(PDFPasswordIncorrect()).
        causes = (exc, *exc.args, exc.__cause__)
        if any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes):
            raise PolicyParseError("encrypted", "PDF 文件已加密（设有打开密码），请解除密码后再导入。") from None
        raise PolicyParseError("bad_pdf", "无法读取 PDF 文件：文件已损坏或不是 PDF。") from None
    text = assemble(pages)
    visible = _CID_RE.sub("", text)
    if chars == 0 or not "".join(visible.split()):
        raise PolicyParseError("scanned_pdf", SCANNED_MESSAGE)
    if len(text) - len(visible) > len(visible):  # mostly glyphs without a Unicode mapping
        raise PolicyParseError("scanned_pdf", "该 PDF 的字体没有文字映射，无法提取文字，请提供文字版或 OCR 后再导入。")
    return _CID_RE.sub("", text)
