"""Forms found by the sixth removed invented round: invented snippets.

- an amount after 超/突破 that runs straight into a noun and a count (``培育营业收入超10亿元物流企业5家``) describes
  which entities are counted; only the count is a target, and its text starts at the clause;
- ``年均增长15%`` under a governing ``到2025年`` takes that year (only ``每年…`` and the other per-period words make a
  target's year null).
"""

from __future__ import annotations

from policyparse.targets import find_targets

from .forms_util import gold


def _targets(text: str) -> list[tuple[str, float, str | None, int | None]]:
    return [(t.text, t.value, t.unit, t.year) for t in find_targets(text)]


def test_amount_qualifying_a_counted_noun_is_not_a_target() -> None:
    assert _targets("力争培育营业收入超10亿元物流企业5家。") == [("力争培育营业收入超10亿元物流企业5家", 5, "家", None)]
    assert _targets("到2027年,培育年营业收入突破10亿元文旅企业3家。") == [
        ("培育年营业收入突破10亿元文旅企业3家", 3, "家", 2027)
    ]


def test_amount_followed_by_a_separator_stays_a_target() -> None:
    got = _targets("推动文旅投资每年超100亿元、四年累计超400亿元,营业收入超1000亿元,企业5家。")
    assert [(v, u) for _, v, u, _ in got] == [(100, "亿元"), (400, "亿元"), (1000, "亿元"), (5, "家")]


def test_average_annual_growth_takes_the_governing_year() -> None:
    assert _targets("到2025年,多式联运量年均增长15%以上。") == [("多式联运量年均增长15%以上", 15, "%", 2025)]
    assert _targets("到2025年,每年培训物流从业人员1000人次。")[0][3] is None


def test_subject_clause_measure_with_qualified_cohort() -> None:
    text = (
        "江海市人民政府关于加快发展现代物流产业的实施意见\n江海政发〔2024〕18号\n三、重点工程\n"
        "（一）实施主体培育工程。支持物流企业做大做强，力争培育营业收入超10亿元物流企业5家。"
        "﹝责任主体：市发改委、市商务局，各县（市）、区人民政府﹞\n"
        "（二）实施人才培养工程。每年培训物流从业人员1000人次。﹝责任主体：市人社局、市教育局﹞\n"
    )
    out = gold(text.encode(), "f.txt")
    first, second = out["measures"]
    assert first["responsible"] == ["市发改委", "市商务局", "各县（市）、区人民政府"]
    assert [(t["value"], t["unit"]) for t in first["targets"]] == [(5, "家")]
    assert second["recurring"] == "annual" and second["targets"][0]["year"] is None
