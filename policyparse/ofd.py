"""OFD (GB/T 33190, 版式文档) → text lines in reading order.

An OFD file is a zip of XML: ``OFD.xml`` → ``DocBody/DocRoot`` (``Document.xml``) → ``Pages/Page@BaseLoc``
(``Content.xml``) → ``Layer``/``PageBlock`` → ``TextObject@Boundary`` → ``TextCode@X/@Y/@DeltaX``.

Guarantees: :func:`ofd_to_text` returns text or raises :class:`PolicyParseError` (codes ``bad_ofd``,
``too_large``, ``scanned_pdf`` for an OFD with no text); no other exception escapes.

- Safety: the zip directory is checked before anything is decompressed (at most :data:`MAX_MEMBERS`
  members, each at most :data:`MAX_MEMBER_BYTES` unpacked, :data:`MAX_TOTAL_BYTES` in all, and a
  compression ratio of at most :data:`MAX_RATIO` for members over 1 MB); members are read in chunks and
  cut off at the declared size; XML is parsed with defusedxml (no DTDs, no entities, no external references).
- Reading order: pages in ``Pages`` order; on a page, text fragments are grouped into lines by baseline
  (within a third of the glyph size), lines top to bottom, fragments left to right; fragments on one line
  are joined directly, or with a space across a gap wider than 1.5 glyphs. Template pages (running
  headers/footers) are not read; page numbers and repeated header/footer lines in the page content are
  dropped and hard-wrapped paragraphs joined as for PDF (:func:`policyparse.pdf.assemble`).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

from .errors import PolicyParseError
from .pdf import PageLines, PlacedLine, assemble

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_TOTAL_BYTES", "ofd_to_text"]

MAX_MEMBERS = 20000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_PAGES = 2000
_XML_READ_CAP = 32 * 1024 * 1024  # an XML part larger than this is not a page of a policy document

_BAD = "无法读取 OFD 文件：文件已损坏或不是 OFD 版式文档。"
_BOMB = "OFD 文件解压后过大或压缩比异常（疑似压缩炸弹），已拒绝读取。"


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: Any, name: str) -> Any:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _floats(value: str | None) -> list[float]:
    if not value:
        return []
    out: list[float] = []
    for tok in value.replace(",", " ").split():
        try:
            out.append(float(tok))
        except ValueError:
            out.append(0.0)
    return out


def _deltas(value: str | None) -> list[float]:
    """``DeltaX``: numbers, with ``g N d`` meaning ``d`` repeated ``N`` times."""
    if not value:
        return []
    toks = value.split()
    out: list[float] = []
    i = 0
    while i < len(toks) and len(out) < 100000:
        if toks[i] == "g" and i + 2 < len(toks):
            try:
                n, d = int(float(toks[i + 1])), float(toks[i + 2])
            except ValueError:
                n, d = 0, 0.0
            out.extend([d] * max(0, min(n, 100000)))
            i += 3
            continue
        try:
            out.append(float(toks[i]))
        except ValueError:
            pass
        i += 1
    return out


class _Package:
    """The zip, checked once; members read lazily with a size cap."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise PolicyParseError("bad_ofd", _BAD) from None
        if len(infos) > MAX_MEMBERS:
            raise PolicyParseError("too_large", _BOMB)
        total = 0
        self.names: dict[str, str] = {}
        for info in infos:
            if info.flag_bits & 0x1:
                raise PolicyParseError("encrypted", "OFD 文件已加密，请解除加密后再导入。")
            size = info.file_size
            total += size
            if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise PolicyParseError("too_large", _BOMB)
            if size > 1024 * 1024 and size > MAX_RATIO * max(info.compress_size, 1):
                raise PolicyParseError("too_large", _BOMB)
            key = info.filename.lstrip("/")
            self.names.setdefault(key, info.filename)
            self.names.setdefault(key.lower(), info.filename)

    def read(self, path: str) -> bytes | None:
        key = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
        name = self.names.get(key) or self.names.get(key.lower())
        if name is None:
            return None
        info = self.zf.getinfo(name)
        cap = min(info.file_size, _XML_READ_CAP)
        if info.file_size > _XML_READ_CAP:
            raise PolicyParseError("too_large", _BOMB)
        try:
            with self.zf.open(info) as fh:
                chunks: list[bytes] = []
                got = 0
                while got <= cap:
                    chunk = fh.read(min(1024 * 1024, cap + 1 - got))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    got += len(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise PolicyParseError("bad_ofd", _BAD) from None
        if got > cap:
            raise PolicyParseError("too_large", _BOMB)
        return b"".join(chunks)

    def xml(self, path: str) -> Any:
        raw = self.read(path)
        if raw is None:
            return None
        return _parse_xml(raw)


def _parse_xml(raw: bytes) -> Any:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise PolicyParseError("bad_ofd", "OFD 文件含有不允许的 XML 实体或 DTD，已拒绝读取。") from None
    except (ParseError, ValueError):
        raise PolicyParseError("bad_ofd", _BAD) from None


def _resolve(base_file: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), loc))


