"""Reads of departments.

`department_list()` carries per-department counts that other apps contribute: tasks registers
``open_task_count`` in TasksConfig.ready(). Departments never imports those apps (tasks depends on
departments, not the other way round), so a count is added by the app that owns the rows it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from departments.models import Department

__all__ = ["department_list", "department_list_annotation"]

_LIST_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def department_list_annotation(name: str, expression: Callable[[], Any]) -> None:
    """Add ``name`` (built by ``expression()``, e.g. a Coalesce(Subquery)) to every department_list() row.

    Call from another app's AppConfig.ready()."""
    _LIST_ANNOTATIONS[name] = expression


def department_list() -> QuerySet[Department]:
    """Departments with aliases and group ids prefetched and the registered counts annotated."""
    return Department.objects.prefetch_related("aliases", "groups").annotate(
        **{name: expression() for name, expression in _LIST_ANNOTATIONS.items()}
    )
