"""Domain errors: raised by services, turned into HTTP responses in one place (config/exceptions.py).

Messages are in Chinese because they are shown to the user as they are.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; nothing was written."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class ConflictError(DomainError):
    """The request conflicts with the current state (illegal transition, duplicate)."""

    status_code = 409
    default_code = "conflict"


class StaleWriteError(ConflictError):
    """The client edited an old version of the object (optimistic locking)."""

    status_code = 409
    default_code = "stale"


class PreconditionFailed(StaleWriteError):
    """If-Match did not match the current ETag."""

    status_code = 412
    default_code = "precondition_failed"


class PermissionDeniedError(DomainError):
    """The user may see the object but not do this to it."""

    status_code = 403
    default_code = "permission_denied"


class NotFoundError(DomainError):
    """The object does not exist or is outside the user's scope (we never tell which)."""

    status_code = 404
    default_code = "not_found"
