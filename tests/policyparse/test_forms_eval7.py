"""Forms found by the seventh removed invented round: invented snippets.

- decimal outlines (``1 总体要求`` / ``2.1 …`` / ``2.1.1 推进…。（牵头单位：…）``) are headings when the
  document numbers at least three headings that way; the label is kept as printed;
- a Word task table nested inside a layout table cell is read like a body table;
- ``[责任单位]A、B，2025年12月31日前完成。``: the time limit after the list is not a body;
- ``2000核`` (compute cores) is a unit.
"""

from __future__ import annotations

from typing import Any

from policyparse.outline import heading_of
from policyparse.targets import find_targets

from .forms_util import docx_bytes, gold, rows


def test_decimal_outline_paths_and_clauses() -> None:
    text = (
        "某市新型储能实施方案\n1 总体要求\n1.1 发展目标\n到2027年，装机规模达到100万千瓦。\n"
        "2 重点任务\n2.1 加快项目建设\n"
        "2.1.1 推进电源侧储能建设。到2026年，新增储能规模20万千瓦。（牵头单位：市发展改革委；责任单位：市能源局）\n"
        "2.1.2 发展独立储能。建成独立储能电站3座。（牵头单位：市发展改革委）\n3 保障措施\n"
        "3.1 加强组织领导。定期研究解决重大问题。（牵头单位：市发展改革委）\n"
    )
    got = rows(gold(text.encode("utf-8"), "d.txt"))
    assert got == [
        (("2", "2.1", "2.1.1"), "推进电源侧储能建设", ["市发展改革委"], ["市能源局"], "2026-12-31", None),
        (("2", "2.1", "2.1.2"), "发展独立储能", ["市发展改革委"], [], None, None),
        (("3", "3.1"), "加强组织领导", ["市发展改革委"], [], None, None),
    ]


def test_decimal_headings_only_in_a_decimal_document() -> None:
    assert heading_of("2 重点任务") is None
    assert heading_of("2.1 加快项目建设") is None
    assert heading_of("2.1.1 推进建设。", decimal=True) == (3, "2.1.1", "推进建设。")
    assert heading_of("2 重点任务", decimal=True) == (1, "2", "重点任务")
    assert heading_of("1.5亿元用于补贴。", decimal=True) is None


def test_task_table_nested_in_a_layout_cell() -> None:
    def build(d: Any) -> None:
        d.add_paragraph("某县优化营商环境重点任务分解方案")
        d.add_paragraph("二、重点任务")
        d.add_paragraph("具体任务分解见附件。")
        d.add_paragraph("某县人民政府办公室")
        d.add_paragraph("2025年4月8日")
        d.add_paragraph("附件")
        outer = d.add_table(rows=2, cols=1)
        outer.cell(0, 0).text = "重点任务分解表"
        inner = outer.cell(1, 0).add_table(rows=3, cols=5)
        for r, values in enumerate(
            [
                ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
                ["1", "推行企业开办一网通办", "县市场监管局", "县税务局", "2025年6月底前"],
                ["2", "建立政企沟通机制", "县工商联", "县工信局、县商务局", "每月"],
            ]
        ):
            for c, value in enumerate(values):
                inner.cell(r, c).text = value

    got = rows(gold(docx_bytes(build), "n.docx"))
    assert [(p[-1], t, ld, rs, dl, rc) for p, t, ld, rs, dl, rc in got] == [
        ("1", "推行企业开办一网通办", ["县市场监管局"], ["县税务局"], "2025-06-30", None),
        ("2", "建立政企沟通机制", ["县工商联"], ["县工信局", "县商务局"], None, "monthly"),
    ]


def test_square_bracket_label_then_time_limit() -> None:
    text = (
        "某市2025年数字政府建设工作要点\n一、夯实数字基础设施\n"
        "（1）推进政务云扩容，新增政务云计算资源2000核。[责任单位]市数据局、市财政局，2025年12月31日前完成。\n"
        "（2）完善电子政务外网。[责任单位]市数据局（牵头）、各区县人民政府，长期坚持。\n"
    )
    out = gold(text.encode("utf-8"), "b.txt")
    assert rows(out) == [
        (("一", "（1）"), "推进政务云扩容，新增政务云计算资源2000核", [], ["市数据局", "市财政局"], "2025-12-31", None),
        (("一", "（2）"), "完善电子政务外网", ["市数据局"], ["各区县人民政府"], None, "ongoing"),
    ]
    assert [(t.value, t.unit) for t in find_targets("新增政务云计算资源2000核。")] == [(2000, "核")]
    assert find_targets("推进2项核心技术攻关。")[0].unit == "项"
