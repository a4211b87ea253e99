"""Suggestions for a printed unit name that nothing matched: which department it probably means.

Two sources, in this order:

1. the 机构改革 rename table (`RenameRule`): 市经信委 → 市工业和信息化局. The successor is found as
   `RenameRule.department`, else by resolving `successor_name` (names, aliases, keys), else by stem;
2. stem similarity: the name without its level prefix (市/区/县/省, a city name such as 江海市), without
   its unit-type suffix (局/委/委员会/办/办公室/厅/中心) and with common abbreviations spelled out
   (发改 → 发展改革, 住建 → 住房城乡建设 …) equals, or closely matches, a department's.

Nothing here maps a name: the 待识别名称 queue shows the suggestions and a supervisor clicks one.
`SuggestionIndex.load()` reads the tables once (a constant number of queries); `suggest()` is pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .models import Department, DepartmentAlias, RenameRule
from .naming import display_name, name_key
from .resolution import NameResolver

REASON_SIMILAR = "名称相近"

# A city (and province) name printed before the unit: 江海市工信局, 某某省江海市环保局. Not 城市/都市.
_CITY_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?[\u4e00-\u9fff]{1,2}[^\W\d_城都市区县省]市(?=.{2,})")
_LEVELS = "市区县省"
_LEVEL_PREFIX = re.compile(r"^(?:市级|[市区县省])(?!场)(?=.{2,})")
# Unit-type suffixes, longest first.
_SUFFIXES = ("委员会", "办公室", "局", "委", "办", "厅", "中心")
# Abbreviated stems spelled out (after the suffix is removed). Old names (经信、环保…) are left to the
# rename table: the same stem after a reform would be a different unit.
_EXPANSIONS: dict[str, str] = {
    "发改": "发展改革",
    "工信": "工业信息化",
    "人社": "人力资源社会保障",
    "人力社保": "人力资源社会保障",
    "住建": "住房城乡建设",
    "市监": "市场监督管理",
    "市场监管": "市场监督管理",
    "科技": "科学技术",
    "资规": "自然资源规划",
    "文广旅": "文化广电旅游",
    "文旅": "文化旅游",
    "交通": "交通运输",
    "交运": "交通运输",
    "生态环境": "生态环境",
    "应急": "应急管理",
    "卫健": "卫生健康",
    "医保": "医疗保障",
    "审批": "行政审批",
    "国资": "国有资产监督管理",
    "金融监管": "地方金融监督管理",
    "地方金融监管": "地方金融监督管理",
    "城管": "城市管理",
    "综合执法": "综合行政执法",
    "人防": "人民防空",
    "外": "外事",
    "退役军人": "退役军人事务",
    "民宗": "民族宗教事务",
}
_DROP = str.maketrans("", "", "和、·")


def _normalize(printed: str) -> str:
    s = unicodedata.normalize("NFKC", display_name(printed))
    # A second name in brackets (市政府办公室（市大数据局）): compare the outer name.
    return re.sub(r"[（(][^）)]*[）)]$", "", s) or s


def split_level(printed: str) -> tuple[str, str]:
    """(level, rest): 市/区/县/省 or "" for a name without one; a city name counts as 市."""
    s = _normalize(printed)
    m = _CITY_PREFIX.match(s)
    if m:
        return "市", _LEVEL_PREFIX.sub("", s[m.end() :])
    m = _LEVEL_PREFIX.match(s)
    if m:
        return ("市" if m.group(0) == "市级" else m.group(0)), s[m.end() :]
    return "", s


def name_stem(printed: str) -> str:
    """The part of a unit name that says what it does: 市发展和改革委员会, 市发改委 → 发展改革."""
    _, s = split_level(printed)
    s = s.translate(_DROP).replace("人民政府", "政府")
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            rest = s[: -len(suffix)]
            if suffix.startswith("办") and rest.endswith(("政府", "委")):
                break  # 政府办公室 is not 政府, 市委办 is not 市委
            s = rest
            break
    return _EXPANSIONS.get(s, s)


def _without_city(printed: str) -> str:
    """江海市经信委 → 市经信委 (rename rules are written with the bare 市 prefix)."""
    s = _normalize(printed)
    m = _CITY_PREFIX.match(s)
    if m:
        rest = s[m.end() :]
        return rest if rest.startswith("市") and not rest.startswith("市场") else "市" + rest
    return s


@dataclass(frozen=True)
class Suggestion:
    """One department a printed name probably means, and why."""

    department_id: int
    name: str
    reason: str
    kind: str  # "rename" (机构改革更名表) | "similar" (名称相近)

    def as_dict(self) -> dict[str, object]:
        return {"department_id": self.department_id, "name": self.name, "reason": self.reason, "kind": self.kind}


@dataclass(frozen=True)
class _Rule:
    name: str
    successor_name: str
    department_id: int | None
    kind: str
    year: int | None


@dataclass
class SuggestionIndex:
    """Departments, aliases, groups and rename rules loaded once; suggestions computed in memory."""

    resolver: NameResolver
    names: dict[int, str] = field(default_factory=dict)  # active department id → canonical name
    levels: dict[int, str] = field(default_factory=dict)
    stems: dict[str, set[int]] = field(default_factory=dict)
    rules_by_name: dict[str, list[_Rule]] = field(default_factory=dict)
    rules_by_key: dict[str, list[_Rule]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, resolver: NameResolver | None = None) -> SuggestionIndex:
        index = cls(resolver=resolver or NameResolver.load())
        for pk, name in Department.objects.filter(active=True).values_list("pk", "name"):
            index.names[pk] = name
            index.levels[pk] = split_level(name)[0]
            index._add_stem(pk, name)
        for pk, name in DepartmentAlias.objects.filter(department__active=True).values_list("department_id", "name"):
            index._add_stem(pk, name)
        for r in RenameRule.objects.values_list("name", "key", "successor_name", "department_id", "kind", "year"):
            rule = _Rule(name=r[0], successor_name=r[2], department_id=r[3], kind=r[4], year=r[5])
            index.rules_by_name.setdefault(display_name(r[0]), []).append(rule)
            index.rules_by_key.setdefault(r[1], []).append(rule)
        return index

    def _add_stem(self, pk: int, name: str) -> None:
        stem = name_stem(name)
        if len(stem) >= 2:
            self.stems.setdefault(stem, set()).add(pk)

    # --- rename table ---

    def _rules_for(self, printed: str) -> list[tuple[_Rule, str]]:
        """Rules matching the name, with the level to put on the successor ("" = as written)."""
        tries = [(display_name(printed), ""), (_without_city(printed), "")]
        level, rest = split_level(printed)
        if level in ("区", "县"):  # 区环保局: the city-level rule, read at district level
            tries.append(("市" + rest, level))
        found: list[tuple[_Rule, str]] = []
        for name, swap in tries:
            for rule in self.rules_by_name.get(name) or self.rules_by_key.get(name_key(name)) or []:
                if all(rule is not r for r, _ in found):
                    found.append((rule, swap))
        return found

    def _successor(self, rule: _Rule, swap: str) -> int | None:
        if rule.department_id is not None and not swap:
            return rule.department_id if rule.department_id in self.names else None
        successor = rule.successor_name
        if swap and successor.startswith("市"):
            successor = swap + successor[1:]
        res = self.resolver.resolve(successor)
        if len(res.department_ids) == 1 and res.group_id is None and res.department_ids[0] in self.names:
            return res.department_ids[0]
        similar = self._similar(successor, exclude=set())
        return similar[0][1] if similar else None

    def _rename_suggestions(self, printed: str) -> list[Suggestion]:
        out: list[Suggestion] = []
        for rule, swap in self._rules_for(printed):
            pk = self._successor(rule, swap)
            if pk is None:
                continue
            verb = "已更名为" if rule.kind == RenameRule.Kind.RENAME else "职责已划入"
            year = f"（{rule.year}年）" if rule.year else ""
            reason = f"机构改革：{display_name(printed)} {verb} {self.names[pk]}{year}"
            out.append(Suggestion(department_id=pk, name=self.names[pk], reason=reason, kind="rename"))
        return out

    # --- stem similarity ---

    def _similar(self, printed: str, *, exclude: set[int]) -> list[tuple[float, int]]:
        """(score, department id), best first. Equal stems score 1; a stem containing the other or
        differing by little scores less. A department at another explicit level is not offered."""
        level = split_level(printed)[0]
        stem = name_stem(printed)
        if len(stem) < 2:
            return []
        scores: dict[int, float] = {}

        def offer(pk: int, score: float) -> None:
            if pk in exclude or pk not in self.names:
                return
            if level and self.levels[pk] and self.levels[pk] != level:
                return
            scores[pk] = max(scores.get(pk, 0.0), score)

        for pk in self.stems.get(stem, ()):
            offer(pk, 1.0)
        chars = set(stem)
        for other, pks in self.stems.items():
            if other == stem or len(chars.intersection(other)) < 2:
                continue
            short, long_ = sorted((stem, other), key=len)
            if len(short) >= 3 and short in long_:
                score = 0.6 + 0.3 * len(short) / len(long_)
            else:
                matcher = SequenceMatcher(None, stem, other)
                if matcher.quick_ratio() < 0.8:
                    continue
                score = matcher.ratio()
                if score < 0.8 or len(short) < 3:
                    continue
                score *= 0.85
            for pk in pks:
                offer(pk, score)
        return sorted(((s, pk) for pk, s in scores.items()), key=lambda t: (-t[0], self.names[t[1]]))

    def suggest(self, printed: str, *, limit: int = 3) -> list[Suggestion]:
        """Rename-table suggestions first, then similar names; each department once."""
        out = self._rename_suggestions(printed)
        seen = {s.department_id for s in out}
        for _, pk in self._similar(printed, exclude=seen):
            out.append(Suggestion(department_id=pk, name=self.names[pk], reason=REASON_SIMILAR, kind="similar"))
            seen.add(pk)
        deduped: list[Suggestion] = []
        for s in out:
            if all(s.department_id != d.department_id for d in deduped):
                deduped.append(s)
        return deduped[:limit]

    def suggest_many(self, names: Iterable[str], *, limit: int = 3) -> dict[str, list[Suggestion]]:
        return {n: self.suggest(n, limit=limit) for n in names}


def suggest_departments(
    printed_name: str, *, resolver: NameResolver | None = None, index: SuggestionIndex | None = None, limit: int = 3
) -> list[Suggestion]:
    """Departments `printed_name` probably means, best first (at most `limit`). For many names load a
    `SuggestionIndex` once and pass it (or call its `suggest`)."""
    return (index or SuggestionIndex.load(resolver=resolver)).suggest(printed_name, limit=limit)
