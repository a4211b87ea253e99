"""Forms found by the removed invented set: category columns named 任务类别, tables copied as
one cell per line, carried-forward sentences in the covering letter, in-sentence leads whose names contain
社会/企业, validity clauses, and 对-sentences that are not conditions (invented documents)."""

from __future__ import annotations

from typing import Any

from policyparse.targets import find_targets

from .forms_util import docx_bytes, gold, rows


def _table_doc(d: Any) -> None:
    d.add_paragraph("某县2024年重点工作任务分解方案")
    d.add_paragraph("一、工作目标")
    d.add_paragraph("到2024年底，营商环境持续优化。")
    d.add_paragraph("二、重点任务")
    d.add_paragraph("全年重点任务共3项，具体分解如下：")
    table = d.add_table(rows=4, cols=6)
    data = [
        ["序号", "任务类别", "工作任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "政务服务", "推出集成服务场景10个以上。", "县行政审批局", "县市场监管局", "2024年6月底前"],
        ["2", "", "推进跨省通办。", "县行政审批局", "县直有关部门", "每季度"],
        ["3", "要素保障", "新增普惠小微贷款5亿元以上。", "县金融服务中心", "县财政局、县工信局", "2024年12月底前"],
    ]
    for r, cells in enumerate(data):
        for c, value in enumerate(cells):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 1).merge(table.cell(2, 1))  # the category column is merged down
    d.add_paragraph("三、工作要求")
    d.add_paragraph("（一）加强组织领导。各牵头单位要明确具体责任人。")


def test_category_column_named_task_type_and_heading_only_owner() -> None:
    out = gold(docx_bytes(_table_doc), "plan.docx")
    assert rows(out) == [
        (("二", "1"), "推出集成服务场景10个以上", ["县行政审批局"], ["县市场监管局"], "2024-06-30", None),
        (("二", "2"), "推进跨省通办", ["县行政审批局"], ["县直有关部门"], None, "quarterly"),
        (("二", "3"), "新增普惠小微贷款5亿元以上", ["县金融服务中心"], ["县财政局", "县工信局"], "2024-12-31", None),
        (("三", "（一）"), "加强组织领导", [], [], None, None),
    ]


FLAT = """某县2024年安全生产重点工作任务清单
各乡镇人民政府：
县安委会办公室负责统筹推进。以下任务均需各乡镇（街道）落实，不再列出。
某县安全生产委员会办公室
2024年2月19日
序号
工作任务
牵头单位
配合单位
完成时限
1
开展燃气安全专项整治，更新改造管道45公里。
县住房城乡建设局
县市场监管局、县应急管理局
2024年10月底前
2
开展消防安全隐患排查整治。
县消防救援大队

2024年6月底前
3
加强危险化学品安全监管。
县应急管理局
县公安局
每季度
【打印本页】 【关闭窗口】
"""


def test_table_copied_one_cell_per_line_with_empty_cell_and_carry_sentence() -> None:
    out = gold(FLAT.encode("utf-8"), "flat.txt")
    assert rows(out) == [
        (
            ("1",),
            "开展燃气安全专项整治，更新改造管道45公里",
            ["县住房城乡建设局"],
            ["县市场监管局", "县应急管理局"],
            "2024-10-31",
            None,
        ),
        (("2",), "开展消防安全隐患排查整治", ["县消防救援大队"], [], "2024-06-30", None),
        (("3",), "加强危险化学品安全监管", ["县应急管理局"], ["县公安局"], None, "quarterly"),
    ]
    assert all(m["inherited_responsible"] == ["各乡镇（街道）"] for m in out["measures"])
    assert [t["value"] for t in out["measures"][0]["targets"]] == [45]


PLAN = """某市行动计划
一、重点任务
（一）加强人才培养。每年培训1000人次以上。市人力资源社会保障局牵头，市工业和信息化局、市教育局配合。
（二）强化公共服务。每季度发布一期典型案例。由市中小企业服务中心牵头组织实施。
（三）支持企业创新。鼓励民营企业牵头组建创新联合体。
二、其他
（一）营造良好氛围。加强宣传。

各地要结合实际抓好落实。本计划自印发之日起施行，有效期至2026年12月31日。
"""


def test_in_sentence_leads_with_social_or_enterprise_in_the_name_and_validity_clause() -> None:
    got = [(m[0], m[2], m[3], m[4]) for m in rows(gold(PLAN.encode("utf-8"), "plan.txt"))]
    assert got == [
        (("一", "（一）"), ["市人力资源社会保障局"], ["市工业和信息化局", "市教育局"], None),
        (("一", "（二）"), ["市中小企业服务中心"], [], None),
        (("一", "（三）"), [], [], None),
        (("二", "（一）"), [], [], None),  # 有效期至… is the document's validity, not a deadline
    ]


def test_dui_sentence_without_a_grant_keeps_its_later_targets() -> None:
    text = "对全区背街小巷实施路面修补、立面整治，年内完成整治60条。"
    assert [(t.value, t.unit) for t in find_targets(text)] == [(60, "条")]
    # an eligibility condition with a grant is still skipped as a whole
    assert find_targets("对总投资5亿元以上、设备投资不低于50%的项目，按设备投资额的20%给予补助。") == []


def test_amount_threshold_qualifying_a_noun_is_not_a_target() -> None:
    text = "将超过400万元的工程采购项目中适宜由中小企业提供的预留份额提高至40%以上。"
    assert [(t.value, t.unit) for t in find_targets(text)] == [(40, "%")]
