"""Quantitative commitments (targets) inside a measure's text.

Guarantees of :func:`find_targets`:
- a target is a number with a unit (家, 个, %, 万亩, 亿元 …) or an index after 达/达到 with
  左右/以上; the value is the number as printed (a range gives its lower bound, ``2/3`` gives
  0.6667) and a 万/亿 magnitude stays in ``unit``;
- numbers in names and citations are skipped: anything inside quotes or 《》, program codes
  (``3+3+N``), model names (``5G``, ``ISO9001``), ordinals (``第22次``), scope descriptors
  (``全市17个…园区``), thresholds (``10亿元以上重大项目``, ``对总投资5亿元以上…的项目``) and
  regulatory parameters (``上限…60%``, ``…的20%补助``, ``排放浓度不高于10毫克/立方米``) and scoring rules
  (``占总分的40%``, ``低于95%的不得分``);
- ``year`` is the year of the latest goal phrase (``到2025年``) before the number in the same
  paragraph, and None when the number is per year (``每年…``) or no goal year governs it;
- never raises.
"""

from __future__ import annotations

import re

from .deadlines import mask_citations, year_markers
from .text import fold
from .types import ParsedTarget

__all__ = ["find_targets", "parse_number_value"]

_BASE_UNITS = (
    "个百分点|百分点|个工作日|工作日|人次|平方公里|平方米|公里|千米|公顷|微克/立方米|毫克/立方米|立方米|吨标准煤|千瓦时|千瓦|兆瓦|标准箱|"
    "元|亩|吨|家|个|项|件|人|名|座|条|台|套|所|种|批|次|户|款|只|辆|艘|处|间|张|部|篇|场|支|位|倍|片|类|"
    "份|册|门|株|棵|头|米|小时|天|核(?![心查发准定算实验电])|GW|MW|kW|KW|km|EFLOPS|PFLOPS|TFLOPS|TB|PB|EB|P|%|‰"
)
_MAGNITUDE = r"万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千|百"
_NUM_RE = re.compile(
    r"(?<![A-Za-z0-9.\-+/_])"
    r"(?P<num>\d+(?:\.\d+)?)"
    r"(?:\s*/\s*(?P<den>\d+)(?![\d.]))?"
    r"(?:\s*[-—–~至到]\s*(?P<hi>\d+(?:\.\d+)?))?"
    r"\s*(?P<unit>(?:"
    + _MAGNITUDE
    + r")?\s*(?:"
    + _BASE_UNITS
    + r")(?:\((?:家|个|项|件|座|人)\))?|(?:"
    + _MAGNITUDE
    + r")(?=[^\dA-Za-z]))?"
)
_GE_AFTER = re.compile(r"^\s*(?:\(含\))?\s*(?:及)?以上")
_APPROX_AFTER = re.compile(r"^\s*左右")
_LE_AFTER = re.compile(r"^\s*(?:以内|以下|之内)")
# (?<!不): 不超过/不高于/不大于 are upper bounds (_LE_BEFORE), not 超过/高于/大于.
_GE_BEFORE = re.compile(r"(?<!不)(?:不少于|不低于|不小于|超过|超|突破|高于|大于|≥|>=|>)\s*$")
_LE_BEFORE = re.compile(r"(?:不超过|不高于|不大于|控制在|低于|小于|≤|<=|<)\s*$")
_APPROX_BEFORE = re.compile(r"(?:约|大约|近)\s*$")
_EQ_BEFORE = re.compile(r"(?:达到|达|为|增至|提高到|提升到|提升至|提高至)\s*$")
_INDEX_BEFORE = re.compile(r"达(?:到)?\s*$")

_QUOTE_RE = re.compile(r"“[^“”]*”|‘[^‘’]*’|\"[^\"]*\"|「[^「」]*」|『[^『』]*』")
# 对总投资5亿元以上的项目,…给予补助: a condition sentence holds eligibility thresholds. When the sentence
# grants nothing (对背街小巷实施整治,年内完成整治60条), only its first clause is the 对 phrase.
_CONDITION_SENTENCE_RE = re.compile(r"(?:^|(?<=[。!?;]))\s*对(?!标|接|照|外|内|口|比)[^。!?;]*")
# Also emission limits (排放浓度不高于10毫克/立方米) and an assessment's scoring rules (占总分的40%, 低于95%的不得分).
_REGULATORY_RE = re.compile(
    r"上限|下限|容积率|建筑密度|补助|补贴|奖补|资助|奖励|给予|贴息|扶持资金|收费|罚款|排放浓度|排放限值|"
    r"占总分|权重|不得分|扣分|加分"
)
_SCOPE_BEFORE = re.compile(r"(?:全市|全省|全国|全区|全县|全州|我市|我省|我区|我县|现有|已有|目前|共有)\s*$")
_PER_YEAR_RE = re.compile(
    r"每年|每季|每月|每半年|未来[一二三四五六七八九十两\d]+年|(?<!\d)(?:[一二三四五六七八九十两]+|\d{1,2})年累计"
)
_CLAUSE_DELIMS = ",;。!?:"
# Existing state, not a commitment: 2023年以来已出台政策12项, 截至目前已建成….
_EXISTING_RE = re.compile(r"以来|截至目前|截止目前|目前已|现已|已累计")
_THRESHOLD_UNITS = re.compile(r"元|亩|平方米|吨|千瓦")
_THRESHOLD_OF = re.compile(r"^\s*(?:\(含\))?\s*的")
# 培育营业收入超10亿元物流企业5家: an amount after 超/突破 that runs straight into a noun and another number in
# the same clause describes which entities are counted; the count is the target.
_QUALIFIER_AFTER = re.compile(r"^[^\s,;。、!?:\d()]{1,12}?\d")
_THRESHOLD_AFTER = re.compile(r"^\s*(?:\(含\))?\s*(?:及)?(?:以上|以下)\s*(?:\(含\))?\s*[^\s,;。、!?:\d的(]")


