"""Roles that are a property of the user alone, not of a task or a department (those are in tasks/workflow.py)."""

from __future__ import annotations

from typing import Any

__all__ = ["is_supervisor"]


def is_supervisor(user: Any) -> bool:
    """督查室 supervisors and superusers act on every task."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_supervisor", False))
