"""Quantitative targets and the numbers that are not targets."""

from __future__ import annotations

import pytest

from policyparse.targets import find_targets


def _vals(text: str) -> list[tuple[float, str | None, str | None, int | None]]:
    return [(t.value, t.unit, t.comparator, t.year) for t in find_targets(text)]


def test_commitments_with_units_comparators_and_years() -> None:
    text = "到2026年，力争新增国家级绿色工厂15家以上，年产值超2.5万亿元，研发投入占比达3%左右。"
    assert _vals(text) == [(15, "家", ">=", 2026), (2.5, "万亿元", ">=", 2026), (3, "%", "~", 2026)]


def test_ranges_fractions_and_indexes() -> None:
    assert _vals("每个园区聚焦2—3个主导产业。") == [(2, "个", None, None)]
    assert _vals("外资项目占比达到3/4以上。") == [(0.75, None, ">=", None)]
    assert _vals("到2025年，智慧城市发展指数达85左右。") == [(85, None, "~", 2025)]
    assert _vals("审批时限压缩至15个工作日以内。") == [(15, "个工作日", "<=", None)]


def test_year_carries_forward_but_not_into_per_year_clauses() -> None:
    text = "遴选10家企业试点。到2027年，每年新增项目40个，累计建成工厂60家。新增品牌8个。"
    assert _vals(text) == [
        (10, "家", None, None),
        (40, "个", None, None),
        (60, "家", None, 2027),
        (8, "个", None, 2027),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "实施“4321”工程和“1+2+N”计划。",
        "按照《某市三年行动计划(2021~2023年)》执行。",
        "推进5G网络和ISO9001认证。",
        "打造2+3+N产业体系。",
        "引导全市26个省级园区转型。",
        "总投资20亿元以上重大项目建立专班。",
        "对总投资1亿元以上的项目，按照设备投资额的10%给予补助。",
        "容积率上限按照3.0执行，建筑密度下限按照40%控制。",
        "经第15次常务会议审议通过。",
    ],
)
def test_not_targets(text: str) -> None:
    assert find_targets(text) == []


def test_qualified_cohort_keeps_the_count() -> None:
    assert _vals("每年招引5亿元以上项目30个以上。") == [(30, "个", ">=", None)]
    assert _vals("争取总规模20亿元的产业基金落地。") == [(20, "亿元", None, None)]
