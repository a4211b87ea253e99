"""Forms found by the eleventh removed invented set: unit names that print a second name in parentheses, central
and vertical units, ``各县（市、区）委和人民政府``, space-separated unit cells, quarter/month deadlines, and ``类``
as a count unit."""

from __future__ import annotations

import datetime as dt

from policyparse.assignments import find_clauses
from policyparse.deadlines import find_deadline
from policyparse.targets import find_targets

from .forms_util import docx_bytes, gold, rows


def test_lei_is_a_count_unit() -> None:
    (t,) = find_targets("推广电子证照应用，新增电子证照类型50类。")
    assert (t.value, t.unit, t.year) == (50, "类", None)


def test_parenthesised_names_stay_whole_in_clauses() -> None:
    (c,) = find_clauses(
        "扩大债券融资。（牵头单位：市发展改革委（市粮食和储备局）；责任单位：人民银行江州市分行、"
        "市委金融办（市地方金融管理局）、各县（市、区）委和人民政府）"
    )
    assert c.lead == ("市发展改革委（市粮食和储备局）",)
    assert c.responsible == ("人民银行江州市分行", "市委金融办（市地方金融管理局）", "各县（市、区）委和人民政府")
    (c,) = find_clauses(
        "建立台账。（牵头单位：市营商环境建设领导小组办公室（设在市发展改革委）；责任单位：市级有关部门（单位））"
    )
    assert c.lead == ("市营商环境建设领导小组办公室（设在市发展改革委）",)
    assert c.responsible == ("市级有关部门（单位）",)


def test_quarter_and_month_deadlines() -> None:
    for text, date in (
        ("2025年第一季度", dt.date(2025, 3, 31)),
        ("2025年第三季度末", dt.date(2025, 9, 30)),
        ("2025年12月", dt.date(2025, 12, 31)),
    ):
        found = find_deadline(text, 2025, standalone=True)
        assert found is not None and found.date == date, text


def test_space_separated_units_in_a_table_cell() -> None:
    def build(d: object) -> None:
        d.add_paragraph("江州市2025年数字政府建设重点任务分工表")  # type: ignore[attr-defined]
        t = d.add_table(rows=2, cols=5)  # type: ignore[attr-defined]
        for c, v in enumerate(["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]):
            t.cell(0, c).text = v
        cells = [
            "1",
            "推进测评，新增电子证照类型50类。",
            "市委办公室（市委保密办）",
            "国家税务总局江州市税务局 江州海关 国网江州供电公司",
            "2025年第三季度末",
        ]
        for c, v in enumerate(cells):
            t.cell(1, c).text = v

    out = gold(docx_bytes(build), "t.docx")
    assert rows(out) == [
        (
            ("1",),
            "推进测评，新增电子证照类型50类",
            ["市委办公室（市委保密办）"],
            ["国家税务总局江州市税务局", "江州海关", "国网江州供电公司"],
            "2025-09-30",
            None,
        )
    ]
