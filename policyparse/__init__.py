"""Pure policy-document parser: bytes or text in, frozen dataclasses out.

No Django, ORM or settings imports live in this package, and nothing from the project
(``tests/test_architecture.py`` checks both). This module is the one public entry; code outside the
package imports from ``policyparse`` only, never from its modules:

- :func:`parse_document` — ``bytes`` + file name → :class:`ParsedDocument` (frozen dataclasses);
- :func:`parse_text` — decoded text → :class:`ParsedDocument`;
- :class:`PolicyParseError` — the only exception either function raises;
- :func:`to_gold_dict` — the gold-annotation JSON shape of a result;
- :data:`SUPPORTED_EXTENSIONS` / :data:`SUPPORTED_HINT` — the file types :func:`parse_document` reads.

Modules, in the order a document passes through them; each imports only modules above it:

- ``errors``, ``types`` — the error and the result dataclasses;
- ``text`` — character helpers every stage uses (width folding, traditional → simplified, tags);
- ``labels`` — outline labels at a line start (``heading_of``), shared by reading, tables and outline;
- read: ``decode`` (bytes → text, HTML, .docx), ``layout`` (page furniture, re-wrapping), ``pdf``, ``ofd``,
  ``legacy`` (.doc/.wps), ``sheets``, then ``reading`` (picks the reader for a file name);
- normalise: ``rows`` (table cells copied one per line → ``|`` rows), ``segment`` (paragraphs run
  together on one line), then ``lines`` (``clean_lines``: the whole cleanup in order);
- outline: ``outline``, ``metadata``;
- clauses/tables: ``tables``;
- ``deadlines``, ``assignments``, ``targets``;
- ``parser`` (builds the :class:`ParsedDocument`), ``export``.
"""

from __future__ import annotations

from .errors import PolicyParseError
from .export import to_gold_dict
from .parser import parse_text as _parse_text
from .reading import SUPPORTED_EXTENSIONS, SUPPORTED_HINT, read_document
from .types import ParsedDocument, ParsedIndicator, ParsedMeasure, ParsedSection, ParsedTarget

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ParsedDocument",
    "ParsedIndicator",
    "ParsedMeasure",
    "ParsedSection",
    "ParsedTarget",
    "PolicyParseError",
    "SUPPORTED_EXTENSIONS",
    "SUPPORTED_HINT",
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
