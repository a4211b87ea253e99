"""Forms found by the tenth removed invented set: air-quality concentrations as targets, emission limits and an
assessment's scoring rules as parameters (not targets)."""

from __future__ import annotations

from policyparse.targets import find_targets


def _values(text: str) -> list[tuple[float, str | None, int | None]]:
    return [(t.value, t.unit, t.year) for t in find_targets(text)]


def test_ambient_concentration_is_a_target() -> None:
    text = "城区PM2.5浓度下降至30微克/立方米以下，优良天数比例达到85%。"
    assert _values(text) == [(30, "微克/立方米", None), (85, "%", None)]
    (first,) = find_targets("到2025年，PM10浓度控制在55微克/立方米以内。")
    assert (first.value, first.unit, first.year, first.comparator) == (55, "微克/立方米", 2025, "<=")


def test_emission_limit_is_not_a_target() -> None:
    text = "年底前完成12家钢铁企业超低排放改造，重点行业企业颗粒物排放浓度不高于10毫克/立方米。"
    assert _values(text) == [(12, "家", None)]
    assert _values("氮氧化物排放限值为50毫克/立方米。") == []


def test_scoring_rules_are_not_targets() -> None:
    assert _values("主要考核网上可办率，网上可办率低于95%的不得分。") == []
    assert _values("采取季度评估方式，每季度评估一次，占总分的40%。") == []
    assert _values("对未完成的，每项扣分2分，权重为20%。") == []
    # an ordinary rate in the same document is still a target
    assert _values("政务服务事项网上可办率达到98%。") == [(98, "%", None)]


def test_name_numbers_and_scope_limits_stay_out() -> None:
    assert _values("年底前全面淘汰35蒸吨/小时以下燃煤锅炉。") == []
    assert _values("淘汰国三及以下排放标准营运柴油货车800辆。") == [(800, "辆", None)]


def test_negated_upper_bounds_compare_as_at_most() -> None:
    for text in ("能耗强度不超过0.5吨标准煤。", "噪声不高于55分贝的区域占比不大于20%。", "审批时间不超过15个工作日。"):
        assert all(t.comparator == "<=" for t in find_targets(text)), text
    (t,) = find_targets("研发投入不低于3%。")
    assert t.comparator == ">="
