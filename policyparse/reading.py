"""Bytes + file name → text: picks the reader for the file type (the last module of the read stage).

Guarantees: :func:`read_document` returns ``(text, encoding, source_format)`` or raises
:class:`PolicyParseError` (codes ``empty``, ``binary``, ``too_large``, ``unsupported_format``,
``bad_docx``, ``decode`` and the per-format codes); no other exception escapes. The readers:
``decode`` (.txt, .html/.htm, .docx), ``sheets``, ``pdf``, ``ofd``, ``legacy`` (.doc/.wps).
"""

from __future__ import annotations

from pathlib import PurePath

from .decode import decode_bytes, docx_to_text, html_to_text
from .errors import PolicyParseError
from .legacy import doc_to_text
from .ofd import ofd_to_text
from .pdf import pdf_to_text
from .sheets import sheet_to_text

__all__ = ["SUPPORTED_EXTENSIONS", "SUPPORTED_HINT", "decode_bytes", "html_to_text", "read_document"]

SUPPORTED_EXTENSIONS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".docx": "docx"}
SUPPORTED_EXTENSIONS.update({".doc": "doc", ".wps": "wps", ".pdf": "pdf", ".ofd": "ofd"})  # pdf.py, ofd.py, legacy.py
SUPPORTED_EXTENSIONS.update({".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".et": "et", ".csv": "csv"})  # sheets.py
# The one list shown to users (upload form, API, commands, errors): every extension above but the .text alias.
SUPPORTED_HINT = "支持 " + "、".join(ext for ext in SUPPORTED_EXTENSIONS if ext != ".text")
_SUPPORTED_HINT = SUPPORTED_HINT


def _size_label(max_bytes: int) -> str:
    mb = max_bytes / (1024 * 1024)
    if mb >= 1:
        return f"{mb:.4g} MB"
    if max_bytes >= 1024:
        return f"{max_bytes / 1024:.4g} KB"
    return f"{max_bytes} 字节"


def read_document(data: bytes, filename: str, *, max_bytes: int) -> tuple[str, str | None, str]:
    """Check size/format, decode and flatten ``data``; see the module docstring."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PolicyParseError("decode", "无法读取文件内容。")
    data = bytes(data)
    suffix = PurePath(filename or "").suffix.lower()
    fmt = SUPPORTED_EXTENSIONS.get(suffix)
    if fmt is None:
        shown = suffix or "（无扩展名）"
        raise PolicyParseError("unsupported_format", f"不支持的文件类型：{shown}（{_SUPPORTED_HINT}）。")
    if not data:
        raise PolicyParseError("empty", "文件为空。")
    if len(data) > max_bytes:
        raise PolicyParseError("too_large", f"文件超过大小上限（{_size_label(max_bytes)}）。")
    if fmt == "docx":
        text = docx_to_text(data)
        encoding: str | None = "utf-8"
    elif fmt in ("xlsx", "xls", "et", "csv"):  # spreadsheets: sheets.py
        text, encoding = sheet_to_text(data, filename, fmt)
    elif fmt in ("pdf", "ofd", "doc", "wps"):  # layout and legacy formats: their own modules
        text, encoding = _read_layout_or_legacy(data, fmt)
    else:
        text, encoding = decode_bytes(data, html=fmt == "html")
        if fmt == "html":
            text = html_to_text(text)
    if not text.strip():
        raise PolicyParseError("empty", "文件为空。")
    return text, encoding, fmt


def _read_layout_or_legacy(data: bytes, fmt: str) -> tuple[str, str | None]:
    if fmt == "pdf":
        return pdf_to_text(data), None
    if fmt == "ofd":
        return ofd_to_text(data), None
    return doc_to_text(data, fmt)
