"""Word 97-2003 ``.doc`` and WPS ``.wps`` → text, through an installed converter.

Guarantees: :func:`doc_to_text` returns ``(text, encoding)`` or raises :class:`PolicyParseError` (codes
``converter_missing``, ``convert_failed``, ``bad_doc``, ``bad_docx``, ``binary``, ``decode``); no other
exception escapes, and every converter runs in a private temporary directory with a time limit.

What the bytes are decides, not the file name:

- OLE compound file (``D0 CF 11 E0``: Word 97-2003, WPS): converted by the first tool that works, in this
  order: ``antiword`` (DocBook output: paragraphs, and table rows as ``cell|cell``), LibreOffice headless to
  .docx (then read like any .docx), ``catdoc`` (tab-separated cells become ``cell|cell``). None installed →
  ``converter_missing`` naming the Debian packages to install.
- A ".doc" that is really a .docx (zip), RTF (``{\\rtf``), an HTML page or a Word "single file web page"
  (MHT), a Word 2003 XML document, or plain text is read as what it is.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .decode import decode_bytes, docx_to_text, html_to_text
from .errors import PolicyParseError

__all__ = ["CONVERT_TIMEOUT", "INSTALL_HINT", "doc_to_text"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT_TIMEOUT = 120  # seconds for one conversion
INSTALL_HINT = "apt-get install antiword 或 catdoc 或 libreoffice-writer-nogui"
_W_NS = "{http://schemas.microsoft.com/office/word/2003/wordml}"


def _kind(label: str) -> str:
    return ".wps" if label == "wps" else ".doc"


def doc_to_text(data: bytes, fmt: str = "doc") -> tuple[str, str | None]:
    """Text of a .doc/.wps file; see the module docstring."""
    head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(OLE_MAGIC):
        return _convert(data, fmt), None
    if data.startswith(b"PK\x03\x04"):
        return docx_to_text(data), "utf-8"
    if stripped.startswith(b"{\\rtf"):
        return _rtf_to_text(data), None
    lower = head.lower()
    if lower.startswith(b"mime-version:") or b"content-type: multipart/related" in lower:
        return _mht_to_text(data)
    if b"<w:worddocument" in lower or b"schemas.microsoft.com/office/word/2003/wordml" in lower:
        return _wordml_to_text(data), "utf-8"
    if re.search(rb"<(?:!doctype\s+html|html|body|meta|p|div|table)[\s>]", lower):
        text, encoding = decode_bytes(data, html=True)
        return html_to_text(text), encoding
    try:
        return decode_bytes(data)
    except PolicyParseError as exc:
        if exc.code != "binary":
            raise
    raise PolicyParseError("bad_doc", f"无法识别的 {_kind(fmt)} 文件：不是 Word 97-2003 或 WPS 文档。")


# --- Disguised formats ---------------------------------------------------------------------


def _rtf_to_text(data: bytes) -> str:
    try:
        from striprtf.striprtf import rtf_to_text
    except ImportError:  # pragma: no cover - pinned in requirements/base.txt
        raise PolicyParseError("bad_doc", "无法读取 RTF 文件（缺少 striprtf）。") from None
    try:
        raw = data.decode("ascii")
    except UnicodeDecodeError:
        raw = decode_bytes(data)[0]
    try:
        text = rtf_to_text(raw, errors="replace")
    except Exception:
        raise PolicyParseError("bad_doc", "无法读取 RTF 文件：文件已损坏。") from None
    # \cell gives "a|b|" per row: drop the bar after the last cell of a multi-cell row.
    return "\n".join(ln[:-1] if ln.endswith("|") and ln.count("|") >= 2 else ln for ln in text.split("\n"))


def _mht_to_text(data: bytes) -> tuple[str, str | None]:
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            charset = part.get_content_charset()
            if charset:
                try:
                    enc = "gb18030" if charset.lower() in ("gb2312", "gbk") else charset
                    return html_to_text(payload.decode(enc)), enc
                except (LookupError, UnicodeDecodeError):
                    pass
            text, encoding = decode_bytes(payload, html=True)
            return html_to_text(text), encoding
    raise PolicyParseError("bad_doc", "无法读取该文件：网页存档（MHT）中没有正文。")


def _wordml_to_text(data: bytes) -> str:
    """Word 2003 XML: paragraphs in order, each table row as ``cell|cell``."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError):
        raise PolicyParseError("bad_doc", "无法读取 Word XML 文档：文件已损坏或含有不允许的 XML 实体。") from None

    def para(p: object) -> str:
        return "".join(t.text or "" for t in p.iter(_W_NS + "t"))  # type: ignore[attr-defined]

    lines: list[str] = []

    def walk(el: object) -> None:
        for child in el:  # type: ignore[attr-defined]
            if child.tag == _W_NS + "p":
                lines.append(para(child))
            elif child.tag == _W_NS + "tbl":
                for tr in child.iter(_W_NS + "tr"):
                    cells = [" ".join(para(p) for p in tc.iter(_W_NS + "p")).strip() for tc in tr.iter(_W_NS + "tc")]
                    if any(cells):
                        lines.append(cells[0] + "|" if len(cells) == 1 else "|".join(cells))
            else:
                walk(child)

    walk(root)
    return "\n".join(lines)


