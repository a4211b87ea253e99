"""Forms seen in real documents (issue 9), each in a short text written for this test.

Every test names the real layout it stands for: the State Council documents of ../shared/corpus (d01–d10), the
provincial and district 分工方案 (p11–p14), or forms reported from real documents outside the corpus.
"""

from __future__ import annotations

import datetime as dt

from policyparse import parse_text


def _one(text: str):  # type: ignore[no-untyped-def]
    doc = parse_text(text)
    assert len(doc.measures) >= 1, doc.warnings
    return doc.measures[0]


HEAD = "关于推进示范区建设的实施意见\n江政发〔2021〕12号\n二、重点任务\n"


def test_lead_and_units_by_duty() -> None:
    """State Council 分工方案: （X牵头，Y、Z按职责分工负责）."""
    m = _one(HEAD + "（一）完善标准体系。制定地方标准10项。（市市场监管局牵头，市工信局、市住建局按职责分工负责）\n")
    assert m.lead == ("市市场监管局",)
    assert m.responsible == ("市工信局", "市住建局")


def test_lead_with_others_and_all_regions() -> None:
    """（X牵头，Y等国务院相关部门及各地区按职责分工负责）: 等…相关部门 closes Y's list, 及 adds 各地区."""
    m = _one(HEAD + "（一）推进简政放权。（国家发展改革委牵头，商务部等国务院相关部门及各地区按职责分工负责）\n")
    assert m.lead == ("国家发展改革委",)
    assert m.responsible == ("商务部", "各地区")


def test_all_responsible_with_provincial_governments() -> None:
    """（A、B、C等和各有关省级人民政府负责）, no lead rule printed: every unit is responsible."""
    m = _one(HEAD + "（一）加强质量监管。（市场监管总局、工业和信息化部、农业农村部等和各有关省级人民政府负责）\n")
    assert m.lead == ()
    assert m.responsible == ("市场监管总局", "工业和信息化部", "农业农村部", "各有关省级人民政府")


def test_no_division_carried_forward() -> None:
    """〔责任单位：…。…不再做分工，下同。〕: the units of the second sentence apply to the later items too."""
    doc = parse_text(
        HEAD + "1．推进数据共享。〔责任单位：省政务服务数据管理局。各地级以上市人民政府负责落实，不再做分工，下同。〕\n"
        "2．完善信用体系。〔责任单位：省发展改革委〕\n"
    )
    m1, m2 = doc.measures
    assert "省政务服务数据管理局" in m1.responsible
    assert "各地级以上市人民政府" in (m1.responsible + m1.inherited_responsible)
    assert m2.responsible == ("省发展改革委",)
    assert m2.inherited_responsible == ("各地级以上市人民政府",)


def test_two_levels_measures_under_a_task() -> None:
    """A task （一） with 具体措施：1．2． run into its paragraph, each with its own clause."""
    doc = parse_text(
        HEAD + "（一）提升创新能力。支持企业建设研发机构，推动产学研合作，加快科技成果转化。具体措施：1．建设创新平台。"
        "新建省级平台5个。（市科技局负责）2．培育科技企业。新增高新技术企业100家。（市科技局、市财政局负责）\n"
        "（二）优化营商环境。深化改革，优化服务，降低企业制度性交易成本。（市发展改革委负责）\n"
    )
    got = {"/".join(m.path): m.responsible for m in doc.measures}
    assert got["二/（一）/1"] == ("市科技局",)
    assert got["二/（一）/2"] == ("市科技局", "市财政局")
    assert got["二/（二）"] == ("市发展改革委",)


def test_deadlines_inside_the_text_take_the_document_year() -> None:
    """Deadlines printed in the measure (d06/d08 and 分工方案): 年底前 and 12月底前 take the document's year."""
    doc = parse_text(
        "关于做好2021年重点工作的通知\n江政办发〔2021〕3号\n一、重点工作\n"
        "（一）完成排查整治。2021年6月底前完成全面排查。\n"
        "（二）建立长效机制。年底前出台管理办法。\n"
        "（三）推进平台建设。12月底前建成运行。\n"
        "（四）开展专项行动。持续推进，长期坚持。\n"
        "（五）完善配套政策。（市财政局牵头，市税务局配合，6月底完成）\n"
        "（六）抓好宣传培训。广泛宣传政策，组织开展业务培训。\n"
    )
    got = {m.path[-1]: (m.deadline, m.deadline_text, m.recurring) for m in doc.measures}
    assert got["（一）"][0] == dt.date(2021, 6, 30)
    assert got["（二）"][:2] == (dt.date(2021, 12, 31), "年底前")
    assert got["（三）"][0] == dt.date(2021, 12, 31)
    assert got["（四）"][0] is None and got["（四）"][2] == "ongoing"
    assert got["（五）"][0] == dt.date(2021, 6, 30)
    assert got["（六）"] == (None, None, None)


