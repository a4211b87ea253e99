"""Shared notation for writing the evaluation sets' hand annotations (bench/eval*/make_gold.py).

The annotations themselves live in each set's make_gold.py; this only expands the compact notation
into the gold schema of ../shared/gold/README.md and writes ``gold/NAME.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# A target as (text, value, unit, year).
T = tuple[str, float, "str | None", "int | None"]


def M(
    path: str,
    title: str,
    lead: list[str] | None = None,
    resp: list[str] | None = None,
    dt: str | None = None,
    dl: int | str | None = None,
    rec: str | None = None,
    targets: list[T] | None = None,
    inh: bool = False,
    inh_resp: list[str] | None = None,
) -> dict[str, Any]:
    """One measure: `dl` is a year (→ YYYY-12-31) or an ISO date; `inh` is the gold `inherited` flag."""
    m: dict[str, Any] = {
        "path": path.split("/"),
        "title": title,
        "lead": lead or [],
        "responsible": resp or [],
        "inherited": inh,
        "deadline_text": dt,
        "deadline": f"{dl}-12-31" if isinstance(dl, int) else dl,
        "recurring": rec,
        "targets": [{"text": t, "value": v, "unit": u, "year": y} for t, v, u, y in (targets or [])],
    }
    if inh_resp is not None:
        m["inherited_responsible"] = inh_resp
    return m


def write_document(
    gold_dir: Path,
    name: str,
    title: str,
    doc_number: str | None,
    issuer: str,
    issued: str,
    horizon: str | None,
    notes: list[str],
    measures: list[dict[str, Any]],
    indicators: list[dict[str, Any]] | None = None,
) -> None:
    """Write one document's gold JSON as ``gold_dir/<name without extension>.json``."""
    data = {
        "document": name,
        "title": title,
        "doc_number": doc_number,
        "issuer": issuer,
        "issued": issued,
        "horizon": horizon,
        "notes": notes,
        "measures": measures,
        "indicators": indicators or [],
    }
    (gold_dir / (name.rsplit(".", 1)[0] + ".json")).write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
