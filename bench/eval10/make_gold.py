"""Write the hand annotation of the tenth blind set as ``gold/NAME.json`` (schema of /work/shared/gold/README.md).

The annotation below was written from ``src/`` by reading the text (not from parser output); this script only
expands the compact notation: ``M(path, title, lead, responsible, deadline_text, deadline, recurring, targets, inh)``
with ``deadline`` a year (→ YYYY-12-31) or an ISO date, targets as ``(text, value, unit, year)`` and ``inh`` the
``inherited`` flag (lists filled from a clause that is not the item's own).
Run: ``.venv/bin/python bench/eval10/make_gold.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOLD = Path(__file__).resolve().parent / "gold"
T = tuple[str, float, "str | None", "int | None"]


def M(
    path: str,
    title: str,
    lead: list[str] | None = None,
    resp: list[str] | None = None,
    dt: str | None = None,
    dl: int | str | None = None,
    rec: str | None = None,
    targets: list[T] | None = None,
    inh: bool = False,
) -> dict[str, Any]:
    return {
        "path": path.split("/"),
        "title": title,
        "lead": lead or [],
        "responsible": resp or [],
        "inherited": inh,
        "deadline_text": dt,
        "deadline": f"{dl}-12-31" if isinstance(dl, int) else dl,
        "recurring": rec,
        "targets": [{"text": t, "value": v, "unit": u, "year": y} for t, v, u, y in (targets or [])],
    }


def doc(
    name: str,
    title: str,
    doc_number: str | None,
    issuer: str,
    issued: str,
    notes: list[str],
    measures: list[dict[str, Any]],
) -> None:
    data = {
        "document": name,
        "title": title,
        "doc_number": doc_number,
        "issuer": issuer,
        "issued": issued,
        "horizon": None,
        "notes": notes,
        "measures": measures,
        "indicators": [],
    }
    (GOLD / (name.rsplit(".", 1)[0] + ".json")).write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


# k1 — joint 市委办公室 + 市政府办公室 notice; the measures are the rows of the 附件 督查清单 (path = 序号).
# The 责任领导 column (persons) is ignored. 完成时限 cells give deadlines; table targets have year null.
doc(
    "k1_joint_offices.docx",
    "中共青山市委办公室　青山市人民政府办公室关于印发《青山市2024年优化营商环境重点任务督查清单》的通知",
    "青办发〔2024〕5号",
    "中共青山市委办公室　青山市人民政府办公室",
    "2024-03-08",
    [],
    [
        M(
            "1",
            "推行企业开办全程网办，企业开办时间压缩至1个工作日以内",
            ["市市场监管局"],
            ["市政务服务中心", "市税务局"],
            "2024年6月底前",
            "2024-06-30",
            None,
            [("1个工作日以内", 1, "个工作日", None)],
        ),
        M(
            "2",
            "深化工程建设项目审批制度改革，社会投资一般性项目审批时间控制在30个工作日以内",
            ["市住建局"],
            ["市自然资源局", "市发展改革委"],
            "2024年9月底前",
            "2024-09-30",
            None,
            [("30个工作日以内", 30, "个工作日", None)],
        ),
        M(
            "3",
            "推进“一件事一次办”，新增集成服务事项20项",
            ["市政务服务中心"],
            ["市直有关部门"],
            "2024年12月底前",
            2024,
            None,
            [("新增集成服务事项20项", 20, "项", None)],
        ),
        M(
            "4",
            "开展涉企违规收费专项治理，建立涉企收费目录清单",
            ["市发展改革委"],
            ["市财政局", "市市场监管局"],
            "2024年10月底前",
            "2024-10-31",
        ),
        M(
            "5",
            "落实减税降费政策，全年为市场主体减负15亿元以上",
            ["市税务局"],
            ["市财政局"],
            "2024年12月底前",
            2024,
            None,
            [("减负15亿元以上", 15, "亿元", None)],
        ),
        M("6", "加强政企沟通，每月召开一次政企恳谈会", ["市工商联"], ["市直有关部门"], "每月", None, "monthly"),
        M(
            "7",
            "清理拖欠民营企业中小企业账款，实现无分歧欠款动态清零",
            ["市工信局"],
            ["市财政局", "各县（市、区）人民政府"],
            "2024年11月底前",
            "2024-11-30",
        ),
        M(
            "8",
            "推进信用修复“一网通办”，信用修复办理时限压缩至3个工作日",
            ["市发展改革委"],
            ["市中级人民法院", "市市场监管局"],
            "2024年8月底前",
            "2024-08-31",
            None,
            [("3个工作日", 3, "个工作日", None)],
        ),
        M(
            "9",
            "开展营商环境“体验官”活动，每季度组织一次体验活动",
            ["市营商环境办"],
            ["各县（市、区）人民政府"],
            "每季度",
            None,
            "quarterly",
        ),
        M(
            "10",
            "建立营商环境问题线索快速处置机制，投诉办结率达到98%以上",
            ["市营商环境办"],
            ["市纪委监委机关", "市12345热线中心"],
            None,
            None,
            None,
            [("投诉办结率达到98%以上", 98, "%", None)],
        ),
    ],
)

# k2 — 若干措施: the `一、` items are the measures; `（责任单位：…）` → responsible, lead []. Rewards, rates and
# thresholds are not targets (最高500万元, 3%, 5亿元以上, 1000万美元以上, 10亿元以上); the fund size, the land quota and
# the time limits are (A9).
doc(
    "k2_investment_measures.txt",
    "南川市人民政府关于印发南川市进一步优化营商环境加大招商引资力度若干措施的通知",
    "南川政发〔2024〕3号",
    "南川市人民政府",
    "2024-01-22",
    [],
    [
        M("一", "支持重大项目落地", [], ["市投资促进局", "市财政局"]),
        M("二", "鼓励总部企业落户", [], ["市商务局"]),
        M("三", "支持外资企业增资扩产", [], ["市商务局"]),
        M("四", "设立产业投资基金", [], ["市财政局", "市国资委"], targets=[("总规模20亿元", 20, "亿元", None)]),
        M("五", "强化用地保障", [], ["市自然资源局"], "每年", None, "annual", [("不少于1000亩", 1000, "亩", None)]),
        M(
            "六",
            "实行“拿地即开工”",
            [],
            ["市住建局", "市自然资源局"],
            targets=[("审批时间压缩至15个工作日以内", 15, "个工作日", None)],
        ),
        M("七", "奖励招商中介"),
        M(
            "八",
            "强化要素保障",
            [],
            ["市发展改革委", "国网南川供电公司"],
            targets=[("电力接入时间压缩至20个工作日", 20, "个工作日", None)],
        ),
        M("九", "建立项目专班制度", [], ["市投资促进局"]),
        M("十", "加强督查考核", [], ["市委督查室", "市政府督查室", "市投资促进局"], "每季度", None, "quarterly"),
    ],
)

# k3 — 乡村振兴 html, levels 二/1./（1）/①. The （1） items are the measures; 二/3/（1） has ① children, so it is a
# section and its clause goes to ①–③ with inherited=true. 一、总体要求 (goals) is not a measure.
R3 = dict(lead=["市农业农村局"], resp=["市住建局", "市生态环境局"], inh=True)
doc(
    "k3_rural_nested.html",
    "江陵市人民政府办公室关于印发江陵市2024年全面推进乡村振兴实施方案的通知",
    "江政办发〔2024〕12号",
    "江陵市人民政府办公室",
    "2024-03-29",
    [],
    [
        M(
            "二/1/（1）",
            "稳定粮食播种面积",
            ["市农业农村局"],
            ["市发展改革委", "各县（市、区）人民政府"],
            targets=[("稳定在260万亩以上", 260, "万亩", None)],
        ),
        M(
            "二/1/（2）",
            "加强高标准农田建设",
            ["市农业农村局"],
            ["市财政局", "市自然资源局"],
            "2024年底前",
            2024,
            None,
            [("新建高标准农田15万亩", 15, "万亩", 2024)],
        ),
        M(
            "二/2/（1）",
            "培育农业产业化龙头企业",
            ["市农业农村局"],
            ["市商务局"],
            targets=[("新增省级以上农业产业化龙头企业10家", 10, "家", None)],
        ),
        M(
            "二/2/（2）",
            "发展乡村旅游",
            ["市文化和旅游局"],
            ["市农业农村局"],
            "2024年10月底前",
            "2024-10-31",
            None,
            [("打造乡村旅游精品线路5条", 5, "条", 2024)],
        ),
        M(
            "二/3/（1）/①",
            "推进农村厕所革命，改造农村户厕5000座",
            targets=[("改造农村户厕5000座", 5000, "座", None)],
            **R3,
        ),
        M(
            "二/3/（1）/②",
            "加强农村生活垃圾治理，生活垃圾收运处置体系覆盖率达到100%",
            targets=[("覆盖率达到100%", 100, "%", None)],
            **R3,
        ),
        M("二/3/（1）/③", "推进农村生活污水治理，治理率达到45%", targets=[("治理率达到45%", 45, "%", None)], **R3),
        M(
            "二/3/（2）",
            "加强村庄规划建设",
            ["市自然资源局"],
            ["各县（市、区）人民政府"],
            targets=[("完成村庄规划编制200个", 200, "个", None)],
        ),
        M(
            "二/4/（1）",
            "深化文明乡风建设",
            ["市委宣传部"],
            ["市文明办"],
            "每年",
            None,
            "annual",
            [("每年评选市级文明村50个", 50, "个", None)],
        ),
        M(
            "二/4/（2）",
            "健全乡村治理体系",
            ["市委组织部"],
            ["市民政局", "市农业农村局"],
            targets=[("覆盖80%以上的行政村", 80, "%", None)],
        ),
    ],
)

# k4 — 考核办法: the （一） items are criteria; they are measures by structure (outline leaves) but carry no
# assignment and no target (scores, weights, pass marks are parameters). `由市政府约谈其主要负责人` is not a clause.
doc(
    "k4_assessment.docx",
    "临川市人民政府办公室关于印发临川市优化营商环境工作考核办法的通知",
    "临政办发〔2024〕15号",
    "临川市人民政府办公室",
    "2024-04-15",
    [],
    [
        M("一/（一）", "政务服务"),
        M("一/（二）", "市场准入"),
        M("一/（三）", "要素保障"),
        M("一/（四）", "法治环境"),
        M("一/（五）", "政企沟通"),
        M("一/（六）", "创新工作"),
        M("二/（一）", "日常考核", dt="每季度", rec="quarterly"),
        M("二/（二）", "年度考核", dt="每年", rec="annual"),
        M("二/（三）", "第三方评估"),
        M("三/（一）", "考核结果分为优秀、良好、合格、不合格四个等次，得分90分以上的为优秀，得分低于60分的为不合格"),
        M("三/（二）", "考核结果纳入年度综合考核，并作为干部评价的重要依据"),
        M("三/（三）", "对考核不合格的单位，由市政府约谈其主要负责人"),
    ],
)

# k5 — 攻坚行动 txt: bare `年底前` / `9月底前` take the 成文日期 year (eval8), targets get no year (none printed);
# `2024年6月底前` gives year 2024. Emission limits and scope thresholds (不高于10毫克/立方米, 35蒸吨/小时以下) and
# names (PM2.5, 国三, 六个百分百) are not targets. 一、工作目标 is not a measure.
doc(
    "k5_air_campaign.txt",
    "清河市人民政府办公室关于印发清河市2024年大气污染防治攻坚行动方案的通知",
    "清政办发〔2024〕9号",
    "清河市人民政府办公室",
    "2024-03-20",
    [],
    [
        M(
            "二/（一）",
            "推进工业源深度治理",
            [],
            ["市生态环境局", "市工信局"],
            "年底前",
            2024,
            None,
            [("完成12家钢铁企业超低排放改造", 12, "家", None)],
        ),
        M(
            "二/（二）",
            "强化移动源污染防治",
            [],
            ["市交通运输局", "市公安局交警支队", "市生态环境局"],
            "2024年6月底前",
            "2024-06-30",
            None,
            [("柴油货车800辆", 800, "辆", 2024), ("新能源公交车占比达到90%", 90, "%", 2024)],
        ),
        M(
            "二/（三）",
            "加强扬尘污染管控",
            [],
            ["市住建局", "市城管局"],
            targets=[("落实率达到100%", 100, "%", None), ("机械化清扫率达到95%以上", 95, "%", None)],
        ),
        M(
            "二/（四）",
            "深化挥发性有机物治理",
            [],
            ["市生态环境局"],
            "9月底前",
            "2024-09-30",
            None,
            [("完成50家重点企业挥发性有机物综合治理", 50, "家", None)],
        ),
        M("二/（五）", "推进燃煤锅炉整治", [], ["市市场监管局", "市生态环境局"], "年底前", 2024),
        M(
            "二/（六）",
            "加强秸秆禁烧管控",
            [],
            ["市农业农村局", "各县（市、区）人民政府"],
            "每年",
            None,
            "annual",
            [("秸秆综合利用率达到93%以上", 93, "%", None)],
        ),
        M("二/（七）", "强化重污染天气应对", [], ["市生态环境局"], targets=[("动态更新率达到100%", 100, "%", None)]),
        M(
            "二/（八）",
            "加强监测监控能力建设",
            [],
            ["市生态环境局", "市财政局"],
            "年底前",
            2024,
            None,
            [("建成乡镇空气质量自动监测站60个", 60, "个", None)],
        ),
        M(
            "二/（九）",
            "实施城区PM2.5精准管控",
            [],
            ["市生态环境局", "各县（市、区）人民政府"],
            targets=[("下降至30微克/立方米以下", 30, "微克/立方米", None), ("优良天数比例达到85%", 85, "%", None)],
        ),
        M("三/（一）", "加强组织领导", dt="每月", rec="monthly"),
        M("三/（二）", "严格考核问责"),
    ],
)

# k6 — ASCII `( ) : ; ,` with Chinese text; path labels are written full-width as everywhere. `全年数据交易额` describes
# the quantity (eval9 i4), so no deadline; `9月底前` takes the 成文日期's year.
doc(
    "k6_ascii_punct.txt",
    "东平市人民政府办公室关于印发东平市2024年数字经济发展工作要点的通知",
    "东政办发〔2024〕11号",
    "东平市人民政府办公室",
    "2024-02-28",
    [],
    [
        M(
            "一/（一）",
            "加快5G网络建设",
            ["市工信局"],
            ["市通信发展管理办公室", "各区人民政府"],
            "2024年底前",
            2024,
            None,
            [("新建5G基站3000个", 3000, "个", 2024), ("通达率100%", 100, "%", 2024)],
        ),
        M(
            "一/（二）",
            "建设算力基础设施",
            ["市发展改革委"],
            ["市大数据局"],
            targets=[("新增算力规模500PFlops", 500, "PFlops", None)],
        ),
        M(
            "一/（三）",
            "完善数据要素市场",
            ["市大数据局"],
            ["市财政局", "市市场监管局"],
            targets=[("数据交易额突破5亿元", 5, "亿元", None)],
        ),
        M(
            "二/（一）",
            "培育数字经济核心企业",
            ["市工信局"],
            ["市科技局"],
            targets=[("核心产业企业50家", 50, "家", None), ('"专精特新"企业20家', 20, "家", None)],
        ),
        M("二/（二）", "发展软件和信息服务业", ["市工信局"], targets=[("增长15%以上", 15, "%", None)]),
        M(
            "二/（三）",
            "推动产业数字化转型",
            ["市工信局"],
            ["各区人民政府"],
            "每季度",
            None,
            "quarterly",
            [('实施"智改数转"项目200个', 200, "个", None)],
        ),
        M("三/（一）", '深化"一网通办"', [], ["市政务服务中心"], targets=[("网上可办率达到98%", 98, "%", None)]),
        M("三/（二）", '推进"一网统管"', ["市城管局"], ["市大数据局", "市公安局"], "9月底前", "2024-09-30"),
        M("三/（三）", "加强数字安全保障", ["市委网信办"], ["市公安局"], "每月", None, "monthly"),
    ],
)
