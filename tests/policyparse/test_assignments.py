"""Assignment clauses in every printed form (invented examples)."""

from __future__ import annotations

import pytest

from policyparse import parse_text
from policyparse.assignments import default_leads, find_clauses, in_sentence_roles, split_names


@pytest.mark.parametrize(
    ("clause", "lead", "responsible"),
    [
        (
            "（牵头部门：市商务局、市财政局，责任部门：市税务局、市海关）",
            ["市商务局", "市财政局"],
            ["市税务局", "市海关"],
        ),
        ("(牵头单位:区教育局;配合单位:区卫健委)", ["区教育局"], ["区卫健委"]),
        ("﹝责任主体：市水务局，各县(市)、区人民政府﹞", [], ["市水务局", "各县(市)、区人民政府"]),
        ("〔责任单位：市民政局〕", [], ["市民政局"]),
        ("【协办单位：市残联】", [], ["市残联"]),
        ("[主办单位:市文旅局]", ["市文旅局"], []),
        ("（市交通局牵头，市公安局、市城管局配合）", ["市交通局"], ["市公安局", "市城管局"]),
        (
            "（市人社局、市教育局牵头，市级各有关部门及各县市区政府按职责分工负责）",
            ["市人社局", "市教育局"],
            ["市级各有关部门及各县市区政府"],
        ),
        ("（市卫健委负责，市医保局参与）", ["市卫健委"], ["市医保局"]),
        ("（责任单位：市应急局、消防支队等，市有关部门按职责分工负责）", [], ["市应急局", "消防支队", "市有关部门"]),
    ],
)
def test_bracketed_clause_forms(clause: str, lead: list[str], responsible: list[str]) -> None:
    (c,) = find_clauses("推进示范建设，完善配套政策。" + clause)
    assert list(c.lead) == lead
    assert list(c.responsible) == responsible


def test_non_clause_brackets_are_ignored() -> None:
    assert find_clauses("支持企业(含个体工商户)发展，覆盖各县(市、区)。") == []


def test_split_keeps_parenthesised_and_administrative_groups() -> None:
    names = [n for n, _ in split_names("各县(市、区)人民政府、各市、县(市、区)、各县(市)、区人民政府、市发改委等")]
    assert names == ["各县(市、区)人民政府", "各市、县(市、区)", "各县(市)、区人民政府", "市发改委"]


def test_in_sentence_lead_and_responsible_only_for_government_actors() -> None:
    lead, resp = in_sentence_roles(
        "市数据局牵头制定实施细则。各区、县(市)也要积极配合。支持龙头企业和行业协会牵头组建联盟。"
    )
    assert lead == ["市数据局"]
    assert resp == ["各区、县(市)"]
    assert in_sentence_roles("明确牵头城市和协作城市，发挥领导小组的牵头协调作用。") == ([], [])


def test_document_default_lead() -> None:
    assert default_leads("市住建局负责统筹推进全市海绵城市建设，各区按职责落实。") == ["市住建局"]


DOC = """二、重点任务
（一）提升产业能级
1.做强食品产业。推动精深加工。
2.做优纺织产业。推动智能改造。
（牵头部门：市工信局，责任部门：市商务局，各县(市、区)人民政府负责落实。以下均需各县(市、区)人民政府落实，不再列出）
（二）优化发展环境
3.完善政策体系。出台专项政策。（牵头部门：市发改委，责任部门：市财政局）
4.强化人才支撑。引进高端人才。
牵头单位：市人社局
责任单位：市科技局、市教育局
"""


def test_section_clause_covers_preceding_items_and_carry_forward_applies_later() -> None:
    doc = parse_text(DOC)
    m1, m2, m3, m4 = doc.measures
    for m in (m1, m2):
        assert m.inherited is True
        assert m.lead == ("市工信局",)
        assert m.responsible == ("市商务局", "各县(市、区)人民政府")
    assert m3.inherited is False and m3.lead == ("市发改委",) and m3.responsible == ("市财政局",)
    assert m3.inherited_responsible == ("各县(市、区)人民政府",)
    assert m4.lead == ("市人社局",) and m4.responsible == ("市科技局", "市教育局")
    assert "以下均需各县(市、区)人民政府落实，不再列出" in doc.notes


def test_closing_paragraph_gives_default_leads_not_measure_leads() -> None:
    doc = parse_text(
        "一、重点任务\n1.建设示范园区。完善园区配套设施和服务功能。\n2.培育特色产业。引进龙头企业。\n"
        "市商务局负责统筹推进全市示范园区建设，市各相关部门根据各自职责协同推进相关工作。"
    )
    assert doc.default_leads == ("市商务局",)
    assert all(not m.lead for m in doc.measures)
    assert "市商务局负责统筹推进全市示范园区建设" in doc.notes
