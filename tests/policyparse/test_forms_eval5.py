"""Forms found by the fifth removed invented round: invented snippets.

- a list whose items end without 。 (an inline ``牵头单位：…`` label, e.g. an HTML ``<li>``) is not hard-wrapped text;
- ``专栏1 重点工程`` boxes between measures: their lines (numbered projects, ◆ bullets) are neither measures nor
  part of the measure above;
- a site footer ``主办：…　网站标识码：…`` is page furniture, not a 主办 (lead) label;
- ``EFLOPS``/``PFLOPS`` are target units.
"""

from __future__ import annotations

from .forms_util import gold, rows

HEAD = "青石市人民政府办公室关于印发青石市若干措施的通知\n青政办发〔2025〕8号\n"


def test_list_items_ending_with_inline_labels_are_not_reflowed() -> None:
    items = [
        "全面落实市场准入负面清单制度，破除招投标、政府采购等领域隐性壁垒。牵头单位：市发展改革委；责任单位：市财政局",
        "开展拖欠中小企业账款清理行动，2025年底前完成存量拖欠账款清偿。牵头单位：市工信局；责任单位：市国资委",
        "健全涉企政策制定企业家参与机制，每季度召开一次民营企业座谈会，听取意见。牵头单位：市工商联；责任单位：市司法局",
        "规范涉企行政执法行为，全面推行柔性执法清单制度，减少对企业的干扰。牵头单位：市司法局；责任单位：市市场监管局",
        "加大信贷支持力度，到2026年民营企业贷款余额达到3000亿元，降低融资成本。牵头单位：市委金融办；责任单位：市财政局",
        "发挥政府性融资担保作用，政府性融资担保机构年担保规模达到80亿元以上。牵头单位：市财政局；责任单位：市委金融办",
        "支持民营企业参与重大项目建设，每年向民间资本推介项目100个以上。牵头单位：市发展改革委；责任单位：市自然资源局",
        "落实税费优惠政策，对符合条件的小微企业减半征收房产税和城镇土地使用税。牵头单位：市税务局；责任单位：市财政局",
        "支持民营企业加大研发投入，推动规上工业企业研发机构覆盖率达到50%以上。牵头单位：市科技局；责任单位：市工信局",
    ]
    body = "一、主要措施\n" + "\n".join(f"{i}.{t}" for i, t in enumerate(items, 1))
    html = f"<html><body><h1>{HEAD.splitlines()[0]}</h1><p>{HEAD.splitlines()[1]}</p>"
    html += "".join(f"<li>{ln}</li>" if ln[0].isdigit() else f"<h3>{ln}</h3>" for ln in body.splitlines())
    html += "<div>主办：青石市人民政府办公室　网站标识码：3300000001</div></body></html>"
    out = gold(html.encode(), "list.html")
    got = rows(out)
    assert [r[0] for r in got] == [("一", str(i)) for i in range(1, 10)]
    assert got[1][2:5] == (["市工信局"], ["市国资委"], "2025-12-31")
    assert got[-1][2:4] == (["市科技局"], ["市工信局"])


def test_special_column_boxes_are_not_measures() -> None:
    text = HEAD + (
        "二、重点任务\n"
        "（一）做强主导产业。实施集群培育工程，到2027年产业集群产值达到800亿元。（牵头单位：市工信局；责任单位：市商务局）\n"
        "专栏1　重点产业工程\n"
        "1.整车项目：推进汽车城二期建设，新增整车产能20万辆。\n"
        "2.动力电池项目：建设动力电池生产基地，总投资120亿元。\n"
        "（二）推进数字化转型。到2026年累计建成智能工厂50家。（牵头单位：市工信局；责任单位：市数据局）\n"
        "专栏2：数字化转型重点任务\n"
        "（1）智能工厂建设：到2028年建成智能工厂60家。\n"
        "◆工业互联网：培育行业级平台5个。\n"
        "三、保障措施\n"
        "（一）加强要素保障。市财政每年安排专项资金3亿元。（牵头单位：市财政局）\n"
    )
    out = gold(text.encode(), "box.txt")
    got = rows(out)
    assert [r[0] for r in got] == [("二", "（一）"), ("二", "（二）"), ("三", "（一）")]
    assert got[0][2:5] == (["市工信局"], ["市商务局"], "2027-12-31")
    assert got[1][4] == "2026-12-31"
    assert [t["value"] for t in out["measures"][0]["targets"]] == [800]
    assert [t["value"] for t in out["measures"][1]["targets"]] == [50]


def test_computing_power_units() -> None:
    text = HEAD + (
        "一、重点任务\n"
        "（一）建设算力设施。到2026年全市算力规模达到20EFLOPS，新增智能算力300PFLOPS。（牵头单位：市数据局）\n"
        "（二）推进数据开放。开放公共数据集100个。（牵头单位：市数据局）\n"
    )
    out = gold(text.encode(), "units.txt")
    assert [(t["value"], t["unit"]) for t in out["measures"][0]["targets"]] == [(20, "EFLOPS"), (300, "PFLOPS")]
