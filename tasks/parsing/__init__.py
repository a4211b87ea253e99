"""Pure policy-document parser: bytes or text in, frozen dataclasses out.

No Django, ORM or settings imports live in this package. Public API:

- :func:`parse_document` — ``bytes`` + file name (.txt/.html/.htm/.docx) → :class:`ParsedDocument`;
- :func:`parse_text` — decoded text → :class:`ParsedDocument`;
- :class:`PolicyParseError` — the only exception either function raises;
- :func:`to_gold_dict` — the gold-annotation JSON shape of a result.
"""

from __future__ import annotations

from .errors import PolicyParseError
from .export import to_gold_dict
from .parser import parse_text as _parse_text
from .reading import read_document
from .types import ParsedDocument, ParsedIndicator, ParsedMeasure, ParsedSection, ParsedTarget

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ParsedDocument",
    "ParsedIndicator",
    "ParsedMeasure",
    "ParsedSection",
    "ParsedTarget",
    "PolicyParseError",
    "parse_document",
    "parse_text",
    "to_gold_dict",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def parse_text(text: str, *, source_format: str = "txt") -> ParsedDocument:
    """Parse already-decoded text. Never raises: problems become ``warnings``."""
    try:
        return _parse_text(text, source_format=source_format)
    except Exception as exc:  # pragma: no cover - a bug must not reach the caller as a crash
        raise PolicyParseError("internal", f"解析失败：{type(exc).__name__}。") from exc


def parse_document(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Read ``data`` (named ``filename``) and parse it; raises only :class:`PolicyParseError`."""
    text, encoding, fmt = read_document(data, filename, max_bytes=max_bytes)
    try:
        return _parse_text(text, source_format=fmt, encoding=encoding)
    except Exception as exc:  # pragma: no cover - see parse_text
        raise PolicyParseError("internal", f"解析失败：{type(exc).__name__}。") from exc
