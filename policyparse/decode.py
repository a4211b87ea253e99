"""Bytes → text for the text formats the other readers build on: plain text, HTML and .docx.

Guarantees: :func:`decode_bytes`, :func:`html_to_text` and :func:`docx_to_text` raise only
:class:`PolicyParseError` (``binary``, ``decode``, ``bad_docx``). Data tables come out as one line per row
with cells joined by ``|`` (rowspans repeated, a full-width row as ``text|``); layout tables (one column,
nested tables, a whole article in a cell) come out as their text lines; HTML block elements become line
breaks; Word automatic numbering (paragraph or style) is printed; a Word text box's paragraphs are printed
once, before the text of the paragraph that anchors it.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from html.parser import HTMLParser

from .errors import PolicyParseError

__all__ = ["decode_bytes", "docx_to_text", "html_to_text"]


# --- Encoding detection -------------------------------------------------------------------

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _bad_ratio(text: str) -> float:
    """Share of characters that never occur in a real document (controls, PUA, replacement)."""
    if not text:
        return 0.0
    bad = 0
    for ch in text:
        o = ord(ch)
        if (o < 32 and ch not in "\t\n\r\f") or 0xE000 <= o <= 0xF8FF or o == 0xFFFD or 0x7F <= o < 0xA0:
            bad += 1
    return bad / len(text)


def _ok(text: str) -> bool:
    return _bad_ratio(text) <= 0.02


def _plausible(text: str) -> bool:
    """Mostly CJK, ASCII printable, CJK punctuation or whitespace (guards BOM-less UTF-16)."""
    if not text:
        return False
    good = sum(
        1
        for ch in text
        if ch.isspace()
        or " " <= ch <= "~"
        or "\u4e00" <= ch <= "\u9fff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or "\u2010" <= ch <= "\u2027"
    )
    return good / len(text) >= 0.9


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str]:
    """Decode text bytes: BOMs, UTF-8, GB18030, then charset-normalizer; reject binary data."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                raise PolicyParseError("decode", f"文件编码无法识别（{enc} 解码失败）。") from None
    if b"\x00" in data:
        # UTF-16 without BOM: every other byte of ASCII text is NUL.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _ok(text) and "\x00" not in text and _plausible(text):
                return text, enc
        raise PolicyParseError("binary", "文件不是文本文件（含二进制内容）。")
    candidates: list[str] = ["utf-8"]
    if html:
        m = _META_CHARSET_RE.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "ignore").lower()
            try:
                codecs.lookup(declared)
                candidates.append("gb18030" if declared in {"gb2312", "gbk"} else declared)
            except LookupError:
                pass
    candidates.append("gb18030")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _ok(text):
            return text, enc
        raise PolicyParseError("binary", "文件不是文本文件（含二进制内容）。")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - defensive: the detector must not crash us
        best = None
    if best is not None:
        text = str(best)
        if _ok(text):
            return text, str(best.encoding)
        raise PolicyParseError("binary", "文件不是文本文件（含二进制内容）。")
    raise PolicyParseError("decode", "文件编码无法识别（请另存为 UTF-8 后重试）。")


# --- HTML ---------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table thead tbody tfoot section article "
    "blockquote pre hr header main aside figure figcaption address center form fieldset".split()
)
_SKIP_TAGS = frozenset("script style noscript template iframe nav footer select button svg canvas head".split())


class _Cell:
    """One ``<td>``/``<th>``: text fragments ("\n" for block breaks) and its spans."""

    __slots__ = ("colspan", "nested", "parts", "rowspan")

    def __init__(self, rowspan: int, colspan: int) -> None:
        self.parts: list[str] = []
        self.rowspan = rowspan
        self.colspan = colspan
        self.nested = False

    def lines(self) -> list[str]:
        return [ln for ln in (" ".join(seg.split()) for seg in "".join(self.parts).split("\n")) if ln]

    def flat(self) -> str:
        return " ".join("".join(self.parts).split())


class _Table:
    __slots__ = ("cell", "rows")

    def __init__(self) -> None:
        self.rows: list[list[_Cell]] = []
        self.cell: _Cell | None = None


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    for k, v in attrs:
        if k == name and v:
            m = re.match(r"\s*(\d+)", v)
            if m:
                return min(max(int(m.group(1)), 1), 50)
    return 1


