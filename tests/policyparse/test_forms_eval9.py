"""Forms found by the ninth removed invented set: clauses that name the items they cover, bare unit lists under
``排在第一位的为牵头单位``, and a task table whose units sit in a second table keyed by 序号."""

from __future__ import annotations

from policyparse import parse_text
from policyparse.tables import find_task_rows


def _by_path(text: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]]:
    doc = parse_text(text)
    return {"/".join(m.path): (m.lead, m.responsible, m.inherited) for m in doc.measures}


RANGE = """关于促进消费的实施方案
一、重点任务
（一）扩大商品消费
1．开展汽车促消费活动。组织车展20场。
2．推动家电以旧换新。回收家电5万台。（牵头单位：市市场监管局；配合单位：市商务局）
3．发展夜间经济。打造集聚区10个。
（以上第1—3项由市商务局牵头，市发改委、市财政局配合）
（二）提升服务消费
4．扩大文旅消费。创建集聚区2个。
5．促进体育消费。举办赛事50场。
6．丰富家政服务。培育企业5家。
（以上3项均由市文广旅局牵头，市体育局配合）
"""


def test_range_clause_covers_the_named_items_but_not_an_items_own_clause() -> None:
    got = _by_path(RANGE)
    assert got["一/（一）/1"] == (("市商务局",), ("市发改委", "市财政局"), True)
    assert got["一/（一）/2"] == (("市市场监管局",), ("市商务局",), False)
    assert got["一/（一）/3"] == (("市商务局",), ("市发改委", "市财政局"), True)


def test_count_back_clause_strips_the_item_reference() -> None:
    got = _by_path(RANGE)
    for k in ("4", "5", "6"):
        assert got[f"一/（二）/{k}"] == (("市文广旅局",), ("市体育局",), True)


def test_bare_unit_lists_read_with_first_is_lead_note() -> None:
    text = """重点工作任务分解
一、稳定粮食生产
1．建设高标准农田8万亩。（市农业农村局、市自然资源局、市水利局）
2．每季度开展一次耕地保护专项检查。（市自然资源局）
注：各项任务排在第一位的为牵头单位。
"""
    got = _by_path(text)
    assert got["一/1"] == (("市农业农村局",), ("市自然资源局", "市水利局"), False)
    assert got["一/2"] == (("市自然资源局",), (), False)


def test_bare_parentheses_without_the_note_are_not_units() -> None:
    text = "重点工作\n一、稳定粮食生产\n1．建设高标准农田8万亩。（市农业农村局、市自然资源局）\n"
    assert _by_path(text)["一/1"][:2] == ((), ())


def test_units_in_a_second_table_keyed_by_number() -> None:
    lines = [
        "表1　重点任务",
        "序号|重点任务|完成时限",
        "1|实施智能化改造项目，完成项目200个。|2024年12月底前",
        "2|开展数字化转型诊断服务。|每季度",
        "表2　责任分工",
        "序号|牵头单位|责任单位",
        "2|市工信局|市科技局",
        "1|市工信局|市发展改革委、市财政局",
    ]
    rows = find_task_rows(lines)
    assert [(r.number, r.lead, r.responsible, r.deadline) for r in rows] == [
        ("1", "市工信局", "市发展改革委、市财政局", "2024年12月底前"),
        ("2", "市工信局", "市科技局", "每季度"),
    ]


DIVISION = """关于推进数字经济发展的若干措施
一、主要目标
到2026年，数字经济核心产业增加值达到500亿元。
二、重点任务
（一）建设算力设施。新建数据中心机架2000个。
（二）培育数据市场。培育数据商10家。
（三）发展软件产业。软件业务收入达到80亿元。（牵头单位：市工信局；责任单位：市科技局）
（四）推进企业上云。新增上云企业500家。
（五）完善数字治理。建成城市运行管理平台。
（六）强化人才支撑。引进数字人才1000名。
三、责任分工
第（一）至（三）项由市数据局牵头，市发改委配合；第（四）、（五）项由市工信局负责；第（六）项由市人社局牵头。
"""


def test_closing_division_paragraph_assigns_items_by_reference() -> None:
    doc = parse_text(DIVISION)
    got = {"/".join(m.path): (m.lead, m.responsible, m.inherited) for m in doc.measures}
    assert got["二/（一）"] == (("市数据局",), ("市发改委",), True)
    assert got["二/（二）"] == (("市数据局",), ("市发改委",), True)
    assert got["二/（三）"] == (("市工信局",), ("市科技局",), False)  # its own clause wins
    assert got["二/（四）"] == ((), ("市工信局",), True)
    assert got["二/（五）"] == ((), ("市工信局",), True)
    assert got["二/（六）"] == (("市人社局",), (), True)
    assert "三" not in got  # the 分工 section is not a measure
    assert doc.notes[-1].startswith("第（一）至（三）项由市数据局牵头") and not doc.notes[-1].endswith("。")


def test_division_paragraph_after_the_last_item_with_numbered_range() -> None:
    text = """重点工作安排
一、重点任务
1．开展汽车促消费活动。组织车展20场。
2．推动家电以旧换新。回收家电5万台。
3．发展夜间经济。打造集聚区10个。
第1—2项由市商务局牵头；第3项由市文广旅局负责。
"""
    doc = parse_text(text)
    got = {"/".join(m.path): (m.lead, m.responsible, m.inherited) for m in doc.measures}
    assert got == {
        "一/1": (("市商务局",), (), True),
        "一/2": (("市商务局",), (), True),
        "一/3": ((), ("市文广旅局",), True),
    }
    assert "第1—2项" not in doc.measures[-1].text


def test_division_references_resolve_in_the_nearest_group_with_those_labels() -> None:
    text = """工作方案
一、稳增长
1．扩大有效投资。
2．促进消费。
二、促转型
1．发展先进制造业。
2．培育服务业。
三、组织实施
第1项由市发改委牵头；第2项由市商务局牵头。
"""
    got = _by_path(text)
    assert got["二/1"][0] == ("市发改委",) and got["二/2"][0] == ("市商务局",)
    assert got["一/1"][:2] == ((), ()) and got["一/2"][:2] == ((), ())
    assert "三" not in got


def test_unresolved_or_mixed_division_paragraph_is_left_alone() -> None:
    unresolved = DIVISION.replace("第（六）项由市人社局牵头", "第（九）项由市人社局牵头")
    got = _by_path(unresolved)
    assert "三" in got and got["二/（一）"][:2] == ((), ())
    mixed = DIVISION.replace("第（六）项由市人社局牵头。", "第（六）项由市人社局牵头。各地要加强督促检查。")
    assert "三" in _by_path(mixed)


def test_count_back_is_not_read_as_item_number() -> None:
    text = """行动计划
一、主要任务
1．做强汽车产业。产量达到30万辆。（牵头单位：市发展改革委）
2．发展储能产业。引进项目10个。
3．培育新材料产业。产值突破800亿元。
4．壮大生物医药产业。新增批件20个。
（以上3项均由市工信局负责）
"""
    got = _by_path(text)
    assert got["一/1"] == (("市发展改革委",), (), False)
    for k in ("2", "3", "4"):  # 以上3项 = the three items above, not item 3
        assert got[f"一/{k}"] == ((), ("市工信局",), True)
