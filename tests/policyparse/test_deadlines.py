"""Deadline phrases and recurrence words."""

from __future__ import annotations

import datetime as dt

import pytest

from policyparse.deadlines import find_deadline, find_recurrence


@pytest.mark.parametrize(
    ("text", "phrase", "date"),
    [
        ("到2026年，建成示范区3个。", "到2026年", dt.date(2026, 12, 31)),
        ("力争到2027年实现全覆盖。", "力争到2027年", dt.date(2027, 12, 31)),
        ("2025年之前完成改造。", "2025年之前", dt.date(2025, 12, 31)),
        ("2026年以前完成搬迁。", "2026年以前", dt.date(2026, 12, 31)),
        ("2023年10月底前出台细则。", "2023年10月底前", dt.date(2023, 10, 31)),
        ("9月30日前报送方案。", "9月30日前", dt.date(2022, 9, 30)),
        ("年底前完成验收。", "年底前", dt.date(2022, 12, 31)),
        ("2024—2026年，每年安排专项资金。", "2024—2026年", dt.date(2026, 12, 31)),
        ("2024-2028年分步实施。", "2024-2028年", dt.date(2028, 12, 31)),
        ("到2025年建成10个，到2030年建成30个。", "到2030年", dt.date(2030, 12, 31)),
        ("2024年6月30日前完成。", "2024年6月30日前", dt.date(2024, 6, 30)),
    ],
)
def test_deadlines(text: str, phrase: str, date: dt.date) -> None:
    d = find_deadline(text, doc_year=2022)
    assert d is not None
    assert (d.text, d.date) == (phrase, date)


@pytest.mark.parametrize(
    "text",
    [
        "按照《某省三年行动计划(2021~2023年)》要求推进。",
        "依据某政发〔2021〕5号文件执行。",
        "每年开展一次评估。",
        "五年内基本完成。",
        "较2020年增长10%。",
    ],
)
def test_no_deadline(text: str) -> None:
    assert find_deadline(text, doc_year=2022) is None


def test_relative_dates_need_a_document_year() -> None:
    assert find_deadline("6月30日前完成。", doc_year=None) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("每年举办一次博览会。", "annual"),
        ("每半年召开一次推进会。", "semiannual"),
        ("每季度通报进展。", "quarterly"),
        ("实行“一季一督查、一季一排名”机制。", "quarterly"),
        ("建立年度计划、季度跟踪的工作机制。", "quarterly"),
        ("每月调度一次。", "monthly"),
        ("长期坚持。", "ongoing"),
        ("制定年度推进计划，定期发布信息。", None),
    ],
)
def test_recurrence(text: str, value: str | None) -> None:
    r = find_recurrence(text)
    assert (r.value if r else None) == value


def test_standalone_time_limit_cells_mean_ongoing() -> None:
    r = find_recurrence("持续推进", standalone=True)
    assert r is not None and r.value == "ongoing"
    assert find_recurrence("持续推进产业升级。") is None