def parse_number_value(num: str, den: str | None = None) -> float:
    """Value of a printed number; a fraction ``2/3`` becomes 0.6667."""
    value = float(num)
    if den:
        d = float(den)
        if d:
            return round(value / d, 4)
    return value


def _mask(folded: str, rx: re.Pattern[str]) -> str:
    return rx.sub(lambda m: " " * len(m.group()), folded)


def _mask_condition(m: re.Match[str]) -> str:
    sentence = m.group()
    if _REGULATORY_RE.search(sentence):
        return " " * len(sentence)
    comma = sentence.find(",")
    end = comma if comma >= 0 else len(sentence)
    return " " * end + sentence[end:]


def _clause_bounds(s: str, pos: int) -> tuple[int, int]:
    start = pos
    while start > 0 and s[start - 1] not in _CLAUSE_DELIMS:
        start -= 1
    end = pos
    while end < len(s) and s[end] not in _CLAUSE_DELIMS:
        end += 1
    return start, end


def find_targets(text: str) -> list[ParsedTarget]:
    """All quantitative targets printed in ``text``; see the module docstring."""
    folded = fold(text)
    masked = mask_citations(folded)
    masked = _mask(masked, _QUOTE_RE)
    masked = _CONDITION_SENTENCE_RE.sub(_mask_condition, masked)
    marks = year_markers(mask_citations(folded))
    found: list[tuple[int, int, ParsedTarget]] = []
    for m in _NUM_RE.finditer(masked):
        num, den, unit = m.group("num"), m.group("den"), m.group("unit")
        s, e = m.start(), m.end()
        before = masked[max(0, s - 8) : s]
        after = masked[e : e + 12]
        if e < len(masked) and re.match(r"[A-Za-z+]", masked[e]) and not unit:
            continue
        if before.endswith("第") or before.endswith("+"):
            continue
        if unit:
            unit = unit.replace(" ", "")
        if den:
            unit = None
        elif not unit:
            if not (_INDEX_BEFORE.search(before) and re.match(r"^\s*(?:左右|以上)", after)):
                continue
        if len(num.split(".")[0]) == 4 and not unit and not den:
            continue  # a bare year
        c_start, c_end = _clause_bounds(masked, s)
        clause = masked[c_start:c_end]
        if _REGULATORY_RE.search(clause):
            continue
        if _SCOPE_BEFORE.search(before) or _EXISTING_RE.search(clause):
            continue
        if unit and _THRESHOLD_UNITS.search(unit) and _THRESHOLD_AFTER.match(after):
            continue
        if unit and _THRESHOLD_UNITS.search(unit) and _THRESHOLD_OF.match(after) and _GE_BEFORE.search(before):
            continue  # 超过400万元的工程采购项目: describes which projects, not a commitment
        if unit and _THRESHOLD_UNITS.search(unit) and _GE_BEFORE.search(before) and _QUALIFIER_AFTER.match(after):
            continue
        comparator: str | None = None
        if _GE_AFTER.match(after) or _GE_BEFORE.search(before):
            comparator = ">="
        elif _APPROX_AFTER.match(after) or _APPROX_BEFORE.search(before):
            comparator = "~"
        elif _LE_AFTER.match(after) or _LE_BEFORE.search(before):
            comparator = "<="
        elif _EQ_BEFORE.search(before):
            comparator = "="
        value = parse_number_value(num, den)
        year: int | None = None
        for pos, y, reach in marks:
            if pos < s < reach:
                year = y
        if _PER_YEAR_RE.search(clause):
            year = None
        # Printed text: from the clause start (or the end of the previous target in the same
        # clause) to the end of the clause, or up to the separator before the next number.
        suffix = re.match(r"\s*(?:\(含\))?\s*(?:及以上|以上|左右|以内|以下|之内)?", masked[e:])
        num_end = e + (suffix.end() if suffix else 0)
        t_start = c_start
        if found and c_start <= found[-1][1] <= s:
            t_start = found[-1][1]
            while t_start < s and folded[t_start] in "、和及与 ":
                t_start += 1
        nxt = re.search(r"\d", masked[num_end:c_end])
        if nxt is None:
            t_end = c_end
        else:
            window = masked[num_end : num_end + nxt.start()]
            seps = [k for k, ch in enumerate(window) if ch in "、和及与"]
            t_end = num_end + seps[-1] if seps and seps[-1] > 0 else num_end
        printed = text[t_start:t_end].strip(" ,，;；、")
        found.append(
            (
                t_start,
                t_end,
                ParsedTarget(text=printed, value=value, unit=unit or None, comparator=comparator, year=year),
            )
        )
    return [t for _, _, t in found]
