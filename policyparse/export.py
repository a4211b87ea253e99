"""Serialise a :class:`ParsedDocument` to the gold-annotation JSON schema.

Guarantee: :func:`to_gold_dict` returns plain JSON types with every gold field
(``document, title, doc_number, issuer, issued, horizon, notes, measures, indicators``;
per measure ``path, title, lead, responsible, inherited, inherited_responsible, deadline_text,
deadline, recurring, targets``). ``deadline`` is the measure's own deadline only; the document
horizon fallback is in the extra fields ``effective_deadline``/``deadline_default``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .types import ParsedDocument, ParsedMeasure

__all__ = ["to_gold_dict"]


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _value(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _measure(m: ParsedMeasure) -> dict[str, Any]:
    return {
        "path": list(m.path),
        "title": m.title,
        "lead": list(m.lead),
        "responsible": list(m.responsible),
        "inherited": m.inherited,
        "inherited_responsible": list(m.inherited_responsible),
        "deadline_text": m.deadline_text,
        "deadline": _iso(m.deadline),
        "recurring": m.recurring,
        "targets": [
            {"text": t.text, "value": _value(t.value), "unit": t.unit, "year": t.year, "comparator": t.comparator}
            for t in m.targets
        ],
        # extra fields (ignored by the scorer)
        "order": m.order,
        "section_titles": list(m.section_titles),
        "effective_deadline": _iso(m.effective_deadline),
        "deadline_default": m.deadline_is_default,
    }


def to_gold_dict(doc: ParsedDocument, document_name: str) -> dict[str, Any]:
    """The gold-schema dict for ``doc``; ``document_name`` is stored as ``document``."""
    return {
        "document": document_name,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "issuer": doc.issuer,
        "issued": _iso(doc.issued),
        "horizon": _iso(doc.horizon),
        "notes": list(doc.notes),
        "measures": [_measure(m) for m in doc.measures],
        "indicators": [
            {"number": i.number, "category": i.category, "name": i.name, "target_text": i.target_text, "year": i.year}
            for i in doc.indicators
        ],
        # extra fields
        "default_leads": list(doc.default_leads),
        "horizon_text": doc.horizon_text,
        "warnings": list(doc.warnings),
        "encoding": doc.encoding,
        "source_format": doc.source_format,
    }
