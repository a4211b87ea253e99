"""Deadline phrases as city work plans print them (invented document, issued in 2024).

Annotation choices (gold README rules extended): a half-year or quarter ends on its last day;
``每年年底前`` is annual with no deadline; ``2025年前`` and ``2023—2025年`` end on 2025-12-31;
``长期坚持`` is ongoing; a month without a year (``12月底前``) takes the document's year; the
years of a cited plan title or of ``2023年以来`` are not deadlines.
"""

from __future__ import annotations

import pytest

from .forms_util import gold

DOC = """江川市数字经济发展2024年工作要点
江川市人民政府办公室
2024年2月20日
一、重点任务
1．建设算力基础设施。加快推进智算中心一期建设，2024年6月底前投入运营。
2．培育数据要素市场。组建市数据交易服务机构，2024年上半年完成挂牌。
3．推进工业互联网应用。新增上云企业200家，2024年三季度完成年度任务的80%。
4．实施企业数字化改造。第三季度末前完成诊断服务。
5．开展数字技能培训。每年年底前完成培训1万人次。
6．完善数字经济统计监测。2025年前建立统计监测体系。
7．落实数字化转型三年行动。按照《江川市制造业数字化转型行动计划（2021—2023年）》要求，2023—2025年累计实施改造项目300个。
8．优化数字营商环境。2023年以来已出台政策12项，持续推进政策兑现。
9．加强网络安全保障。长期坚持网络安全责任制。
10．推动智慧城市建设。12月底前完成城市大脑二期验收。
11．加快5G网络覆盖。2023-2025年新建5G基站3000个。
12．深化产业合作。对接《长三角数字经济合作规划（2021-2025年）》，参加合作论坛。
"""

EXPECTED = [
    ("1", "2024年6月底前", "2024-06-30", None),
    ("2", "2024年上半年", "2024-06-30", None),
    ("3", "2024年三季度", "2024-09-30", None),
    ("4", "第三季度末前", "2024-09-30", None),
    ("5", "每年", None, "annual"),
    ("6", "2025年前", "2025-12-31", None),
    ("7", "2023—2025年", "2025-12-31", None),
    ("8", None, None, None),
    ("9", "长期坚持", None, "ongoing"),
    ("10", "12月底前", "2024-12-31", None),
    ("11", "2023-2025年", "2025-12-31", None),
    ("12", None, None, None),
]


def test_deadline_phrases() -> None:
    out = gold(DOC.encode("gbk"), "yaodian.txt")
    assert out["issued"] == "2024-02-20"
    got = [(m["path"][-1], m["deadline_text"], m["deadline"], m["recurring"]) for m in out["measures"]]
    assert got == EXPECTED


def test_targets_with_range_year_and_existing_state() -> None:
    out = gold(DOC.encode(), "yaodian.txt")
    by = {m["path"][-1]: [(t["value"], t["year"]) for t in m["targets"]] for m in out["measures"]}
    assert by["7"] == [(300, 2025)]
    assert by["8"] == []  # 已出台政策12项 describes the past
    assert by["11"] == [(3000, 2025)]


@pytest.mark.parametrize(
    ("cell", "deadline", "recurring"),
    [
        ("2024年12月31日", "2024-12-31", None),
        ("2024年底", "2024-12-31", None),
        ("2024年", "2024-12-31", None),
        ("2025年6月", "2025-06-30", None),
        ("2024.12", "2024-12-31", None),
        ("2024年—2025年", "2025-12-31", None),
        ("第四季度", "2024-12-31", None),
        ("上半年", "2024-06-30", None),
        ("12月底前", "2024-12-31", None),
        ("长期坚持", None, "ongoing"),
        ("持续推进", None, "ongoing"),
        ("每季度", None, "quarterly"),
        ("每年", None, "annual"),
    ],
)
def test_time_limit_cells(cell: str, deadline: str | None, recurring: str | None) -> None:
    text = f"某市商务局\n2024年3月1日\n序号|重点任务|牵头单位|完成时限\n1|开展专项行动|市商务局|{cell}\n"
    (m,) = gold(text.encode(), "t.txt")["measures"]
    assert (m["deadline"], m["recurring"]) == (deadline, recurring)


def test_cited_plan_period_with_year_characters_is_not_a_deadline() -> None:
    text = "2024年3月1日\n一、重点任务\n（一）衔接规划。落实《某市物流发展规划（2021年—2025年）》要求，完善物流网络。\n"
    (m,) = gold(text.encode(), "t.txt")["measures"]
    assert m["deadline"] is None
