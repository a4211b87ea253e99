"""The one exception the policy parser raises.

Guarantee: ``parse_document``/``parse_text`` raise nothing but :class:`PolicyParseError`.
Every error carries a machine-readable ``code`` and a Chinese message for end users.
"""

from __future__ import annotations

__all__ = ["PolicyParseError"]


class PolicyParseError(ValueError):
    """A document could not be read; ``code`` says why, ``str(err)`` says it in Chinese.

    Codes: ``empty``, ``binary``, ``too_large``, ``unsupported_format``, ``decode``, ``internal``;
    per format ``bad_docx``, ``bad_sheet``, ``no_table`` (no 任务分解表 header found), ``bad_pdf``,
    ``scanned_pdf`` (no text layer), ``bad_ofd``, ``bad_doc``, ``converter_missing`` / ``convert_failed``
    (.doc/.wps converter), ``encrypted`` (password-protected workbook or PDF), ``zip_bomb``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[PolicyParseError], tuple[str, str]]:
        return (type(self), (self.code, self.message))
