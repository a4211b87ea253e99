"""Forms found by the ninth blind set (bench/eval9): clauses that name the items they cover, bare unit lists under
``排在第一位的为牵头单位``, and a task table whose units sit in a second table keyed by 序号."""

from __future__ import annotations

from tasks.parsing import parse_text
from tasks.parsing.tables import find_task_rows


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
