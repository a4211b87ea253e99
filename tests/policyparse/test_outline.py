"""Outline levels, run-in headings, general sections and metadata."""

from __future__ import annotations

import datetime as dt

from policyparse import parse_text
from policyparse.outline import heading_of, is_general_title

PLAN = """某市人民政府关于推进城乡供水一体化的实施意见（2024—2026年）
某政发〔2024〕7号
各县（市、区）人民政府，市各有关部门：
为保障供水安全，现提出如下意见。
一、总体要求
（一）指导思想。坚持人民至上。
（二）主要目标。到2026年，农村自来水普及率达到99%。
二、重点任务
（一）完善供水设施
建设骨干水厂。新建水厂3座，扩建管网。
推进管网改造。改造老旧管网200公里。
（二）强化水质保障
1．加强水源保护。划定水源保护区。
2、提升检测能力。
(1)建设检测中心。
(2)配备检测设备。
三、保障措施
(一)加强组织领导。建立联席会议制度。
某市人民政府
2024年1月15日
（此件公开发布）
"""


def test_heading_levels_and_labels() -> None:
    assert heading_of("三、保障措施") == (1, "三", "保障措施")
    assert heading_of("（二）主要目标") == (2, "（二）", "主要目标")
    assert heading_of("(二)主要目标") == (2, "（二）", "主要目标")
    assert heading_of("1．加强水源保护") == (3, "1", "加强水源保护")
    assert heading_of("(1)建设检测中心") == (4, "（1）", "建设检测中心")
    assert heading_of("①完善制度") == (5, "①", "完善制度")
    assert heading_of("2025年完成") is None
    assert heading_of("3.5万亩") is None


def test_general_titles() -> None:
    assert is_general_title("总体要求")
    assert is_general_title("指导思想和主要目标。")
    assert not is_general_title("发展重点")
    assert not is_general_title("优化制造业发展布局")


def test_measures_sections_and_metadata() -> None:
    doc = parse_text(PLAN)
    assert [m.path for m in doc.measures] == [
        ("二", "（一）", "建设骨干水厂"),
        ("二", "（一）", "推进管网改造"),
        ("二", "（二）", "1"),
        ("二", "（二）", "2", "（1）"),
        ("二", "（二）", "2", "（2）"),
        ("三", "（一）"),
    ]
    first = doc.measures[0]
    assert first.title == "建设骨干水厂"
    assert first.section_titles == ("重点任务", "完善供水设施")
    assert [m.order for m in doc.measures] == [1, 2, 3, 4, 5, 6]
    assert ("二", "（二）", "2") in {s.path for s in doc.sections}
    assert doc.title == "某市人民政府关于推进城乡供水一体化的实施意见（2024—2026年）"
    assert doc.doc_number == "某政发〔2024〕7号"
    assert doc.issuer == "某市人民政府"
    assert doc.issued == dt.date(2024, 1, 15)
    assert doc.horizon == dt.date(2026, 12, 31) and doc.horizon_start_year == 2024
    last = doc.measures[-1]
    assert "此件" not in last.text and "2024年1月15日" not in last.text
    assert first.deadline is None and first.deadline_is_default and first.effective_deadline == doc.horizon


def test_no_measures_is_a_warning_not_an_error() -> None:
    doc = parse_text("这是一段没有任何编号的普通文字。")
    assert doc.measures == ()
    assert any("未识别到任何措施" in w for w in doc.warnings)


def test_signature_with_site_spam_falls_back_to_provincial_doc_number() -> None:
    doc = parse_text(
        "省政府关于加强安全生产的意见\n浙政发〔2023〕9号\n一、压实责任。层层落实。\nxx娱乐官网_app登录入口人民政府\n2023年5月4日"
    )
    assert doc.issuer == "浙江省人民政府"
    assert doc.issued == dt.date(2023, 5, 4)


def test_indicator_table_in_row_form() -> None:
    doc = parse_text(
        "一、主要目标\n类别|序号|指标|2026年目标\n经济发展|1|地区生产总值增速(%)|6左右\n2|财政收入(亿元)|120\n"
        "二、重点任务\n1.扩大投资。"
    )
    assert [(i.number, i.category, i.name, i.target_text, i.year) for i in doc.indicators] == [
        ("1", "经济发展", "地区生产总值增速(%)", "6左右", 2026),
        ("2", "经济发展", "财政收入(亿元)", "120", 2026),
    ]


def test_prose_paragraphs_are_not_run_in_headings() -> None:
    doc = parse_text(
        "一、保障措施\n（一）加强组织领导\n各地要高度重视。把工作摆上议事日程。\n要建立工作机制。定期研究。\n"
    )
    assert [m.path for m in doc.measures] == [("一", "（一）")]


def test_time_limit_field_and_clause_on_the_same_line() -> None:
    doc = parse_text(
        "二、重点任务\n1.推进示范建设。完善配套。（牵头单位：市工信局）\n完成时限：持续推进\n"
        "2.推进标准建设。\n责任单位：市市场监管局  完成时间：2025年6月底前\n"
    )
    m1, m2 = doc.measures
    assert (m1.lead, m1.recurring, m1.deadline) == (("市工信局",), "ongoing", None)
    assert m2.responsible == ("市市场监管局",)
    assert m2.deadline == dt.date(2025, 6, 30) and m2.deadline_text == "2025年6月底前"
