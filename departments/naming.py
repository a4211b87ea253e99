"""Name keys: the one rule that decides when two printed unit names mean the same unit.

Pure functions, no database. `name_key("市发展和改革委")`, `name_key("发改委")` and
`name_key("市发展改革委员会")` are all equal, so an alias found for one finds the others.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

try:  # Traditional characters in a document compare equal to simplified ones.
    import opencc

    _t2s = opencc.OpenCC("t2s").convert
except Exception:  # pragma: no cover - the package is in requirements; keep working without it
    def _t2s(s: str) -> str:
        return s


# Full names and their common short forms, longest first within each family. Each
# pair maps a printed fragment to the short form used in keys.
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("发展和改革委", "发改委"),
    ("发展改革委", "发改委"),
    ("发展和改革局", "发改局"),
    ("发展改革局", "发改局"),
    ("工业和信息化局", "工信局"),
    ("工业和信息化委员会", "经信委"),
    ("经济和信息化委员会", "经信委"),
    ("经济和信息化局", "经信局"),
    ("人力资源和社会保障局", "人社局"),
    ("人力资源社会保障局", "人社局"),
    ("自然资源和规划局", "资规局"),
    ("自然资源规划局", "资规局"),
    ("住房和城乡建设局", "住建局"),
    ("住房城乡建设局", "住建局"),
    ("市场监督管理局", "市场监管局"),
    ("文化广电和旅游局", "文广旅局"),
    ("文化广电旅游局", "文广旅局"),
    ("文化和旅游局", "文旅局"),
    ("交通运输局", "交通局"),
    ("生态环境局", "环境局"),
    ("应急管理局", "应急局"),
    ("地方金融监督管理局", "金融监管局"),
    ("地方金融监管局", "金融监管局"),
    ("国有资产监督管理委员会", "国资委"),
    ("科学技术局", "科技局"),
    ("卫生健康委员会", "卫健委"),
    ("卫生健康委", "卫健委"),
    ("医疗保障局", "医保局"),
    ("农业农村局", "农业农村局"),
    ("行政审批局", "审批局"),
    ("数据资源管理局", "数据局"),
    ("大数据管理局", "数据局"),
    ("人民政府办公室", "政府办"),
    ("政府办公室", "政府办"),
    ("人民政府", "政府"),
    ("管理委员会", "管委会"),
    ("委员会", "委"),
)
_SPACES = re.compile(r"\s+")
_TRAILING = ("按职责分工负责", "负责落实", "等")
# A level prefix printed before a department name: 市工信局 ↔ 工信局.
_LEVEL_PREFIX = re.compile(r"^(?:市级|市)(?!场)(?=.{2,})")


@lru_cache(maxsize=8192)
def name_key(printed: str) -> str:
    """The comparison key of a printed unit name: width, spaces, script, 和, level prefix and
    standard abbreviations do not matter; parentheses become half-width."""
    s = unicodedata.normalize("NFKC", printed or "")
    s = _t2s(s)
    s = _SPACES.sub("", s)
    s = s.strip("。．.、，,:：;；")
    changed = True
    while changed:
        changed = False
        for tail in _TRAILING:
            if s.endswith(tail) and len(s) > len(tail) + 1:
                s = s[: -len(tail)]
                changed = True
    for full, short in _ABBREVIATIONS:
        if full in s:
            s = s.replace(full, short)
    s = _LEVEL_PREFIX.sub("", s)
    return s


def display_name(printed: str) -> str:
    """The printed name, trimmed of spaces and list punctuation, for showing and storing."""
    s = _SPACES.sub("", printed or "")
    return s.strip("。．.、，,:：;；")