def _box(el: Any) -> list[float]:
    """A page's PhysicalBox ``x y w h`` (mm)."""
    if el is None:
        return []
    area = _child(el, "PageArea") if _local(el.tag) != "PageArea" else el
    if area is None:
        area = _child(el, "Area")
    if area is None:
        return []
    box = _child(area, "PhysicalBox")
    vals = _floats(box.text if box is not None else None)
    return vals if len(vals) == 4 else []


def _page_fragments(root: Any) -> list[tuple[float, float, float, float, str]]:
    """``(baseline_y, x0, x1, size, text)`` of every TextCode on a page (Content layers and page blocks)."""
    out: list[tuple[float, float, float, float, str]] = []
    content = _child(root, "Content")
    if content is None:
        return out
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        bx = _floats(obj.get("Boundary"))
        ox, oy = (bx[0], bx[1]) if len(bx) >= 2 else (0.0, 0.0)
        ctm = _floats(obj.get("CTM"))
        scale = abs(ctm[3]) if len(ctm) == 6 and ctm[3] else 1.0
        size = (_floats(obj.get("Size")) or [3.5])[0] * scale
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            if code.get("X") is not None:
                x = (_floats(code.get("X")) or [0.0])[0]
            if code.get("Y") is not None:
                y = (_floats(code.get("Y")) or [0.0])[0]
            if len(ctm) == 6:
                ax, ay = ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]
            else:
                ax, ay = x, y
            deltas = _deltas(code.get("DeltaX"))
            width = sum(deltas[: max(0, len(text) - 1)]) * (abs(ctm[0]) if len(ctm) == 6 and ctm[0] else 1.0)
            if len(deltas) < len(text) - 1:
                width += (len(text) - 1 - len(deltas)) * size
            if text.strip():
                out.append((oy + ay, ox + ax, ox + ax + width + size, size, text))
            x += sum(deltas[: max(0, len(text) - 1)]) + size
    return out


def _lines(frags: list[tuple[float, float, float, float, str]], width: float, height: float) -> PageLines:
    page = PageLines(width=width, height=height)
    frags.sort(key=lambda f: (f[0], f[1]))
    groups: list[list[tuple[float, float, float, float, str]]] = []
    for f in frags:
        if groups and abs(f[0] - groups[-1][0][0]) <= max(0.5, groups[-1][0][3] / 3):
            groups[-1].append(f)
        else:
            groups.append([f])
    for g in groups:
        g.sort(key=lambda f: f[1])
        text = ""
        end = None
        for _base, x0, x1, size, frag in g:
            if end is not None and x0 - end > 1.5 * size:
                text += " "
            text += frag
            end = x1
        size = sorted(f[3] for f in g)[len(g) // 2]
        base = g[0][0]
        page.lines.append(PlacedLine(g[0][1], max(f[2] for f in g), base - size, base, text, size))
    return page


def ofd_to_text(data: bytes) -> str:
    """Text of an OFD document's pages; see the module docstring."""
    pkg = _Package(data)
    root = pkg.xml("OFD.xml")
    if root is None or _local(root.tag) != "OFD":
        raise PolicyParseError("bad_ofd", _BAD)
    body = _child(root, "DocBody")
    doc_root = _child(body, "DocRoot") if body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise PolicyParseError("bad_ofd", _BAD)
    doc_path = _resolve("OFD.xml", doc_root.text or "")
    doc = pkg.xml(doc_path)
    if doc is None:
        raise PolicyParseError("bad_ofd", _BAD)
    common = _child(doc, "CommonData")
    default_box = _box(_child(common, "PageArea")) if common is not None else []
    pages_el = _child(doc, "Pages")
    page_els = _children(pages_el, "Page") if pages_el is not None else []
    if len(page_els) > MAX_PAGES:
        raise PolicyParseError("too_large", f"OFD 页数过多（超过 {MAX_PAGES} 页），请拆分后再导入。")
    pages: list[PageLines] = []
    for page_el in page_els:
        loc = page_el.get("BaseLoc")
        if not loc:
            continue
        content_path = _resolve(doc_path, loc)
        page_root = pkg.xml(content_path)
        if page_root is None:
            continue
        box = _box(page_root) or default_box or [0.0, 0.0, 210.0, 297.0]
        frags = _page_fragments(page_root)
        pages.append(_lines(frags, box[2], box[3]))
    text = assemble(pages)
    if not "".join(text.split()):
        raise PolicyParseError("scanned_pdf", "该 OFD 文件没有文字层（可能是扫描件），请提供文字版或 OCR 后再导入。")
    return re.sub(r"[ \t]+\n", "\n", text)