def test_more_role_labels() -> None:
    """参与单位, 协同单位, 配合部门, 责任科室, and 责任领导 (a person, never a unit)."""
    doc = parse_text(
        HEAD + "1．推进项目建设。（责任领导：张三；牵头单位：市发改委；参与单位：市财政局）\n"
        "2．加强要素保障。（牵头单位：市自然资源局；协同单位：市住建局）\n"
        "3．优化审批服务。（牵头部门：市政务服务局；配合部门：市司法局）\n"
        "4．做好内部管理。（责任科室：办公室、财务科）\n"
    )
    m1, m2, m3, m4 = doc.measures
    assert (m1.lead, m1.responsible) == (("市发改委",), ("市财政局",))
    assert (m2.lead, m2.responsible) == (("市自然资源局",), ("市住建局",))
    assert (m3.lead, m3.responsible) == (("市政务服务局",), ("市司法局",))
    assert m4.responsible == ("办公室", "财务科")


def test_traditional_labels() -> None:
    """牽頭單位 / 配合單位 in traditional characters: units come back as printed."""
    m = _one(
        "關於推動產業發展的實施方案\n一、重點工作\n（一）推動數位轉型。（牽頭單位：市經濟發展局；配合單位：市財政局）"
    )
    assert m.lead == ("市經濟發展局",)
    assert m.responsible == ("市財政局",)


TABLE = """关于印发2024年重点工作任务分解表的通知
江政办〔2024〕5号
重点工作任务分解表
序号|重点任务|牵头单位|责任单位|完成时限
1|推进数字政府建设，建成一体化平台。|市政务服务局|市大数据中心|2024年6月底前
2|开展安全生产大检查。|市应急局|各县（市、区）人民政府|年底前
3|做好防汛抗旱工作。|市水利局|市气象局|全年
4|深化营商环境改革。|市发改委|市市场监管局|持续推进
5|加强干部队伍建设。|办公室牵头,各科室配合||长期
"""


def test_table_deadline_column_and_lead_written_in_the_unit_cell() -> None:
    """分工表 with a 完成时限 column (年底前, 全年, 持续推进, 长期) and 办公室牵头,各科室配合 in the lead cell."""
    got = {m.path[-1]: m for m in parse_text(TABLE).measures}
    assert got["1"].deadline == dt.date(2024, 6, 30)
    assert (got["2"].deadline, got["2"].deadline_text) == (dt.date(2024, 12, 31), "年底前")
    assert got["3"].deadline == dt.date(2024, 12, 31)
    assert (got["4"].deadline, got["4"].recurring) == (None, "ongoing")
    assert (got["5"].lead, got["5"].responsible, got["5"].recurring) == (("办公室",), ("各科室",), "ongoing")


def test_table_with_bar_lines_between_cells_and_no_number_column() -> None:
    """A table pasted with each cell on its own line and a line holding only | between cells; no 序号 column."""
    cells = [
        ["工作任务", "牵头单位", "配合单位", "时限要求"],
        ["推进数字政府建设。", "市政务服务局", "市大数据中心", "2024年6月底前"],
        ["开展安全生产大检查。", "市应急局", "市消防救援支队", "2024年底前"],
    ]
    text = "2024年工作要点分解\n" + "\n".join("\n|\n".join(row) for row in cells) + "\n"
    doc = parse_text(text)
    assert [(m.title, m.lead, m.responsible, m.deadline) for m in doc.measures] == [
        ("推进数字政府建设", ("市政务服务局",), ("市大数据中心",), dt.date(2024, 6, 30)),
        ("开展安全生产大检查", ("市应急局",), ("市消防救援支队",), dt.date(2024, 12, 31)),
    ]


def test_a_year_followed_by_completion_is_a_deadline() -> None:
    """分工方案 print year-only deadlines (力争2021年建成); a year already past (2018年完成…) is a fact, not a task."""
    doc = parse_text(
        "关于做好2020年重点工作的通知\n江政办发〔2020〕3号\n一、重点工作\n"
        "（一）推进5G网络建设。力争2021年建成全覆盖的网络。\n"
        "（二）巩固改革成果。2018年完成投资100亿元，继续扩大有效投资。\n"
        "（三）改造老旧小区。对2000年前建成的老旧小区实施改造。\n"
    )
    got = {m.path[-1]: (m.deadline, m.deadline_text) for m in doc.measures}
    assert got["（一）"] == (dt.date(2021, 12, 31), "力争2021年")
    assert got["（二）"] == (None, None)
    assert got["（三）"] == (None, None)


def test_closing_text_after_one_paragraph_items_is_not_the_last_item() -> None:
    """d04/d10: items of one paragraph each, then the document's closing paragraph (with a date of its own);
    a second paragraph of the last item that carries a clause stays with it."""
    items = "".join(f"{n}、完善第{n}项制度。（市发改委负责）\n" for n in "一二三四五")
    doc = parse_text(
        "关于加强督查激励的通知\n江政办发〔2018〕9号\n"
        + items
        + "六、加强宣传引导。广泛宣传政策。\n营造良好氛围。（市委宣传部负责）\n"
        "各有关部门要认真组织实施，于2018年12月31日前报送实施办法。\n"
    )
    last = doc.measures[-1]
    assert last.path == ("六",) and last.responsible == ("市委宣传部",)
    assert "报送实施办法" not in last.text and last.deadline is None