# A cell this long is page layout (the whole article in one <td>), not a table cell.
_LAYOUT_CELL_CHARS = 1500


def _render_table(table: _Table) -> tuple[list[str], bool]:
    """``(lines, is_data)``: data tables give one ``cell|cell`` line per row (rowspans repeated,
    colspans once, a full-width single-cell row as ``text|``); layout tables give their text."""
    rows = [r for r in table.rows if r]
    width = max((sum(c.colspan for c in r) for r in rows), default=0)
    cells = [c for r in rows for c in r]
    multi = sum(1 for r in rows if sum(1 for c in r if c.flat()) >= 2)
    if (
        width <= 1
        or any(c.nested or len(c.flat()) > _LAYOUT_CELL_CHARS for c in cells)
        or (multi < 2 and any(len(c.lines()) >= 2 for c in cells))  # a sidebar next to the article
    ):
        return [ln for c in cells for ln in c.lines()], False
    out: list[str] = []
    pending: dict[int, tuple[_Cell, int]] = {}  # column -> (cell, rows still covered)
    for r in rows:
        grid: list[_Cell | None] = []
        queue = list(r)
        col = 0
        while queue or col in pending:
            if col in pending:
                cell, left = pending[col]
                grid.append(cell)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (cell, left - 1)
                col += 1
                continue
            cell = queue.pop(0)
            for k in range(cell.colspan):
                grid.append(cell if k == 0 else None)
                if cell.rowspan > 1:
                    pending[col + k] = (cell, cell.rowspan - 1) if k == 0 else (cell, cell.rowspan - 1)
            col += cell.colspan
        # Repeat a rowspan cell's text below; print a colspan cell once.
        texts: list[str] = []
        prev: _Cell | None = None
        for g in grid:
            if g is None or g is prev:
                prev = g if g is not None else prev
                continue
            texts.append(g.flat())
            prev = g
        if not any(texts):
            continue
        if len(texts) == 1:
            out.append(texts[0] + "|")
        else:
            out.append("|".join(texts))
    return out, True


class _HTMLText(HTMLParser):
    """Collects visible text; data-table rows become ``cell|cell`` lines (see :func:`_render_table`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.tables: list[_Table] = []
        self.title: list[str] = []
        self.in_title = False

    def _sink(self) -> list[str] | None:
        """Where text goes now: the open cell, nowhere (between cells), or the page."""
        if not self.tables:
            return self.out
        cell = self.tables[-1].cell
        return cell.parts if cell is not None else None

    def _break(self) -> None:
        sink = self._sink()
        if sink is not None:
            sink.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
            return
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            if self.tables and self.tables[-1].cell is not None:
                self.tables[-1].cell.nested = True
            self.tables.append(_Table())
        elif tag == "tr":
            if self.tables:
                t = self.tables[-1]
                t.cell = None
                t.rows.append([])
        elif tag in ("td", "th"):
            if not self.tables:
                self.tables.append(_Table())
            t = self.tables[-1]
            if not t.rows:
                t.rows.append([])
            t.cell = _Cell(_span(attrs, "rowspan"), _span(attrs, "colspan"))
            t.rows[-1].append(t.cell)
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr") and not self.skip:
            self._break()
        elif tag not in ("br", "hr"):
            self.handle_starttag(tag, attrs)
            if tag not in _VOID_TAGS:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "table":
            self._close_table()
        elif tag in ("td", "th"):
            if self.tables:
                self.tables[-1].cell = None
        elif tag in _BLOCK_TAGS:
            self._break()

    def _close_table(self) -> None:
        if not self.tables:
            return
        table = self.tables.pop()
        lines, _ = _render_table(table)
        sink = self._sink()
        if sink is None:  # a table between the cells of another: keep it in that table's last cell
            outer = self.tables[-1]
            if outer.rows and outer.rows[-1]:
                sink = outer.rows[-1][-1].parts
                outer.rows[-1][-1].nested = True
            else:
                sink = self.out
        sink.append("\n" + "\n".join(lines) + "\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if self.skip:
            return
        sink = self._sink()
        if sink is not None:
            sink.append(data)

    def text(self) -> str:
        while self.tables:
            self._close_table()
        return "".join(self.out)


_VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page: no scripts/styles/nav, blocks on their own lines."""
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # pragma: no cover - html.parser is lenient; stay total anyway
        return re.sub(r"<[^>]*>", "\n", markup)
    body = parser.text()
    if not body.strip():
        body = "".join(parser.title)
    return body


