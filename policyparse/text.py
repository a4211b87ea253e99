"""Text helpers shared by all parser stages: width folding, traditional→simplified, tags and control characters.

Guarantees:
- :func:`fold` returns a string of exactly the same length as its input, so a regex match on
  the folded text can be used to slice the printed text (full-width ``（`` ``：`` ``，`` ``１``
  fold to ``(`` ``:`` ``,`` ``1``; circled digits ①… are kept as they are).
- :func:`to_simplified` converts traditional characters (牽頭單位 → 牵头单位) and never changes
  the length of a line (it falls back to a character-by-character conversion); the parser works on
  the simplified text and :func:`printed_form` maps its output strings back to the printed characters.
- :func:`strip_html_tags` and the character cleanup that :func:`lines.clean_lines` starts with.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

__all__ = ["fold", "printed_form", "strip_html_tags", "to_simplified"]


def _fold_table() -> dict[int, int]:
    """Code points whose NFKC form is one different code point (full-width forms, ideographic
    space, small/vertical brackets, compatibility ideographs, Kangxi radicals …)."""
    table: dict[int, int] = {}
    ranges = (
        (0x00A0, 0x00FF), (0x2000, 0x206F), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3200, 0x33FF),
        (0xF900, 0xFAFF), (0xFE10, 0xFE6F), (0xFF00, 0xFFEF),
    )  # fmt: skip
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(cp))
            if len(norm) == 1 and ord(norm) != cp:
                table[cp] = ord(norm)
    return table


_FOLD = _fold_table()
_FOLD_MAP = {chr(k): chr(v) for k, v in _FOLD.items()}
# A character-class search runs in C and touches only the few characters that change, which is
# several times faster than str.translate over mostly-CJK text.
_FOLD_RE = re.compile("[" + "".join(re.escape(c) for c in _FOLD_MAP) + "]")


def _fold_sub(m: re.Match[str]) -> str:
    return _FOLD_MAP[m.group()]


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return _FOLD_RE.sub(_fold_sub, text)


def fold(text: str) -> str:
    """Fold full-/half-width forms for matching; same length as ``text``."""
    if text.isascii():
        return text
    if len(text) > 20000:
        return _FOLD_RE.sub(_fold_sub, text)
    return _fold_cached(text)


# --- Traditional → simplified -------------------------------------------------------------

_OPENCC_DIR = None
try:  # pragma: no branch - import guard
    import opencc as _opencc

    _OPENCC_DIR = Path(_opencc.__file__).parent / "dictionary"
    _T2S = _opencc.OpenCC("t2s")
except Exception:  # pragma: no cover - optional dependency missing
    _T2S = None


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that OpenCC would change; lets us skip conversion for simplified texts."""
    chars: set[str] = set()
    if _OPENCC_DIR is None:
        return frozenset()
    try:
        with open(_OPENCC_DIR / "TSCharacters.txt", encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[0] and parts[0] != parts[1].split(" ")[0]:
                    chars.add(parts[0])
    except OSError:  # pragma: no cover
        return frozenset()
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified, line by line, keeping each line's length."""
    if _T2S is None or _traditional_chars().isdisjoint(text):
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if _traditional_chars().isdisjoint(line):
            out.append(line)
            continue
        conv = _T2S.convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c2 := _T2S.convert(c)) != 1 else c2 for c in line)
        out.append(conv)
    return "\n".join(out)


# --- Line cleanup -------------------------------------------------------------------------

_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2028\u2029\u2060\ufeff\u00ad]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANKISH = " \t\u3000\xa0\r"


def strip_html_tags(text: str) -> str:
    """Remove leftover HTML tags from plain text (copy-pasted web pages)."""
    return _TAG_RE.sub("", text)


def _prepare(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text and len(_TAG_RE.findall(text, 0, 20000)) >= 3:
        text = strip_html_tags(text)
    text = _ZERO_WIDTH_RE.sub("", text)
    return _CONTROL_RE.sub("", text)


def printed_form(text: str) -> Callable[[str], str] | None:
    """For a text in traditional characters: a function mapping a string found in the simplified
    text back to its printed (traditional) form; None when the conversion changes nothing.

    Conversion keeps every line's length, so a substring of the converted text is restored from
    the same span of the original; other strings are restored character by character, only for
    characters that never occur unconverted in the document.
    """
    original = _prepare(text)
    converted = to_simplified(original)
    if converted == original:
        return None
    votes: dict[str, dict[str, int]] = {}
    native: set[str] = set()
    for o, c in zip(original, converted, strict=False):
        if o == c:
            native.add(c)
        else:
            votes.setdefault(c, {}).setdefault(o, 0)
            votes[c][o] += 1
    chars = {c: max(v, key=lambda k: v[k]) for c, v in votes.items() if c not in native}

    def restore(s: str) -> str:
        if not s:
            return s
        at = converted.find(s)
        if at >= 0:
            return original[at : at + len(s)]
        return "".join(chars.get(ch, ch) for ch in s)

    return restore
