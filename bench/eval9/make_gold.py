"""Write the hand annotation of the ninth blind set as ``gold/NAME.json`` (schema of /work/shared/gold/README.md).

The annotation below was written from ``src/`` by reading the text (not from parser output); this script only
expands the compact notation: ``M(path, title, lead, responsible, deadline_text, deadline, recurring, targets, inh)``
with ``deadline`` a year (→ YYYY-12-31) or an ISO date, targets as ``(text, value, unit, year)`` and ``inh`` the
``inherited`` flag (lists filled from a clause that is not the item's own).
Run: ``.venv/bin/python bench/eval9/make_gold.py``.
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


# i1 — （以上第1—5项由…牵头，…配合） after item 5: items 1, 3, 4, 5 inherit it; item 2 keeps its own clause.
R1 = dict(lead=["市商务局"], resp=["市发改委", "市财政局"], inh=True)
doc(
    "i1_range_items.txt",
    "临江市人民政府办公室关于印发临江市促进消费扩容提质实施方案的通知",
    "临政办发〔2024〕21号",
    "临江市人民政府办公室",
    "2024-03-12",
    ["以上第1—5项由市商务局牵头，市发改委、市财政局配合"],
    [
        M(
            "一/（一）/1",
            "开展汽车促消费活动",
            dt="到2025年",
            dl=2025,
            targets=[("组织车展和团购活动20场以上", 20, "场", None), ("新能源汽车销量占比达到40%", 40, "%", 2025)],
            **R1,
        ),  # type: ignore[arg-type]
        M(
            "一/（一）/2",
            "推动家电以旧换新",
            ["市市场监管局"],
            ["市商务局"],
            "每年",
            None,
            "annual",
            [("回收废旧家电5万台", 5, "万台", None)],
        ),
        M("一/（一）/3", "发展夜间经济", targets=[("打造市级夜间经济集聚区10个", 10, "个", None)], **R1),  # type: ignore[arg-type]
        M("一/（一）/4", "培育消费新场景", dt="到2025年", dl=2025, targets=[("建成智慧商圈3个", 3, "个", 2025)], **R1),  # type: ignore[arg-type]
        M("一/（一）/5", "提升农村消费", dt="每季度", rec="quarterly", **R1),  # type: ignore[arg-type]
        M(
            "一/（二）/6",
            "扩大文旅消费",
            ["市文广旅局"],
            ["市财政局"],
            targets=[("创建省级文旅消费集聚区2个", 2, "个", None)],
        ),
        M("一/（二）/7", "促进体育消费", ["市体育局"], targets=[("举办各类体育赛事50场次以上", 50, "场次", None)]),
        M(
            "一/（二）/8",
            "发展养老托育服务",
            ["市卫健委"],
            ["市民政局"],
            "到2026年",
            2026,
            targets=[("每千人口拥有3岁以下婴幼儿托位数达到4.5个", 4.5, "个", 2026)],
        ),
        M(
            "一/（二）/9",
            "丰富家政服务",
            ["市商务局"],
            ["市人社局"],
            targets=[("培育家政服务龙头企业5家", 5, "家", None)],
        ),
        M("二/（一）", "加强统筹协调", ["市商务局"], dt="每月", rec="monthly"),
        M(
            "二/（二）",
            "强化资金支持",
            ["市财政局"],
            ["市商务局"],
            "每年",
            None,
            "annual",
            [("安排促消费专项资金5000万元", 5000, "万元", None)],
        ),
    ],
)

# i2 — （以上3项均由市工信局负责） after item 4 covers items 2–4 (lone 负责 → responsible, 002 / eval3 gold);
# （以上3项均由市科技局牵头，…配合） after item 7 covers 5–7.
G = dict(resp=["市工信局"], inh=True)
K = dict(lead=["市科技局"], resp=["市财政局", "市市场监管局"], inh=True)
doc(
    "i2_count_back.docx",
    "安和市人民政府办公室关于印发安和市加快发展先进制造业行动计划的通知",
    "安政办发〔2024〕8号",
    "安和市人民政府办公室",
    "2024-02-26",
    ["以上3项均由市工信局负责", "以上3项均由市科技局牵头，市财政局、市市场监管局配合"],
    [
        M(
            "一/（一）/1",
            "做强新能源汽车产业",
            ["市发展改革委"],
            ["市工信局"],
            "到2026年",
            2026,
            targets=[("新能源汽车产量达到30万辆", 30, "万辆", 2026)],
        ),
        M("一/（一）/2", "发展新型储能产业", targets=[("引进储能电池项目10个", 10, "个", None)], **G),  # type: ignore[arg-type]
        M(
            "一/（一）/3",
            "培育新材料产业",
            dt="到2026年",
            dl=2026,
            targets=[("新材料产业产值突破800亿元", 800, "亿元", 2026)],
            **G,
        ),  # type: ignore[arg-type]
        M("一/（一）/4", "壮大生物医药产业", targets=[("新增创新药和医疗器械产品批件20个", 20, "个", None)], **G),  # type: ignore[arg-type]
        M("一/（二）/5", "建设创新平台", targets=[("新建省级以上企业技术中心15家", 15, "家", None)], **K),  # type: ignore[arg-type]
        M(
            "一/（二）/6",
            "加强关键技术攻关",
            dt="每年",
            rec="annual",
            targets=[("实施重大科技攻关项目30项", 30, "项", None)],
            **K,
        ),  # type: ignore[arg-type]
        M("一/（二）/7", "推进成果转化", targets=[("技术合同成交额达到60亿元", 60, "亿元", None)], **K),  # type: ignore[arg-type]
        M(
            "一/（三）/8",
            "强化要素保障",
            ["市自然资源局"],
            ["市工信局"],
            "每年",
            None,
            "annual",
            [("保障工业用地3000亩", 3000, "亩", None)],
        ),
        M(
            "一/（三）/9",
            "加强人才支撑",
            ["市人社局"],
            ["市委人才办"],
            targets=[("引进制造业高层次人才200名", 200, "名", None)],
        ),
        M("一/（三）/10", "优化营商服务", ["市工信局"], dt="每季度", rec="quarterly"),
    ],
)

# i3 — closing 三、任务分工 paragraph assigns 二（一）–（六） by reference; each ；-part is scoped to its own items,
# so `各县（市、区）政府负责落实` belongs to （六） only. 一、总体目标 and 三、任务分工 are not measures.
D = dict(lead=["市发展改革委"], inh=True)
S = dict(lead=["市科技局"], inh=True)
doc(
    "i3_closing_division.txt",
    "青石市人民政府关于加快建设科技创新平台的若干措施",
    "青政发〔2024〕5号",
    "青石市人民政府",
    "2024-04-03",
    [
        "第（一）至（三）项由市发展改革委牵头；第（四）（五）项由市科技局牵头；第（六）项由市人社局牵头，各县（市、区）政府负责落实"
    ],
    [
        M(
            "二/（一）",
            "建设重大创新平台",
            dt="到2027年",
            dl=2027,
            targets=[("争创国家级创新平台5家", 5, "家", None), ("建成市级实验室10家", 10, "家", 2027)],
            **D,
        ),  # type: ignore[arg-type]
        M(
            "二/（二）",
            "培育新型研发机构",
            dt="每年",
            rec="annual",
            targets=[("新认定市级新型研发机构10家", 10, "家", None)],
            **D,
        ),  # type: ignore[arg-type]
        M("二/（三）", "支持企业研发机构建设", targets=[("规上工业企业研发机构覆盖率达到50%", 50, "%", None)], **D),  # type: ignore[arg-type]
        M("二/（四）", "推动产学研协同创新", targets=[("组建产业技术创新联盟20个", 20, "个", None)], **S),  # type: ignore[arg-type]
        M(
            "二/（五）",
            "加快科技成果转移转化",
            dt="到2026年",
            dl=2026,
            targets=[("技术合同成交额达到100亿元", 100, "亿元", 2026)],
            **S,
        ),  # type: ignore[arg-type]
        M(
            "二/（六）",
            "集聚创新人才",
            ["市人社局"],
            ["各县（市、区）政府"],
            "每年",
            None,
            "annual",
            [("引进高层次创新人才300名", 300, "名", None)],
            inh=True,
        ),
        M(
            "二/（七）",
            "完善科技金融服务",
            ["市财政局"],
            ["市金融办", "市科技局"],
            targets=[("设立总规模10亿元的科技创新基金", 10, "亿元", None)],
        ),
        M("二/（八）", "强化督查考核", ["市政府督查室"], dt="每半年"),
    ],
)

# i4 — control: `（A、B）` lists + final `注：各项任务排在第一位的为牵头单位`.
doc(
    "i4_first_listed.txt",
    "河阳市人民政府办公室关于印发河阳市2024年乡村振兴重点工作任务分解的通知",
    "河政办发〔2024〕14号",
    "河阳市人民政府办公室",
    "2024-03-05",
    ["注：各项任务排在第一位的为牵头单位"],
    [
        M(
            "一/1",
            "全年粮食播种面积稳定在120万亩以上",
            ["市农业农村局"],
            ["市财政局"],
            targets=[("全年粮食播种面积稳定在120万亩以上", 120, "万亩", None)],
        ),
        M(
            "一/2",
            "建设高标准农田8万亩",
            ["市农业农村局"],
            ["市自然资源局", "市水利局"],
            targets=[("建设高标准农田8万亩", 8, "万亩", None)],
        ),
        M("一/3", "每季度开展一次耕地保护专项检查", ["市自然资源局"], dt="每季度", rec="quarterly"),
        M(
            "二/4",
            "培育市级以上农业产业化龙头企业20家",
            ["市农业农村局"],
            ["市工信局", "市商务局"],
            targets=[("培育市级以上农业产业化龙头企业20家", 20, "家", None)],
        ),
        M(
            "二/5",
            "到2025年农产品加工业产值达到600亿元",
            ["市农业农村局"],
            ["市发展改革委"],
            "到2025年",
            2025,
            targets=[("农产品加工业产值达到600亿元", 600, "亿元", 2025)],
        ),
        M("二/6", "每年举办农民丰收节系列活动", ["市农业农村局"], ["各县（市、区）政府"], "每年", None, "annual"),
        M(
            "三/7",
            "新改建农村公路300公里",
            ["市交通运输局"],
            ["市财政局"],
            targets=[("新改建农村公路300公里", 300, "公里", None)],
        ),
        M(
            "三/8",
            "农村卫生厕所普及率达到95%",
            ["市卫健委"],
            ["市农业农村局"],
            targets=[("农村卫生厕所普及率达到95%", 95, "%", None)],
        ),
        M("三/9", "每月通报农村人居环境整治进展", ["市农业农村局"], dt="每月", rec="monthly"),
    ],
)

# i5 — the 文号 is printed only inside a Word text box (stored twice: mc:Choice and mc:Fallback).
doc(
    "i5_textbox_number.docx",
    "云岭市人民政府办公室关于印发云岭市优化营商环境提升行动方案的通知",
    "云政办发〔2024〕9号",
    "云岭市人民政府办公室",
    "2024-04-18",
    [],
    [
        M(
            "一/（一）",
            "推行“高效办成一件事”",
            ["市政务服务中心"],
            ["市直有关部门"],
            "到2024年底前",
            2024,
            targets=[("推出集成服务事项30项", 30, "项", 2024)],
        ),
        M(
            "一/（二）",
            "压缩企业开办时间",
            ["市市场监管局"],
            ["市税务局", "市公安局"],
            targets=[("企业开办时间压减至1个工作日以内", 1, "个工作日", None)],
        ),
        M("一/（三）", "优化工程建设项目审批", ["市住建局"], ["市自然资源局"], "每季度", None, "quarterly"),
        M(
            "二/（一）",
            "降低企业融资成本",
            ["市金融办"],
            ["人民银行云岭分行"],
            targets=[("新增普惠小微贷款100亿元", 100, "亿元", None)],
        ),
        M(
            "二/（二）",
            "保障企业用工",
            ["市人社局"],
            dt="每年",
            rec="annual",
            targets=[("组织专场招聘会100场", 100, "场", None)],
        ),
        M(
            "二/（三）",
            "降低用能成本",
            ["市发展改革委"],
            ["国网云岭供电公司"],
            "2025年底前",
            2025,
            targets=[("园区供电可靠率99.9%", 99.9, "%", 2025)],
        ),
        M("三/（一）", "推行包容审慎监管", ["市司法局"], ["市直有关执法部门"], "每年", None, "annual"),
        M(
            "三/（二）",
            "规范涉企检查",
            ["市司法局"],
            ["市市场监管局"],
            targets=[("涉企检查次数同比减少30%", 30, "%", None)],
        ),
    ],
)

# i6 — task table (序号|重点任务|完成时限) + a second table keyed by 序号 (序号|牵头单位|责任单位).
doc(
    "i6_keyed_tables.html",
    "东湖市人民政府办公室关于印发东湖市2024年制造业数字化转型任务分工的通知",
    "东政办函〔2024〕37号",
    "东湖市人民政府办公室",
    "2024-06-10",
    [],
    [
        M(
            "1",
            "实施智能化改造项目，完成智能化改造项目200个",
            ["市工信局"],
            ["市发展改革委", "市财政局"],
            "2024年12月底前",
            "2024-12-31",
            targets=[("完成智能化改造项目200个", 200, "个", None)],
        ),
        M(
            "2",
            "建设智能工厂和数字化车间，新认定市级智能工厂10家",
            ["市工信局"],
            ["各区人民政府"],
            "2024年11月底前",
            "2024-11-30",
            targets=[("新认定市级智能工厂10家", 10, "家", None)],
        ),
        M(
            "3",
            "推动工业互联网平台应用，新增上云企业1000家",
            ["市工信局"],
            ["市大数据局", "各区人民政府"],
            "2024年12月底前",
            "2024-12-31",
            targets=[("新增上云企业1000家", 1000, "家", None)],
        ),
        M(
            "4",
            "开展数字化转型诊断服务，每季度组织一次诊断活动",
            ["市工信局"],
            ["市科技局"],
            "每季度",
            None,
            "quarterly",
        ),
        M(
            "5",
            "培育数字化服务商，引进培育服务商20家",
            ["市大数据局"],
            ["市工信局"],
            "2024年10月底前",
            "2024-10-31",
            targets=[("引进培育服务商20家", 20, "家", None)],
        ),
        M(
            "6",
            "加强工业数据安全保障，开展数据安全检查",
            ["市网信办"],
            ["市公安局", "市工信局"],
            "2024年9月底前",
            "2024-09-30",
        ),
        M(
            "7",
            "落实数字化转型专项资金2亿元",
            ["市财政局"],
            ["市工信局"],
            "2024年6月底前",
            "2024-06-30",
            targets=[("落实数字化转型专项资金2亿元", 2, "亿元", None)],
        ),
        M("8", "建立数字化转型工作推进机制，每月调度工作进展", ["市工信局"], ["市直有关部门"], "每月", None, "monthly"),
    ],
)
