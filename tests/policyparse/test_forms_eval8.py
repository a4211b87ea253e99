"""Forms found by the eighth removed invented round: invented snippets.

- a 责任单位 cell with one unit per line (``A（牵头）<br>B<br>C`` in HTML, one paragraph per unit in Word) is a list;
- a task table's dated time limit keeps the deadline and takes an explicit frequency from the task text;
- ``完成时限：长期坚持`` with ``每季度…`` in the text → quarterly (as task-table rows already did);
- a time-limit field ``全年``/``年内`` without a year → 12-31 of the document's year;
- a closing paragraph after the last section's task table does not turn that heading into a measure.
"""

from __future__ import annotations

from typing import Any

from .forms_util import docx_bytes, gold, rows

_HEAD = (
    "某市人民政府办公室关于印发某市工作要点的通知\n某政办发〔2023〕9号\n"
    "某市人民政府办公室\n2023年2月20日\n某市工作要点\n"
)


def test_html_cell_units_on_separate_lines() -> None:
    page = (
        "<html><body><p>附件</p><table border='1'>"
        "<tr><th>序号</th><th>重点任务</th><th>责任单位</th><th>完成时限</th></tr>"
        "<tr><td>1</td><td>新建5G基站1500个。</td><td>市通信发展办（牵头）<br>市工信局<br>各区县人民政府</td>"
        "<td>2024年12月底前</td></tr>"
        "<tr><td>2</td><td>建设数据交易平台。</td><td>市统计局<br/>市工信局</td><td>2024年9月底前</td></tr>"
        "</table></body></html>"
    )
    got = rows(gold(page.encode("utf-8"), "p.html"))
    assert [(r[0], r[2], r[3]) for r in got] == [
        (("1",), ["市通信发展办"], ["市工信局", "各区县人民政府"]),
        (("2",), [], ["市统计局", "市工信局"]),
    ]


def test_docx_cell_units_in_paragraphs() -> None:
    def build(d: Any) -> None:
        d.add_paragraph("一、提升服务")
        t = d.add_table(rows=2, cols=3)
        for c, v in enumerate(["重点任务", "责任单位", "完成时限"]):
            t.cell(0, c).text = v
        t.cell(1, 0).text = "推行企业开办“一网通办”。"
        t.cell(1, 1).text = "县市场监管局（牵头）"
        t.cell(1, 1).add_paragraph("县政务服务中心")
        t.cell(1, 2).text = "2025年6月底前"

    got = rows(gold(docx_bytes(build), "d.docx"))
    assert [(r[2], r[3], r[4]) for r in got] == [(["县市场监管局"], ["县政务服务中心"], "2025-06-30")]


def test_row_deadline_keeps_text_frequency() -> None:
    text = (
        "附件\n序号|重点任务|责任单位|完成时限\n"
        "1|完善统计监测制度，按季度发布运行情况。|市统计局|2024年6月底前\n"
        "2|推进智慧城市建设。|市大数据局|2024年12月底前\n"
    )
    got = rows(gold(text.encode("utf-8"), "t.txt"))
    assert [(r[4], r[5]) for r in got] == [("2024-06-30", "quarterly"), ("2024-12-31", None)]


def test_ongoing_limit_line_takes_text_frequency() -> None:
    s = "\u3000"
    text = (
        "某市促进消费若干措施\n一、提升文旅消费。推出精品旅游线路20条，每季度发布文旅消费地图。\n"
        f"牵头单位：市文广旅局{s}配合单位：市商务局{s}完成时限：长期坚持\n"
        "二、发展县域商业。新建乡镇商贸中心15个。\n"
        f"牵头单位：市商务局{s}配合单位：市供销社{s}完成时限：2025年11月底前\n"
    )
    got = rows(gold(text.encode("utf-8"), "c.txt"))
    assert got == [
        (("一",), "提升文旅消费", ["市文广旅局"], ["市商务局"], None, "quarterly"),
        (("二",), "发展县域商业", ["市商务局"], ["市供销社"], "2025-11-30", None),
    ]


def test_whole_year_limit_takes_document_year() -> None:
    text = _HEAD + (
        "一、蓝天保卫战\n（一）加强扬尘治理。达标率达到95%以上。（责任单位：市住建局；完成时限：全年）\n"
        "（二）推进污水管网建设。新建管网50公里。（责任单位：市住建局；完成时限：下半年）\n"
        "（三）开展土壤调查。制定年度名录。（责任单位：市生态环境局；完成时限：3月底前）\n"
    )
    got = rows(gold(text.encode("utf-8"), "w.txt"))
    assert [r[4] for r in got] == ["2023-12-31", "2023-12-31", "2023-03-31"]


def test_closing_paragraph_after_last_section_table() -> None:
    def build(d: Any) -> None:
        sections = (("一、提升政务服务水平", "推进高效办成一件事。"), ("二、加强法治保障", "推行包容审慎监管。"))
        for head, task in sections:
            d.add_paragraph(head)
            t = d.add_table(rows=2, cols=3)
            for c, v in enumerate(["重点任务", "责任单位", "完成时限"]):
                t.cell(0, c).text = v
            for c, v in enumerate([task, "县司法局", "2025年5月底前"]):
                t.cell(1, c).text = v
        d.add_paragraph("各乡镇、各部门要对照任务分工，细化工作措施，确保按期完成。")

    got = rows(gold(docx_bytes(build), "d.docx"))
    assert [r[0] for r in got] == [("一", "1"), ("二", "1")]
