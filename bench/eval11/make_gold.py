"""Write the hand annotation of the eleventh blind set as ``gold/NAME.json`` (schema of /work/shared/gold/README.md).

The annotation below was written from ``src/`` by reading the text (not from parser output); this script only
expands the compact notation: ``M(path, title, lead, responsible, deadline_text, deadline, recurring, targets, inh)``
with ``deadline`` a year (→ YYYY-12-31) or an ISO date, targets as ``(text, value, unit, year)`` and ``inh`` the
``inherited`` flag (lists filled from a clause that is not the item's own).
Run: ``.venv/bin/python bench/eval11/make_gold.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _gold import M, write_document  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold"


def doc(
    name: str,
    title: str,
    doc_number: str | None,
    issuer: str,
    issued: str,
    notes: list[str],
    measures: list[dict[str, Any]],
) -> None:
    write_document(GOLD, name, title, doc_number, issuer, issued, None, notes, measures)


# m1 — joint 市委办公室 + 市政府办公室 notice; measures are the 附件 table rows (path = 序号). Unit cells separate
# names with a space; names keep their parenthesised second name. Table targets have year null.
M1_TITLE = "中共江州市委办公室　江州市人民政府办公室关于印发《江州市2025年数字政府建设重点任务分工表》的通知"
BIGDATA = "市政府办公室（市大数据局）"
NDRC = "市发展改革委（市粮食和储备局）"
FIN = "市委金融办（市地方金融管理局）"
COUNTIES = "各县（市、区）委和人民政府"
ALL = "市级有关部门（单位）"
Q1 = ("2025年第一季度", "2025-03-31")
Q3 = ("2025年第三季度末", "2025-09-30")
DEC = ("2025年12月", 2025)
doc(
    "m1_table_offices.docx",
    M1_TITLE,
    "江办发〔2025〕3号",
    "中共江州市委办公室　江州市人民政府办公室",
    "2025-02-18",
    [],
    [
        M(
            "1",
            "建设全市一体化政务大数据平台，汇聚政务数据10亿条以上",
            [BIGDATA],
            ["市委网信办", "市财政局"],
            *DEC,
            targets=[("汇聚政务数据10亿条以上", 10, "亿条", None)],
        ),
        M(
            "2",
            "推进涉密信息系统分级保护测评，完成全部在用系统测评",
            ["市委办公室（市委保密办）"],
            ["市委网信办", "市公安局"],
            *Q3,
        ),
        M("3", "建设粮食储备智能监管平台，实现市级储备库在线监管全覆盖", [NDRC], ["市财政局", BIGDATA], *Q1),
        M(
            "4",
            "建设人才服务“一件事”平台，引进高层次人才500名",
            ["市委组织部（市委人才办）"],
            ["市人力资源社会保障局", "市科技局"],
            *DEC,
            targets=[("引进高层次人才500名", 500, "名", None)],
        ),
        M(
            "5",
            "推行电子税务局“非接触式”办税，网上办税率达到95%以上",
            ["国家税务总局江州市税务局"],
            [BIGDATA],
            *Q3,
            targets=[("网上办税率达到95%以上", 95, "%", None)],
        ),
        M(
            "6",
            "推进国际贸易“单一窗口”建设，进口整体通关时间压缩至30小时以内",
            ["江州海关"],
            ["市商务局", NDRC],
            "2025年6月底前",
            "2025-06-30",
            targets=[("压缩至30小时以内", 30, "小时", None)],
        ),
        M(
            "7",
            "推广电子证照在政务服务中的应用，新增电子证照类型50类",
            ["市政务服务中心"],
            [ALL],
            *Q1,
            targets=[("新增电子证照类型50类", 50, "类", None)],
        ),
        M("8", "开展数字政府建设成效评估，每季度通报一次进展情况", [BIGDATA], [COUNTIES], "每季度", None, "quarterly"),
    ],
)

# m2 — 若干措施 with `（一）` items and `（牵头单位：…；责任单位：…）` clauses whose names contain parentheses.
doc(
    "m2_finance_clauses.txt",
    "江州市人民政府办公室关于印发江州市金融服务实体经济若干措施的通知",
    "江政办发〔2025〕8号",
    "江州市人民政府办公室",
    "2025-03-05",
    [],
    [
        M(
            "一/（一）",
            "扩大普惠小微贷款规模",
            ["人民银行江州市分行"],
            ["国家金融监督管理总局江州监管分局", FIN],
            targets=[("全年普惠小微贷款新增120亿元以上", 120, "亿元", None)],
        ),
        M(
            "一/（二）",
            "推广“信易贷”模式",
            [NDRC],
            ["人民银行江州市分行", "江州银保监分局"],
            "2025年6月底前",
            "2025-06-30",
            targets=[("入驻企业达到2万家", 2, "万家", 2025)],
        ),
        M("一/（三）", "落实“银税互动”", ["国家税务总局江州市税务局"], ["江州银保监分局", FIN]),
        M(
            "二/（一）",
            "推动企业上市挂牌",
            [FIN],
            ["市工信局", "市科技局", "各县（市、区）人民政府"],
            targets=[("新增入库企业30家", 30, "家", None)],
        ),
        M(
            "二/（二）",
            "发挥政府投资基金作用",
            ["市财政局"],
            [NDRC, "市国资委"],
            targets=[("设立总规模30亿元的产业引导基金", 30, "亿元", None)],
        ),
        M(
            "二/（三）",
            "支持发行债券融资",
            ["人民银行江州市分行"],
            [NDRC, FIN],
            "2025年第三季度末前",
            "2025-09-30",
            targets=[("完成发行20亿元", 20, "亿元", 2025)],
        ),
        M(
            "三/（一）",
            "保障企业用电用能",
            ["国网江州供电公司"],
            [NDRC],
            targets=[("接电时间压缩至5个工作日以内", 5, "个工作日", None)],
        ),
        M("三/（二）", "便利跨境贸易结算", ["人民银行江州市分行"], ["江州海关", "市商务局"]),
        M("三/（三）", "防范化解金融风险", [FIN], ["江州银保监分局", "市公安局", COUNTIES], "每月", None, "monthly"),
        M("三/（四）", "强化组织保障", [], [ALL], "每季度", None, "quarterly"),
    ],
)

# m3 — portal page; each `1.` item is followed by `牵头单位：` / `责任单位：` / `完成时限：` paragraphs.
LG = "市推进新型工业化领导小组办公室（设在市发展改革委）"
doc(
    "m3_portal_lines.html",
    "江州市推进新型工业化领导小组办公室关于印发2025年工作要点的通知",
    None,
    "江州市推进新型工业化领导小组办公室",
    "2025-02-25",
    [],
    [
        M(
            "一/1",
            "实施产业链“链长制”",
            [LG],
            ["市工信局", "市商务局"],
            *DEC,
            targets=[("全年招引产业链项目100个", 100, "个", None)],
        ),
        M(
            "一/2",
            "推进技术改造",
            ["市工信局"],
            [NDRC, "市财政局"],
            *Q3,
            targets=[("实施技术改造项目200个", 200, "个", None), ("工业技改投资增长10%", 10, "%", None)],
        ),
        M(
            "一/3",
            "培育专精特新企业",
            ["市工信局"],
            ["市科技局", COUNTIES],
            *DEC,
            targets=[("新增省级专精特新中小企业40家", 40, "家", None)],
        ),
        M("二/1", "保障重点项目用电", ["国网江州供电公司"], [NDRC], *Q1),
        M(
            "二/2",
            "落实减税降费政策",
            ["国家税务总局江州市税务局"],
            ["市财政局"],
            *DEC,
            targets=[("减税降费8亿元以上", 8, "亿元", None)],
        ),
        M(
            "二/3",
            "加大制造业信贷支持",
            ["人民银行江州市分行"],
            ["江州银保监分局", FIN],
            *Q3,
            targets=[("制造业中长期贷款增长15%以上", 15, "%", None)],
        ),
        M(
            "二/4",
            "引育产业人才",
            ["市委组织部（市委人才办）"],
            ["市人力资源社会保障局", "市教育局"],
            *DEC,
            targets=[("培育高技能人才3000名", 3000, "名", None)],
        ),
        M("三/1", "建立月度调度机制", [LG], [ALL], "每月", None, "monthly"),
    ],
)

# m4 — 任务清单 with `（牵头单位：…；责任单位：…；完成时限：…）` clauses at the end of `1.` items (GB18030).
doc(
    "m4_county_list.txt",
    "江州市人民政府办公室关于印发江州市2025年优化营商环境攻坚任务清单的通知",
    "江政办函〔2025〕12号",
    "江州市人民政府办公室",
    "2025-01-20",
    [],
    [
        M(
            "一/1",
            "推行“高效办成一件事”，新增集成服务事项15项",
            [BIGDATA],
            ["市政务服务中心", ALL],
            *DEC,
            targets=[("新增集成服务事项15项", 15, "项", None)],
        ),
        M(
            "一/2",
            "压缩企业开办时间，企业开办全流程压减至1个工作日以内",
            ["市市场监管局"],
            ["国家税务总局江州市税务局", "市公安局"],
            *Q1,
            targets=[("压减至1个工作日以内", 1, "个工作日", None)],
        ),
        M(
            "一/3",
            "推行工程建设项目“拿地即开工”，覆盖率达到50%以上",
            ["市住建局"],
            ["市自然资源和规划局", COUNTIES],
            *Q3,
            targets=[("覆盖率达到50%以上", 50, "%", None)],
        ),
        M(
            "二/1",
            "开展涉企收费专项检查，建立收费目录清单",
            [NDRC],
            ["市财政局", "市市场监管局"],
            "2025年6月底前",
            "2025-06-30",
        ),
        M(
            "二/2",
            "提升跨境贸易便利化水平，出口整体通关时间压缩至1.2小时以内",
            ["江州海关"],
            ["市商务局", "市口岸办"],
            *DEC,
            targets=[("压缩至1.2小时以内", 1.2, "小时", None)],
        ),
        M(
            "二/3",
            "降低企业用电成本，办电时间压缩至15个工作日以内",
            ["国网江州供电公司"],
            [NDRC],
            *Q3,
            targets=[("压缩至15个工作日以内", 15, "个工作日", None)],
        ),
        M(
            "二/4",
            "扩大小微企业首贷规模，新增首贷户1000户",
            ["人民银行江州市分行"],
            ["江州银保监分局", FIN],
            *DEC,
            targets=[("新增首贷户1000户", 1000, "户", None)],
        ),
        M(
            "三/1",
            "开展涉企行政执法检查专项整治，每季度通报一次典型案例",
            ["市司法局"],
            [ALL],
            "每季度",
            None,
            "quarterly",
        ),
        M(
            "三/2",
            "加强营商环境监督，建立问题线索办理台账",
            ["市营商环境建设领导小组办公室（设在市发展改革委）"],
            ["市委办公室（市委保密办）", COUNTIES],
            *Q1,
        ),
    ],
)
