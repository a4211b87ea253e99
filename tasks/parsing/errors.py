"""The one exception the policy parser raises.

Guarantee: ``parse_document``/``parse_text`` raise nothing but :class:`PolicyParseError`.
Every error carries a machine-readable ``code`` and a Chinese message for end users.
"""

from __future__ import annotations

__all__ = ["PolicyParseError"]


class PolicyParseError(ValueError):
    """A document could not be read; ``code`` says why, ``str(err)`` says it in Chinese.

    Codes: ``empty``, ``binary``, ``too_large``, ``unsupported_format``, ``bad_docx``, ``decode``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[PolicyParseError], tuple[str, str]]:
        return (type(self), (self.code, self.message))