# --- Converters ----------------------------------------------------------------------------


def _run(cmd: list[str], cwd: str, timeout: int) -> tuple[int, bytes, bytes]:
    """Run a converter in its own process group; the whole group is killed on timeout."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover
            pass
        proc.communicate()
        raise
    return proc.returncode, out, err


def _libreoffice(src: Path, work: str) -> str | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    profile = Path(work, "profile").as_uri()
    cmd = [
        exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck", "--nodefault",
        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(Path(work, "out")), str(src),
    ]  # fmt: skip
    code, _out, _err = _run(cmd, work, CONVERT_TIMEOUT)
    target = Path(work, "out", src.stem + ".docx")
    if code != 0 or not target.is_file() or target.stat().st_size == 0:
        return None
    return docx_to_text(target.read_bytes())


def _docbook_text(xml: bytes) -> str:
    """antiword's DocBook output: each ``para`` line, each table ``row`` as ``entry|entry``."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", xml, count=1)
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError):
        raise PolicyParseError("convert_failed", "antiword 输出无法解析。") from None
    lines: list[str] = []

    def flat(el: object) -> str:
        return " ".join("".join(el.itertext()).split())  # type: ignore[attr-defined]

    def walk(el: object) -> None:
        for child in el:  # type: ignore[attr-defined]
            tag = child.tag
            if tag in ("bookinfo", "title"):
                continue
            if tag == "row":
                cells = [flat(e) for e in child if e.tag == "entry"]
                if any(cells):
                    lines.append(cells[0] + "|" if len(cells) == 1 else "|".join(cells))
            elif tag == "para" and child.find(".//informaltable") is None and child.find(".//row") is None:
                lines.extend(ln.strip() for ln in "".join(child.itertext()).split("\n") if ln.strip())
            else:
                if child.text and child.text.strip() and tag not in ("tgroup", "tbody", "thead"):
                    lines.extend(ln.strip() for ln in child.text.split("\n") if ln.strip())
                walk(child)

    walk(root)
    return "\n".join(lines)


def _antiword(src: Path, work: str) -> str | None:
    exe = shutil.which("antiword")
    if exe is None:
        return None
    code, out, _err = _run([exe, "-x", "db", str(src)], work, CONVERT_TIMEOUT)
    if code != 0 or not out.strip():
        return None
    return _docbook_text(out)


def _catdoc(src: Path, work: str) -> str | None:
    exe = shutil.which("catdoc")
    if exe is None:
        return None
    code, out, _err = _run([exe, "-d", "utf-8", "-w", str(src)], work, CONVERT_TIMEOUT)
    if code != 0 or not out.strip():
        return None
    lines = []
    for line in out.decode("utf-8", "replace").split("\n"):
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            line = cells[0] + "|" if len([c for c in cells if c]) == 1 and len(cells) > 1 else "|".join(cells)
        lines.append(line)
    return "\n".join(lines)


_CONVERTERS = (("antiword", _antiword), ("LibreOffice", _libreoffice), ("catdoc", _catdoc))


def available_converters() -> list[str]:
    """Names of the installed converters, in the order they are tried."""
    names = {"LibreOffice": ("soffice", "libreoffice"), "antiword": ("antiword",), "catdoc": ("catdoc",)}
    return [n for n, _ in _CONVERTERS if any(shutil.which(e) for e in names[n])]


def _convert(data: bytes, fmt: str) -> str:
    kind = _kind(fmt)
    if not available_converters():
        raise PolicyParseError(
            "converter_missing",
            f"服务器未安装 {kind} 文档转换工具，无法读取该文件。请管理员安装：{INSTALL_HINT}；"
            "或将文件另存为 .docx 后再导入。",
        )
    tried: list[str] = []
    with tempfile.TemporaryDirectory(prefix="duban-doc-") as work:
        src = Path(work, "input.doc")  # named .doc so every tool reads a WPS file as the Word file it is
        src.write_bytes(data)
        Path(work, "out").mkdir()
        for name, conv in _CONVERTERS:
            try:
                text = conv(src, work)
            except subprocess.TimeoutExpired:
                tried.append(f"{name} 超时")
                continue
            except PolicyParseError:
                tried.append(name)
                continue
            except OSError:
                continue
            if text is None:
                if name in available_converters():
                    tried.append(name)
                continue
            if text.strip():
                return text
            tried.append(name)
    raise PolicyParseError(
        "convert_failed",
        f"无法转换该 {kind} 文件（已尝试：{'、'.join(tried) or '无'}）：文件可能已加密、已损坏或不是 Word 文档。"
        "请用 WPS 或 Word 另存为 .docx 后再导入。",
    )
