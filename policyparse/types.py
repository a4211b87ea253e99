"""Immutable results of parsing a policy document.

All containers are tuples, all classes frozen, so a result can be cached, hashed and shared
between threads. Printed strings are kept as printed (a traditional-character source stays traditional).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "ParsedDocument",
    "ParsedIndicator",
    "ParsedMeasure",
    "ParsedSection",
    "ParsedTarget",
]


@dataclass(frozen=True)
class ParsedTarget:
    """A quantitative commitment inside a measure, e.g. “新培育企业300家以上”."""

    text: str
    value: float
    unit: str | None = None
    comparator: str | None = None  # ">=", "~", "<=", ">", "=" or None
    year: int | None = None


@dataclass(frozen=True)
class ParsedIndicator:
    """One row of an indicator table (指标体系)."""

    number: str
    category: str | None
    name: str
    target_text: str
    year: int | None = None


@dataclass(frozen=True)
class ParsedSection:
    """An outline node that is not a measure (a heading with children, or a general section)."""

    path: tuple[str, ...]
    label: str
    title: str


@dataclass(frozen=True)
class ParsedMeasure:
    """One task of the document: an outline leaf under the task parts, or a task-table row.

    ``deadline`` is the measure's own deadline only; ``effective_deadline`` falls back to the
    document horizon and then ``deadline_is_default`` is true.
    """

    path: tuple[str, ...]
    title: str
    text: str
    order: int
    section_path: tuple[str, ...] = ()
    section_titles: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    inherited: bool = False
    inherited_responsible: tuple[str, ...] = ()
    deadline_text: str | None = None
    deadline: dt.date | None = None
    deadline_is_default: bool = False
    effective_deadline: dt.date | None = None
    recurring: str | None = None
    targets: tuple[ParsedTarget, ...] = ()
    # Why the measure has its units and deadline, one line per rule applied (parse_policy --explain).
    explain: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """Everything extracted from one document."""

    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued: dt.date | None = None
    horizon: dt.date | None = None
    horizon_text: str | None = None
    horizon_start_year: int | None = None
    notes: tuple[str, ...] = ()
    default_leads: tuple[str, ...] = ()
    measures: tuple[ParsedMeasure, ...] = ()
    sections: tuple[ParsedSection, ...] = ()
    indicators: tuple[ParsedIndicator, ...] = ()
    warnings: tuple[str, ...] = ()
    encoding: str | None = None
    source_format: str = "txt"
