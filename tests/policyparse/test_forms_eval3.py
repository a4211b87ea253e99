"""Forms found by the third removed invented round: invented snippets, one failure each.

- ``（A牵头，B、C配合；2025年三季度末前）``: a time limit inside the clause brackets (lead kept, deadline read);
- ``一、`` chapters over ``第一条`` articles: the articles are the chapter's children, the chapters no measures;
- a goal year governs its paragraph, a dated limit (``2025年6月底前``) only its sentence; ``2000年前建成的`` is
  a descriptor, not a year;
- a 一级任务 | 二级任务 | 具体措施 table (merged cells): the labelled level cells open the path, the measure is
  the 具体措施 cell, its ``1.`` label is the number;
- a site footer ``主办：…　承办：…`` is not an assignment.
"""

from __future__ import annotations

from typing import Any

from policyparse import parse_text

from .forms_util import docx_bytes, gold, rows

HEAD = """北塘县2025年城市更新重点任务清单
北塘县人民政府办公室
2025年1月15日
"""


def test_time_limit_inside_a_verb_clause() -> None:
    out = gold(
        (
            HEAD
            + "一、基础设施\n"
            + "1.道路更新。改造背街小巷120条。（县城管局牵头，县交通局、各镇人民政府配合；2025年三季度末前）\n"
            + "2.管网改造。改造老旧管网28公里。（县住建局、县水务局按职责分工负责；2025年11月底前）\n"
            + "3.项目谋划。全年储备项目50个。（县发改局牵头，县更新中心配合；每季度）\n"
        ).encode(),
        "qingdan.txt",
    )
    assert rows(out) == [
        (("一", "1"), "道路更新", ["县城管局"], ["县交通局", "各镇人民政府"], "2025-09-30", None),
        (("一", "2"), "管网改造", [], ["县住建局", "县水务局"], "2025-11-30", None),
        (("一", "3"), "项目谋划", ["县发改局"], ["县更新中心"], None, "quarterly"),
    ]


def test_articles_under_numbered_chapters() -> None:
    text = (
        "北塘县促进科技创新若干措施\n北塘县人民政府\n2025年4月8日\n"
        "一、强化企业主体\n"
        "第一条　加大研发激励。到2027年研发投入强度达到2.5%。（责任单位：县科技局，县财政局）\n"
        "第二条　培育高企。每年新增科技型中小企业30家。（责任单位：县科技局）\n"
        "二、集聚人才\n"
        "第三条　引进人才。引进人才团队5个。（责任单位：县委人才办）\n"
        "三、附则\n"
        "第四条　本措施自2025年5月1日起施行。\n"
    )
    out = gold(text.encode(), "cuoshi.txt")
    assert [tuple(m["path"]) for m in out["measures"]] == [("一", "第一条"), ("一", "第二条"), ("二", "第三条")]


def test_dated_limit_governs_its_sentence_and_past_years_are_descriptors() -> None:
    doc = parse_text(
        HEAD
        + "一、重点任务\n"
        + "1.老旧小区改造。完成2000年前建成的老旧小区改造85个。\n"
        + "2.深化改革。2025年6月底前新增集成服务事项10个。\n推行免证办，电子证照应用率达到90%以上。\n"
        + "3.优化服务。到2026年，网办率达到95%。\n帮办代办覆盖率达到80%。\n"
    )
    years = {m.path: [(t.value, t.year) for t in m.targets] for m in doc.measures}
    assert years[("一", "1")] == [(85, None)]
    assert years[("一", "2")] == [(10, 2025), (90, None)]
    assert years[("一", "3")] == [(95, 2026), (80, None)]
    assert doc.measures[0].deadline is None


def _level_table(d: Any) -> None:
    d.add_paragraph("北塘县制造业2025年重点任务清单")
    d.add_paragraph("北塘县人民政府办公室")
    d.add_paragraph("2025年1月20日")
    data = [
        ("一级任务", "二级任务", "具体措施", "牵头单位", "责任单位", "完成时限"),
        ("一、推动产业升级", "（一）壮大产业集群", "1.新培育专精特新企业30家。", "县工信局", "县科技局", "11月底前"),
        ("", "", "2.新建5G专网20个。", "县通信办", "县工信局", "2025年12月31日前"),
        ("", "（二）加快数字化转型", "3.完成企业数字化诊断600家。", "县工信局", "县数据局", "每季度"),
        ("二、扩大有效投资", "（三）抓好项目建设", "4.新增制造业贷款15亿元。", "县金融办", "县财政局", "2025年底"),
    ]
    table = d.add_table(rows=len(data), cols=6)
    for r, cells in enumerate(data):
        for c, value in enumerate(cells):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(3, 0))
    table.cell(1, 1).merge(table.cell(2, 1))


def test_docx_table_with_merged_level_columns() -> None:
    out = gold(docx_bytes(_level_table), "qingdan.docx")
    assert rows(out) == [
        (("一", "（一）", "1"), "新培育专精特新企业30家", ["县工信局"], ["县科技局"], "2025-11-30", None),
        (("一", "（一）", "2"), "新建5G专网20个", ["县通信办"], ["县工信局"], "2025-12-31", None),
        (("一", "（二）", "3"), "完成企业数字化诊断600家", ["县工信局"], ["县数据局"], None, "quarterly"),
        (("二", "（三）", "4"), "新增制造业贷款15亿元", ["县金融办"], ["县财政局"], "2025-12-31", None),
    ]
    assert [t["value"] for t in out["measures"][1]["targets"]] == [20]


def test_site_footer_credit_line_is_not_an_assignment() -> None:
    html = (
        "<html><body><div id='zoom'><p>北塘县数字乡村实施方案</p><p>北塘县人民政府办公室</p><p>2025年3月18日</p>"
        "<p>一、重点任务</p><p>（一）加快网络建设。新建5G基站300个。</p><p>牵头单位：县工信局；配合单位：县财政局。</p>"
        "<p>（二）强化督促落实。每半年通报一次进展。</p></div>"
        "<div class='footer'><p>主办：北塘县人民政府办公室　　承办：北塘县大数据中心</p></div></body></html>"
    )
    out = gold(html.encode(), "fangan.html")
    assert rows(out)[-1] == (("一", "（二）"), "强化督促落实", [], [], None, "semiannual")
