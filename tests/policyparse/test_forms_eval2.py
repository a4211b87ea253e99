"""Forms found by the second removed invented round: invented snippets, one failure each.

- a 主要任务 | 具体措施 task table: the measures column is the task's text (targets, 每月 frequency),
  and the heading ``（三）实施…行动。重点抓好以下任务：`` above it is not a measure (its rows are its children);
- ``各项工作中列第一位的责任单位为牵头单位``: the first listed unit leads;
- a dated time limit before a target sets the target's year (``2024年6月底前完成…80%``);
- a ``完成时限：2024年全年`` line is a deadline (2024-12-31);
- a document in traditional characters is matched through simplified text but printed as in the source.
"""

from __future__ import annotations

from typing import Any

from policyparse import parse_text

from .forms_util import docx_bytes, gold, rows

HEAD = """关于印发《北塘县2024年工作方案》的通知
北政发〔2024〕2号
北塘县人民政府
2024年2月1日
"""


def _detail_table(d: Any) -> None:
    for line in (
        "关于印发《北塘县2024年农村道路工作方案》的通知",
        "北交发〔2024〕3号",
        "北塘县交通运输局",
        "2024年2月1日",
        "一、重点任务",
        "（一）\t完善路网规划。2024年6月底前编制完成县乡道路网规划。",
        "责任单位：县交通运输局",
        "（二）\t实施道路提质行动。重点抓好以下任务：",
    ):
        d.add_paragraph(line)
    data = [
        ("序号", "主要任务", "具体措施", "责任单位", "时间进度"),
        ("1", "改造县乡公路", "1.改造县乡公路40公里。2.新建停靠站12个。", "县交通运输局（牵头）、县财政局", "10月底前"),
        ("2", "加强道路养护", "1.落实养护责任。", "县公路中心、各镇人民政府", "持续推进"),
    ]
    table = d.add_table(rows=len(data), cols=5)
    for r, cells in enumerate(data):
        for c, value in enumerate(cells):
            table.cell(r, c).text = value
    table.cell(2, 2).add_paragraph("2.每月开展一次路况巡查。")
    d.add_paragraph("二、保障措施")
    d.add_paragraph("1、强化资金保障。县财政安排道路养护资金800万元。")


def test_docx_task_table_with_a_measures_column_under_an_intro_heading() -> None:
    out = gold(docx_bytes(_detail_table), "daolu.docx")
    assert rows(out) == [
        (("一", "（一）"), "完善路网规划", [], ["县交通运输局"], "2024-06-30", None),
        (("一", "（二）", "1"), "改造县乡公路", ["县交通运输局"], ["县财政局"], "2024-10-31", None),
        (("一", "（二）", "2"), "加强道路养护", [], ["县公路中心", "各镇人民政府"], None, "monthly"),
        (("二", "1"), "强化资金保障", [], [], None, None),
    ]
    by_path = {tuple(m["path"]): m for m in out["measures"]}
    assert [(t["value"], t["unit"], t["year"]) for t in by_path["一", "（二）", "1"]["targets"]] == [
        (40, "公里", None),
        (12, "个", None),
    ]


def test_first_listed_responsible_unit_leads() -> None:
    doc = parse_text(
        HEAD
        + "（各项工作中列第一位的责任单位为牵头单位，其他单位按职责分工配合）\n"
        + "一、扩大投资\n1.实施重大项目攻坚，完成投资80亿元。（责任单位：县发改委，县财政局；责任领导：张华）\n"
        + "2.推进交通建设。（责任单位：县交通运输局；牵头县领导：李强）\n"
    )
    assert [(m.path, m.lead, m.responsible) for m in doc.measures] == [
        (("一", "1"), ("县发改委",), ("县财政局",)),
        (("一", "2"), ("县交通运输局",), ()),
    ]


def test_dated_time_limit_sets_the_year_of_a_later_target_only() -> None:
    doc = parse_text(
        HEAD
        + "一、重点任务\n（一）争取专项债券资金5亿元以上，2024年6月底前完成发行任务的80%。\n"
        + "（二）新增储能装机3万千瓦，2026年三季度末前储能产能达到2GWh。\n"
    )
    first, second = doc.measures
    assert [(t.value, t.year) for t in first.targets] == [(5, None), (80, 2024)]
    assert [(t.value, t.year) for t in second.targets] == [(3, None), (2, 2026)]
    assert second.deadline is not None and second.deadline.isoformat() == "2026-09-30"


def test_whole_year_time_limit_line() -> None:
    doc = parse_text(
        HEAD
        + "第一部分　加强法治保障\n（一）规范涉企执法检查。涉企检查频次同比下降20%。\n"
        + "责任单位：县司法局\n完成时限：2024年全年\n"
        + "（二）规范中介服务。\n责任单位：县政务服务中心\n完成时限：持续推进\n"
    )
    first, second = doc.measures
    assert first.path == ("第一部分", "（一）")
    assert first.deadline is not None and first.deadline.isoformat() == "2024-12-31"
    assert second.deadline is None and second.recurring == "ongoing"


def test_traditional_document_is_printed_in_traditional_characters() -> None:
    text = (
        "臨江市人民政府辦公室關於印發工作要點的通知\n臨政辦發〔2024〕15號\n臨江市人民政府辦公室\n2024年4月2日\n"
        "一、推進項目建設\n1.加快重點項目建設。全年實施重點項目40個。（牽頭單位：市文化廣電旅遊局；"
        "責任單位：市發展改革委、各區縣人民政府）\n"
        "2.舉辦品牌賽事。每月舉辦系列演出活動。（責任單位：市體育局）\n"
    )
    out = gold(text.encode("utf-8"), "yaodian.txt")
    assert out["doc_number"] == "臨政辦發〔2024〕15號"
    assert rows(out) == [
        (("一", "1"), "加快重點項目建設", ["市文化廣電旅遊局"], ["市發展改革委", "各區縣人民政府"], None, None),
        (("一", "2"), "舉辦品牌賽事", [], ["市體育局"], None, "monthly"),
    ]
    assert [(t["text"], t["unit"]) for t in out["measures"][0]["targets"]] == [("全年實施重點項目40個", "個")]