# --- DOCX ---------------------------------------------------------------------------------


def docx_to_text(data: bytes) -> str:
    """Paragraphs and tables of a .docx in body order; each table row → ``cell|cell|…``."""
    try:
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover
        raise PolicyParseError("bad_docx", "无法读取 .docx 文件（缺少 python-docx）。") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PolicyParseError("bad_docx", "无法读取 .docx 文件：文件已损坏或不是 Word 文档。")
    try:
        document = Document(io.BytesIO(data))
        numbering = _Numbering(document)
        lines: list[str] = []
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.extend(_textbox_lines(child, document))
                para = Paragraph(child, document)
                text = para.text
                label = numbering.label(child)
                if label and text.strip():
                    text = label + text
                lines.append(text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(child, document)))
        return "\n".join(lines)
    except PolicyParseError:
        raise
    except Exception:
        raise PolicyParseError("bad_docx", "无法读取 .docx 文件：文件已损坏或不是 Word 文档。") from None


def _table_lines(table: object) -> list[str]:
    """One ``cell|cell`` line per row; a one-column table (a text box) gives its paragraphs, and a
    full-width merged row (``一、大气污染防治``) gives ``text|`` so it stays inside the table."""
    rows: list[list[object]] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[object] = []
        for cell in row.cells:
            if any(cell._tc is c._tc for c in cells):  # type: ignore[attr-defined]  # horizontal merge repeats
                continue
            cells.append(cell)
        rows.append(cells)
    if max((len(r) for r in rows), default=0) <= 1 or any(c.tables for r in rows for c in r):  # type: ignore[attr-defined]
        # A layout table (a text box, or cells holding nested tables): its paragraphs and nested tables in order.
        return [ln for r in rows for c in r for ln in _cell_lines(c)]
    lines: list[str] = []
    for cells in rows:
        texts = [" ".join(c.text.split()) for c in cells]  # type: ignore[attr-defined]
        if not any(texts):
            continue
        lines.append(texts[0] + "|" if len(texts) == 1 else "|".join(texts))
    return lines


def _cell_lines(cell: object) -> list[str]:
    """A layout cell's paragraphs and nested tables (rendered like body tables), in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for child in cell._tc.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.extend(ln for ln in (t.strip() for t in _textbox_lines(child, cell)) if ln)
            text = Paragraph(child, cell).text.strip()  # type: ignore[arg-type]
            if text:
                out.append(text)
        elif tag == "tbl":
            out.extend(_table_lines(Table(child, cell)))  # type: ignore[arg-type]
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _textboxes(p: object) -> list[object]:
    """The outermost ``w:txbxContent`` elements anchored in paragraph ``p``, in order. Newer Word writes
    each text box twice (``mc:Choice`` DrawingML and ``mc:Fallback`` VML): only the Choice copy is taken.
    Text boxes nested in another text box are left to that box."""
    found: list[object] = []
    for box in p.iter(_W + "txbxContent"):  # type: ignore[attr-defined]
        anc = box.getparent()
        while anc is not None and anc is not p:
            if anc.tag == _MC_FALLBACK or anc.tag == _W + "txbxContent":
                break
            anc = anc.getparent()
        else:
            found.append(box)
    return found


def _textbox_lines(p: object, parent: object) -> list[str]:
    """Lines of the text boxes anchored in paragraph ``p`` (their paragraphs, tables and inner boxes);
    printed before the paragraph's own text. No list numbers: a text box is its own story."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if p.find(f".//{_W}txbxContent") is None:  # type: ignore[attr-defined]  # the common case, fast
        return []
    out: list[str] = []
    for box in _textboxes(p):
        for child in box.iterchildren():  # type: ignore[attr-defined]
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                out.extend(_textbox_lines(child, parent))
                text = Paragraph(child, parent).text  # type: ignore[arg-type]
                if text.strip():
                    out.append(text)
            elif tag == "tbl":
                out.extend(_table_lines(Table(child, parent)))  # type: ignore[arg-type]
    return out


_CN_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


