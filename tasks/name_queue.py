"""The 待识别名称 queue as shown to a supervisor: each open name with suggestions and where it was printed.

In tasks (not departments) because it reads the import's PendingAssignment rows; departments never imports tasks.

`unresolved_name_rows(names)` reads a constant number of queries for any number of names: the
suggestion tables once (departments.suggestions.SuggestionIndex) and the first few contexts of every
name in one windowed query over their open PendingAssignment rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from departments.models import UnresolvedName
from departments.naming import display_name
from departments.suggestions import Suggestion, SuggestionIndex
from tasks.models import PendingAssignment

CONTEXT_LIMIT = 3
SNIPPET_WIDTH = 120
_SENTENCE_END = re.compile(r"[。！？!?\n]")


@dataclass(frozen=True)
class NameContext:
    """One place a name was printed: document, measure, and the sentence around the name."""

    document_id: int
    document_title: str
    measure_id: int
    measure_label: str
    measure_title: str
    role: str
    before: str
    match: str
    after: str

    @property
    def sentence(self) -> str:
        return self.before + self.match + self.after

    def as_dict(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "document_title": self.document_title,
            "measure_id": self.measure_id,
            "measure_label": self.measure_label,
            "measure_title": self.measure_title,
            "role": self.role,
            "sentence": self.sentence,
        }


@dataclass
class NameRow:
    """An unresolved name with its suggestions and up to CONTEXT_LIMIT contexts (of `total`)."""

    unresolved: UnresolvedName
    suggestions: list[Suggestion] = field(default_factory=list)
    contexts: list[NameContext] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.contexts)


def context_snippet(text: str, name: str, *, width: int = SNIPPET_WIDTH) -> tuple[str, str, str]:
    """(before, name, after): the sentence of `text` that contains `name`, cut to about `width`
    characters around it with "…" where cut. Without the name: the start of the text, ("…", "", "")."""
    text = text.strip()
    idx = text.find(name) if name else -1
    if idx < 0:
        head = text[:width]
        return (head + ("…" if len(text) > width else ""), "", "")
    end_of_name = idx + len(name)
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, idx)]
    start = starts[-1] if starts else 0
    if starts and text[start : start + 1] in ("（", "("):
        # An attribution in brackets (（牵头单位：…）): show the sentence it belongs to as well.
        start = starts[-2] if len(starts) > 1 else 0
    m = _SENTENCE_END.search(text, end_of_name)
    end = m.end() if m else len(text)
    left = max(start, idx - max(width - len(name), 0) // 2)
    right = max(min(end, left + width), end_of_name)
    left = max(start, min(left, right - width))
    before = text[left:idx].strip()
    after = text[end_of_name:right].rstrip()
    return (("…" if left > start else "") + before, name, after + ("…" if right < end else ""))


def _contexts(ids: list[int], *, limit: int) -> tuple[dict[int, list[NameContext]], dict[int, int]]:
    """The first `limit` distinct measures printing each name (newest document first), and each name's
    count of open pending assignments. One query."""
    rows = (
        PendingAssignment.objects.filter(unresolved_id__in=ids, status=PendingAssignment.Status.OPEN)
        .select_related("measure__document")
        .only(
            "id",
            "unresolved_id",
            "printed_name",
            "role",
            "measure__id",
            "measure__label",
            "measure__title",
            "measure__text",
            "measure__document__id",
            "measure__document__title",
        )
        .annotate(
            rn=Window(
                RowNumber(),
                partition_by=[F("unresolved_id")],
                order_by=[F("measure__document_id").desc(), F("measure__order").asc(), F("id").asc()],
            ),
            total=Window(Count("id"), partition_by=[F("unresolved_id")]),
        )
        .filter(rn__lte=limit * 2)  # room for a measure printing the name as lead and responsible
        .order_by("unresolved_id", "rn")
    )
    contexts: dict[int, list[NameContext]] = {}
    totals: dict[int, int] = {}
    for p in rows:
        uid = p.unresolved_id
        assert uid is not None
        totals[uid] = p.total  # type: ignore[attr-defined]
        found = contexts.setdefault(uid, [])
        if len(found) >= limit or any(c.measure_id == p.measure_id for c in found):
            continue
        m = p.measure
        text, name = m.text or m.title, display_name(p.printed_name)
        before, match, after = context_snippet(text, name if name in text else p.printed_name)
        found.append(
            NameContext(
                document_id=m.document.pk,
                document_title=m.document.title,
                measure_id=m.pk,
                measure_label=m.label,
                measure_title=m.title,
                role=p.get_role_display(),
                before=before,
                match=match,
                after=after,
            )
        )
    return contexts, totals


def unresolved_name_rows(
    names: Sequence[UnresolvedName],
    *,
    index: SuggestionIndex | None = None,
    context_limit: int = CONTEXT_LIMIT,
    suggestion_limit: int = 3,
) -> list[NameRow]:
    """Queue rows for `names` (in their order), with suggestions and contexts; constant queries."""
    names = list(names)
    if not names:
        return []
    index = index or SuggestionIndex.load()
    contexts, totals = _contexts([n.pk for n in names], limit=context_limit)
    return [
        NameRow(
            unresolved=n,
            suggestions=index.suggest(n.name, limit=suggestion_limit),
            contexts=contexts.get(n.pk, []),
            total=totals.get(n.pk, 0),
        )
        for n in names
    ]
