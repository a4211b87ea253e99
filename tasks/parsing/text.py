"""Text helpers shared by all parser stages: width folding, traditional→simplified, line cleanup.

Guarantees:
- :func:`fold` returns a string of exactly the same length as its input, so a regex match on
  the folded text can be used to slice the printed text (full-width ``（`` ``：`` ``，`` ``１``
  fold to ``(`` ``:`` ``,`` ``1``; circled digits ①… are kept as they are).
- :func:`to_simplified` converts traditional characters (牽頭單位 → 牵头单位) and never changes
  the length of a line (it falls back to a character-by-character conversion); the parser works on
  the simplified text and :func:`printed_form` maps its output strings back to the printed characters.
- :func:`clean_lines` turns any decoded text into stripped, non-empty lines without markup
  remnants or web-page junk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

__all__ = ["clean_lines", "fold", "printed_form", "strip_html_tags", "to_simplified"]


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
# Inline page furniture: 字号:[大 中 小], 字体:[ ], 浏览次数:, 打印 / 关闭.
_INLINE_JUNK_RE = re.compile(
    r"(?:字[号体]\s*[:：]?\s*[\[【(（]\s*[大中小\s]*[\]】)）]"
    r"|字[号体]\s*[:：]?\s*[大中小](?:[\s|丨/]*[大中小]){1,2}"
    r"|(?:浏览|访问|阅读|点击|累计)次数\s*[:：]\s*\d*"
    r"|(?:[【\[]\s*(?:打印本页|关闭窗口|打印|关闭|收藏|分享|返回顶部)\s*[】\]]\s*)+$"
    r"|(?:打印本页|关闭窗口)(?:[\s|丨]*(?:打印本页|关闭窗口|打印|关闭|收藏))*\s*$)"
)
# Whole lines that are site furniture, never document content (only short lines are tested).
_JUNK_LINE_RE = re.compile(
    r"^(?:分享到|扫一扫|相关阅读|相关链接|相关文件|原文链接|免责声明|当前位置|您当前的位置|首页\s*[>›]"
    r"|[>›]|版权所有|Copyright|©|ICP备|网站地图|联系我们|网站标识码|主办单位|承办单位|技术支持|返回顶部"
    r"|主办\s*[:：][^\n]{2,40}?(?:(?:承办|协办|技术支持|运维|维护)\s*[:：]|网站标识码|ICP|备案号|版权)"
    r"|Produced By|TOP$|客服$|电话$|微信$|【?打印|【?关闭|上一篇|下一篇|附件下载|收藏|\[?\s*[大中小]\s*\]?$)",
    re.IGNORECASE,
)
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
    text back to its printed (traditional) form; None when :func:`clean_lines` changes nothing.

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


def clean_lines(text: str) -> list[str]:
    """Normalise newlines, drop tags, control characters and web junk; return non-empty lines."""
    text = to_simplified(_prepare(text))
    raw_lines = text.split("\n")
    if "序号" in text or "编号" in text:
        from .tables import join_plain_cell_tables  # a late import: tables imports this module

        raw_lines = join_plain_cell_tables(raw_lines)
    if any(line.strip(_BLANKISH) == "|" for line in raw_lines):
        from .tables import join_bar_lines

        raw_lines = join_bar_lines(raw_lines)
    from .segment import split_runs  # a late import: segment imports this module

    raw_lines = split_runs(raw_lines)
    lines: list[str] = []
    for raw in raw_lines:
        line = raw.strip(_BLANKISH)
        if not line:
            continue
        line = _INLINE_JUNK_RE.sub("", line).strip(_BLANKISH)
        if not line:
            continue
        if "\t" in line:  # a table row copied from Word: cells separated by tabs
            fields = line.split("\t")
            if len(fields) >= 3 and sum(1 for f in fields if f.strip(_BLANKISH)) >= 2:
                line = "|".join(f.strip(_BLANKISH) for f in fields)
        if len(line) <= 60 and _JUNK_LINE_RE.match(fold(line)):
            continue
        # A bare list marker left by stripped markup ("•", "1.") carries nothing.
        if re.fullmatch(r"[•·\-*\d.、]+", line):
            continue
        lines.append(line)
    from .layout import drop_page_furniture, reflow  # a late import: layout imports this module

    return reflow(drop_page_furniture(lines))
