"""Forms found by the fourth removed invented round (messy artifacts of real files): invented snippets.

- text copied from a PDF: paragraphs hard-wrapped inside sentences, names and clauses, page numbers
  (``— 2 —``, ``-3-``, ``第 2 页 共 5 页``) and a running header on every page;
- ``牵头单位：…`` lines printed BEFORE each item (after the section heading for the first one);
- a clause naming only 责任单位 in a measure that says ``由X牵头`` → X leads;
- a section whose only content points at the 附件 task table (``具体分解见附件``) is not a measure;
- ``目标任务`` is a goals section; ``3片`` is a target unit.
"""

from __future__ import annotations

from policyparse.layout import drop_page_furniture, reflow

from .forms_util import docx_bytes, gold, rows

HEAD = "石湾市人民政府关于推进县域商业体系建设的实施意见\n石政发〔2025〕3号\n"


def _wrap(text: str, width: int = 24) -> str:
    out: list[str] = []
    for para in text.splitlines():
        out.extend(para[i : i + width] for i in range(0, len(para), width))
    return "\n".join(out)


def test_pdf_copy_is_reflowed_and_page_furniture_dropped() -> None:
    body = _wrap(
        "一、重点任务\n"
        "（一）完善县域商业网点。改造提升乡镇商贸中心，到2026年建成乡镇商贸中心40个，培育连锁门店"
        "2.5万家。（牵头部门：市商务局，责任部门：市发展和改革委、市供销社，各县（市、区）人民政府）\n"
        "（二）发展农村寄递物流。整合邮政快递资源，建设县级物流配送中心，每年新增村级寄递服务站点300个。"
        "（牵头部门：市邮政管理局，责任部门：市交通运输局、市商务局）\n"
        "（三）培育农村电商主体。开展电商进农村综合示范，2025年底前培训农村电商人才5000人次以上。"
        "（牵头部门：市商务局，责任部门：市人力资源和社会保障局、市农业农村局）"
    ).split("\n")
    header = "石湾市人民政府规范性文件"
    lines = body[:5] + ["— 2 —", header] + body[5:10] + ["-3-", header] + body[10:]
    text = HEAD + "\n".join(lines) + "\n第 4 页 共 4 页\n石湾市人民政府\n2025年2月8日\n"
    out = gold(text.encode(), "pdf.txt")
    assert rows(out) == [
        (("一", "（一）"), "完善县域商业网点", ["市商务局"], ["市发展和改革委", "市供销社", "各县（市、区）人民政府"],
         "2026-12-31", None),
        (("一", "（二）"), "发展农村寄递物流", ["市邮政管理局"], ["市交通运输局", "市商务局"], None, "annual"),
        (("一", "（三）"), "培育农村电商主体", ["市商务局"], ["市人力资源和社会保障局", "市农业农村局"],
         "2025-12-31", None),
    ]  # fmt: skip
    values = [(t["value"], t["year"]) for t in out["measures"][0]["targets"]]
    assert values == [(40, 2026), (2.5, 2026)]


def test_page_furniture_lines() -> None:
    head = "某市文件"
    lines = [head, "正文第一段。", "— 2 —", head, "正文第二段。", "第 3 页 共 9 页", head, "正文。", "-4-"]
    assert drop_page_furniture(lines) == ["某市文件", "正文第一段。", "正文第二段。", "正文。"]
    assert drop_page_furniture(["一、任务", "1/2 是什么"]) == ["一、任务", "1/2 是什么"]


def test_unwrapped_text_is_left_alone() -> None:
    lines = [
        "（一）加强统筹。建立工作专班，统筹推进各项任务落实，定期通报进展情况。（牵头单位：市发展改革委）",
        "（二）强化保障。市财政安排专项资金，统筹用好各类资金支持项目建设和运营。（责任单位：市财政局）",
    ] * 5
    assert reflow(lines) == lines
    wrapped = ["一、任务", "（一）加强统筹。建立工作专班，统筹推", "进各项任务落实。（牵头单位：市发", "展改革委）"] * 5
    joined = reflow(wrapped)
    assert "（一）加强统筹。建立工作专班，统筹推进各项任务落实。（牵头单位：市发展改革委）" in joined
    assert joined.count("一、任务") == 5


