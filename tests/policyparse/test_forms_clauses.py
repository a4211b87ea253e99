"""Per-item assignment clauses in the shapes real task lists use (invented documents).

Annotation choices: ``牵头…`` → lead, ``责任/配合/参与…`` → responsible; ``（A负责，B参与）`` makes
A the lead; an official's name (``牵头领导：李明``) is never a unit; ``完成时限`` inside a clause
gives the deadline; labelled lines under an item belong to that item only (they do not cover
clause-less siblings above it, which a bracketed section clause on its own line does).
"""

from __future__ import annotations

from .forms_util import gold, rows

DOC = """关于印发《青山市2024年优化营商环境重点任务清单》的通知
青政办发〔2024〕12号
各区人民政府，市政府各部门：
现将《青山市2024年优化营商环境重点任务清单》印发给你们，请认真贯彻执行。
青山市人民政府办公室
2024年3月8日
青山市2024年优化营商环境重点任务清单
一、提升政务服务效能
（一）深化“一网通办”改革。推动高频事项全程网办，网办率达到95%以上。（责任单位：市政务服务局；完成时限：2024年底前）
（二）推行告知承诺制。梳理公布告知承诺事项清单。【牵头单位】市司法局【配合单位】市政务服务局、市市场监管局
（三）优化企业开办服务。企业开办时间压缩至1个工作日以内。
责任单位：市市场监管局
牵头单位：市政务服务局
完成时限：2024年6月底前
二、强化要素保障
（一）保障重点项目用地。做好新增建设用地计划指标统筹。（牵头：市自然资源局；配合：市发改委）
（二）拓宽企业融资渠道。开展银企对接活动。（市金融办牵头，市财政局、人民银行青山市分行按职责分工负责）
（三）加强用工服务。组织线上线下招聘会。（市人社局负责，市总工会参与）
（四）降低企业用能成本。落实阶段性降电价政策。
牵头领导：李明
牽頭單位：市發展和改革委員會
責任單位：國網青山供電公司
（五）规范涉企收费。开展涉企收费专项检查。【责任单位】市市场监管局【完成时限】2024年9月底前
"""


def test_clause_shapes() -> None:
    out = gold(DOC.encode(), "qingdan.txt")
    assert out["title"] == "关于印发《青山市2024年优化营商环境重点任务清单》的通知"
    assert out["issued"] == "2024-03-08"
    assert rows(out) == [
        (("一", "（一）"), "深化“一网通办”改革", [], ["市政务服务局"], "2024-12-31", None),
        (("一", "（二）"), "推行告知承诺制", ["市司法局"], ["市政务服务局", "市市场监管局"], None, None),
        (("一", "（三）"), "优化企业开办服务", ["市政务服务局"], ["市市场监管局"], "2024-06-30", None),
        (("二", "（一）"), "保障重点项目用地", ["市自然资源局"], ["市发改委"], None, None),
        (("二", "（二）"), "拓宽企业融资渠道", ["市金融办"], ["市财政局", "人民银行青山市分行"], None, None),
        (("二", "（三）"), "加强用工服务", ["市人社局"], ["市总工会"], None, None),
        # units are kept in the characters they are printed in (traditional lines stay traditional)
        (("二", "（四）"), "降低企业用能成本", ["市發展和改革委員會"], ["國網青山供電公司"], None, None),
        (("二", "（五）"), "规范涉企收费", [], ["市市场监管局"], "2024-09-30", None),
    ]
    first = out["measures"][0]
    assert first["deadline_text"] == "2024年底前"
    assert [t["value"] for t in first["targets"]] == [95]
    assert all(m["inherited"] is False for m in out["measures"])
    assert not any("李明" in n for m in out["measures"] for n in m["lead"] + m["responsible"])


def test_labelled_lines_below_an_item_do_not_cover_siblings_above() -> None:
    text = """一、重点任务
（一）推进产业园区扩容。新建标准厂房10万平方米。
（二）完善园区配套。建设人才公寓500套。
牵头单位：区住建局
配合单位：区财政局
（三）优化园区服务。
配合单位：区市场监管局
牵头单位：区行政审批局
"""
    out = gold(text.encode(), "a.txt")
    assert [(m["lead"], m["responsible"], m["inherited"]) for m in out["measures"]] == [
        ([], [], False),
        (["区住建局"], ["区财政局"], False),
        (["区行政审批局"], ["区市场监管局"], False),
    ]


def test_bracketed_clause_on_own_line_still_covers_the_run_above() -> None:
    text = """一、重点任务
1.做强食品产业。推动精深加工。
2.做优纺织产业。推动智能改造。
（牵头单位：市工信局；责任单位：市商务局）
3.完善政策体系。出台专项政策。
（牵头单位：市发改委）
"""
    out = gold(text.encode(), "a.txt")
    assert [(m["lead"], m["responsible"], m["inherited"]) for m in out["measures"]] == [
        (["市工信局"], ["市商务局"], True),
        (["市工信局"], ["市商务局"], True),
        (["市发改委"], [], False),
    ]


def test_first_listed_unit_leads_when_the_document_says_so() -> None:
    text = """一、优化营商环境
1.深化审批改革。全面推行告知承诺制。（省司法厅、省政务服务管理局按职责分工负责）
2.加大融资支持。扩大普惠贷款。（人民银行省分行牵头，省财政厅配合）
（排在第一位的为牵头单位）
"""
    out = gold(text.encode(), "a.txt")
    assert [(m["lead"], m["responsible"]) for m in out["measures"]] == [
        (["省司法厅"], ["省政务服务管理局"]),
        (["人民银行省分行"], ["省财政厅"]),  # an explicit lead is kept as printed
    ]


def test_without_the_convention_a_plain_list_has_no_lead() -> None:
    text = """一、优化营商环境
1.深化审批改革。全面推行告知承诺制。（省司法厅、省政务服务管理局按职责分工负责）
"""
    out = gold(text.encode(), "a.txt")
    assert [(m["lead"], m["responsible"]) for m in out["measures"]] == [([], ["省司法厅", "省政务服务管理局"])]


def test_by_x_responsible_with_partners_in_running_text() -> None:
    text = """一、重点任务
1.落实税费优惠。由县税务局负责，县财政局配合。
2.加强宣传。由县委宣传部负责。
3.推进改革。各地负责抓好落实，县发改局配合。
"""
    out = gold(text.encode(), "a.txt")
    assert [(m["lead"], m["responsible"]) for m in out["measures"]] == [
        (["县税务局"], ["县财政局"]),  # 由X负责，Y配合: X leads
        ([], []),  # a lone 由X负责 in running text is not read as an assignment
        ([], ["县发改局"]),  # "各地" is no unit; only the partner is named
    ]
