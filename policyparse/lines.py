"""The whole normalisation of a decoded text, in order: markup and control characters, traditional →
simplified, tables copied one cell per line (``rows``), paragraphs run together on one line (``segment``),
inline web junk, tab-separated rows, page furniture and hard wraps (``layout``).

Guarantee: :func:`clean_lines` turns any decoded text into stripped, non-empty lines without markup
remnants or web-page junk, and never raises.
"""

from __future__ import annotations

import re

from .layout import drop_page_furniture, reflow
from .rows import join_bar_lines, join_plain_cell_tables
from .segment import split_runs
from .text import _BLANKISH, _prepare, fold, to_simplified

__all__ = ["clean_lines"]

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


def clean_lines(text: str) -> list[str]:
    """Normalise newlines, drop tags, control characters and web junk; return non-empty lines."""
    text = to_simplified(_prepare(text))
    raw_lines = text.split("\n")
    if "序号" in text or "编号" in text:
        raw_lines = join_plain_cell_tables(raw_lines)
    if any(line.strip(_BLANKISH) == "|" for line in raw_lines):
        raw_lines = join_bar_lines(raw_lines)
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
    return reflow(drop_page_furniture(lines))
