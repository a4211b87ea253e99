"""Helpers for the invented-form tests: parse bytes the way the importer does, compactly."""

from __future__ import annotations

import io
from typing import Any

from policyparse import parse_document, to_gold_dict


def gold(data: bytes, name: str) -> dict[str, Any]:
    """``to_gold_dict(parse_document(data, name), name)``."""
    return to_gold_dict(parse_document(data, name), name)


def rows(out: dict[str, Any]) -> list[tuple[tuple[str, ...], str, list[str], list[str], str | None, str | None]]:
    """``(path, title, lead, responsible, deadline, recurring)`` per measure."""
    return [
        (tuple(m["path"]), m["title"], m["lead"], m["responsible"], m["deadline"], m["recurring"])
        for m in out["measures"]
    ]


def docx_bytes(build: Any) -> bytes:
    """A .docx made by ``build(document)``."""
    import docx

    d = docx.Document()
    build(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