def test_clause_printed_before_each_item() -> None:
    text = (
        HEAD
        + "一、提升农贸市场\n"
        + "牵头单位：市商务局；责任单位：市市场监管局\n"
        + "1.改造标准化农贸市场。到2025年底改造农贸市场30个。\n"
        + "牵头单位：市城管局\n"
        + "责任单位：市商务局、各区人民政府\n"
        + "2.整治市场周边环境。开展市场周边秩序整治。\n"
        + "牵头单位：市市场监管局；责任单位：市农业农村局\n"
        + "3.强化食品安全抽检。每月开展一次快检抽检。\n"
        + "二、完善保障\n"
        + "1.落实资金。市财政安排专项资金。\n"
        + "2.加强考核。纳入年度考核。\n"
        + "（责任单位：市财政局）\n"
    )
    out = gold(text.encode(), "before.txt")
    got = [(m["path"], m["lead"], m["responsible"], m["inherited"]) for m in out["measures"]]
    assert got == [
        (["一", "1"], ["市商务局"], ["市市场监管局"], False),
        (["一", "2"], ["市城管局"], ["市商务局", "各区人民政府"], False),
        (["一", "3"], ["市市场监管局"], ["市农业农村局"], False),
        (["二", "1"], [], ["市财政局"], True),
        (["二", "2"], [], ["市财政局"], True),
    ]


def test_in_sentence_lead_completes_a_responsible_only_clause() -> None:
    text = (
        HEAD
        + "一、保障措施\n"
        + "（一）加强协调。建立联席会议制度，由市商务局牵头，定期会商重大问题。（责任单位：市有关部门）\n"
        + "（二）强化宣传。支持行业协会牵头开展宣传活动。（责任单位：市委宣传部）\n"
    )
    out = gold(text.encode(), "lead.txt")
    assert [(m["lead"], m["responsible"]) for m in out["measures"]] == [
        (["市商务局"], ["市有关部门"]),
        ([], ["市委宣传部"]),
    ]


def test_section_pointing_to_the_annex_table_is_not_a_measure() -> None:
    def build(d: object) -> None:
        d.add_paragraph("石湾市人民政府办公室关于印发数字乡村重点任务分解方案的通知")  # type: ignore[attr-defined]
        d.add_paragraph("一、重点任务")  # type: ignore[attr-defined]
        d.add_paragraph("围绕三个方面明确6项重点任务，具体分解见附件。")  # type: ignore[attr-defined]
        d.add_paragraph("二、保障措施")  # type: ignore[attr-defined]
        d.add_paragraph("（一）加强领导。建立工作专班。（牵头单位：市农业农村局）")  # type: ignore[attr-defined]
        d.add_paragraph("附件")  # type: ignore[attr-defined]
        t = d.add_table(rows=3, cols=5)  # type: ignore[attr-defined]
        for r, cells in enumerate(
            [
                ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
                ["1", "建设数字农业基地。建设基地5个。", "市农业农村局", "市数据局", "2025年10月底"],
                ["2", "推广智慧农机。推广农机200台。", "市农业农村局", "市财政局", "每季度"],
            ]
        ):
            for c, value in enumerate(cells):
                t.cell(r, c).text = value

    out = gold(docx_bytes(build), "annex.docx")
    assert [tuple(m["path"]) for m in out["measures"]] == [("二", "（一）"), ("1",), ("2",)]
    assert out["measures"][1]["deadline"] == "2025-10-31"


def test_goal_task_section_and_pian_unit() -> None:
    text = (
        HEAD
        + "一、目标任务\n到2026年，建成示范街区10个。\n"
        + "二、重点任务\n1.改造历史街区。修缮提升历史文化街区3片。（责任单位：市住建局）\n"
        + "2.建设特色街区。到2026年建成特色街区5个。（责任单位：市商务局）\n"
    )
    out = gold(text.encode(), "goal.txt")
    assert [m["path"] for m in out["measures"]] == [["二", "1"], ["二", "2"]]
    assert [(t["value"], t["unit"]) for t in out["measures"][0]["targets"]] == [(3, "片")]