class _Numbering:
    """Renders Word automatic list numbers (``w:numPr``) such as ``一、`` or ``1.`` as text."""

    _NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def __init__(self, document: object) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            part = document.part.numbering_part  # type: ignore[attr-defined]
        except Exception:
            return
        ns = self._NS
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(ns + "abstractNum"):
            aid = an.get(ns + "abstractNumId")
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iter(ns + "lvl"):
                ilvl = int(lvl.get(ns + "ilvl", "0"))
                fmt_el = lvl.find(ns + "numFmt")
                txt_el = lvl.find(ns + "lvlText")
                start_el = lvl.find(ns + "start")
                fmt = fmt_el.get(ns + "val") if fmt_el is not None else "decimal"
                txt = txt_el.get(ns + "val") if txt_el is not None else ""
                start = int(start_el.get(ns + "val")) if start_el is not None else 1
                levels[ilvl] = (fmt or "decimal", txt or "", start)
            if aid is not None:
                abstract[aid] = levels
        for num in root.iter(ns + "num"):
            nid = num.get(ns + "numId")
            ref = num.find(ns + "abstractNumId")
            if nid is None or ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(ns + "val") or "", {}).items():
                self.formats[(nid, ilvl)] = spec
        self.styles = self._style_numbering(document)

    def _style_numbering(self, document: object) -> dict[str, tuple[str, int]]:
        """``styleId -> (numId, ilvl)`` for paragraph styles that carry numbering (标题 1 → 一、)."""
        ns = self._NS
        try:
            root = document.styles.element  # type: ignore[attr-defined]
        except Exception:
            return {}
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        for st in root.iter(ns + "style"):
            sid = st.get(ns + "styleId")
            if not sid:
                continue
            b = st.find(ns + "basedOn")
            if b is not None and b.get(ns + "val"):
                based[sid] = b.get(ns + "val") or ""
            numpr = st.find(f"{ns}pPr/{ns}numPr")
            if numpr is not None:
                nid_el = numpr.find(ns + "numId")
                ilvl_el = numpr.find(ns + "ilvl")
                own[sid] = (
                    nid_el.get(ns + "val") if nid_el is not None else None,
                    int(ilvl_el.get(ns + "val") or 0) if ilvl_el is not None else None,
                )
        out: dict[str, tuple[str, int]] = {}
        for sid in set(own) | set(based):
            nid, ilvl, cur, hops = None, None, sid, 0
            while cur and hops < 10:
                n, lv = own.get(cur, (None, None))
                nid = nid if nid is not None else n
                ilvl = ilvl if ilvl is not None else lv
                cur, hops = based.get(cur, ""), hops + 1
            if nid is not None and nid != "0":
                out[sid] = (nid, ilvl or 0)
        return out

    def label(self, p: object) -> str:
        if not self.formats:
            return ""
        ns = self._NS
        ppr = p.find(ns + "pPr")  # type: ignore[attr-defined]
        numpr = ppr.find(ns + "numPr") if ppr is not None else None
        style_el = ppr.find(ns + "pStyle") if ppr is not None else None
        from_style = self.styles.get(style_el.get(ns + "val") or "") if style_el is not None else None
        if numpr is None and from_style is None:
            return ""
        nid_el = numpr.find(ns + "numId") if numpr is not None else None
        ilvl_el = numpr.find(ns + "ilvl") if numpr is not None else None
        nid = nid_el.get(ns + "val") if nid_el is not None else (from_style[0] if from_style else None)
        if ilvl_el is not None:
            ilvl = int(ilvl_el.get(ns + "val") or 0)
        else:
            ilvl = from_style[1] if from_style else 0
        if nid is None or (nid, ilvl) not in self.formats:
            return ""
        counters = self.counters.setdefault(nid, [0] * 9)
        ilvl = min(max(ilvl, 0), 8)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, start = self.formats[(nid, ilvl)]

        def render(level: int) -> str:
            f, _t, s = self.formats.get((nid, level), ("decimal", "", 1))
            n = counters[level] + s - 1
            if f in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
                return _chinese_number(n)
            if f in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
                return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
            if f == "bullet" or f == "none":
                return ""
            return str(n)

        if fmt in ("bullet", "none"):
            return ""
        return re.sub(r"%(\d)", lambda m: render(int(m.group(1)) - 1), text)
