"""The audit trail: one call per change, never updated or deleted afterwards."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from tasks.models import AuditEvent, Task


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The listed fields of an instance as JSON-safe values (dates as ISO strings, FKs as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, f"{name}_id" if _is_fk(instance, name) else name)
        out[name] = _jsonable(value)
    return out


def audit_record(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    task: Task | None = None,
) -> AuditEvent:
    """Append one audit event for a change to `instance` (the caller is inside its transaction)."""
    if task is None and isinstance(instance, Task):
        task = instance
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=instance._meta.model_name or "",
        object_id=str(instance.pk),
        task=task,
        before=before or {},
        after=after or {},
        note=note,
    )


def _is_fk(instance: models.Model, name: str) -> bool:
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.ForeignKey)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value
