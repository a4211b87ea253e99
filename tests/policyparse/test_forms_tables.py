"""Task tables (任务分解表 / 责任分工方案) in .docx, HTML and flattened .txt (invented documents).

Annotation choices, consistent with the gold README: each data row is one measure; its path is the
序号 cell, preceded by the label of a numbered section row or category cell (``一、大气污染防治``
→ ``("一", "1")``); an unnumbered category (``项目建设``) adds nothing to the path. 牵头单位 →
lead, 责任单位/配合单位 → responsible; the time-limit column gives the deadline, ``长期坚持`` /
``持续推进`` are ongoing, ``每季度`` quarterly.
"""

from __future__ import annotations

from typing import Any

from .forms_util import docx_bytes, gold, rows

COVER = [
    "白沙市人民政府办公室关于印发白沙市2024年扩大有效投资责任分工方案的通知",
    "白政办发〔2024〕5号",
    "各区人民政府，市政府各部门：",
    "现将《白沙市2024年扩大有效投资责任分工方案》印发给你们，请认真抓好落实。",
    "白沙市人民政府办公室",
    "2024年1月15日",
    "白沙市2024年扩大有效投资责任分工方案",
]


def _category_table(d: Any) -> None:
    for line in COVER:
        d.add_paragraph(line)
    header = ["类别", "序号", "工作任务", "牵头单位", "配合单位", "时间节点"]
    data = [
        [
            "项目建设",
            "1",
            "加快重大项目开工。\n一季度开工项目不少于50个。",
            "市发改委",
            "各区人民政府",
            "2024年3月底前",
        ],  # noqa: E501
        ["项目建设", "2", "推进续建项目投产。", "市发改委", "市工信局、市住建局", "2024年12月底前"],
        header,  # the header row repeated at a page break
        ["要素保障", "3", "强化用地保障。保障项目用地5000亩。", "市自然资源局", "各区人民政府", "长期坚持"],
        ["要素保障", "4", "加大金融支持。", "市金融办", "人民银行白沙市分行", "每季度"],
        ["要素保障", "5", "优化审批服务。", "市行政审批局", "", "2025年6月"],
    ]
    t = d.add_table(rows=1 + len(data), cols=6)
    for j, h in enumerate(header):
        t.cell(0, j).text = h
    for i, r in enumerate(data, start=1):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    t.cell(1, 0).merge(t.cell(2, 0))  # vertically merged category cells
    t.cell(4, 0).merge(t.cell(6, 0))
    t.cell(1, 0).text = "项目建设"
    t.cell(4, 0).text = "要素保障"


def test_docx_table_with_merged_category_column_and_repeated_header() -> None:
    out = gold(docx_bytes(_category_table), "fengong.docx")
    assert out["title"] == COVER[0]
    assert out["doc_number"] == "白政办发〔2024〕5号"
    assert rows(out) == [
        (("1",), "加快重大项目开工", ["市发改委"], ["各区人民政府"], "2024-03-31", None),
        (("2",), "推进续建项目投产", ["市发改委"], ["市工信局", "市住建局"], "2024-12-31", None),
        (("3",), "强化用地保障", ["市自然资源局"], ["各区人民政府"], None, "ongoing"),
        (("4",), "加大金融支持", ["市金融办"], ["人民银行白沙市分行"], None, "quarterly"),
        (("5",), "优化审批服务", ["市行政审批局"], [], "2025-06-30", None),
    ]
    first = out["measures"][0]
    assert first["deadline_text"] == "2024年3月底前"
    assert [t["value"] for t in first["targets"]] == [50]
    assert first["section_titles"] == ["项目建设"]


def _section_rows_table(d: Any) -> None:
    d.add_paragraph("江北区2024年城市管理重点任务分解表")
    t = d.add_table(rows=6, cols=5)
    cells = [
        ["序号", "主要任务", "牵头单位", "责任单位", "完成时间"],
        ["一、市容环境整治", "", "", "", ""],
        ["1", "开展背街小巷整治，完成整治60条。", "区城管局", "各街道办事处", "2024年11月底前"],
        ["2", "规范户外广告设置。", "区城管局", "区市场监管局", "2024年下半年"],
        ["二、市政设施管护", "", "", "", ""],
        ["3", "实施道路修复工程。", "区住建局", "区城管局", "2024年第三季度"],
    ]
    for i, r in enumerate(cells):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    for i in (1, 4):  # a full-width section row
        t.cell(i, 0).merge(t.cell(i, 4))
        t.cell(i, 0).text = cells[i][0]


def test_docx_full_width_section_rows_number_the_path() -> None:
    out = gold(docx_bytes(_section_rows_table), "jiangbei.docx")
    assert rows(out) == [
        (("一", "1"), "开展背街小巷整治，完成整治60条", ["区城管局"], ["各街道办事处"], "2024-11-30", None),
        (("一", "2"), "规范户外广告设置", ["区城管局"], ["区市场监管局"], "2024-12-31", None),
        (("二", "3"), "实施道路修复工程", ["区住建局"], ["区城管局"], "2024-09-30", None),
    ]


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>绿水市人民政府</title>
<style>.nav{color:#333}</style><script>document.write("一、假标题")</script></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a>政务公开</a> &gt; 政策文件</div>
<div class="info">发布日期：2024-04-02　来源：市政府办公室　字号：大 中 小　【打印本页】【关闭窗口】</div>
<h1>关于印发绿水市2024年生态环境保护重点任务分工的通知</h1>
<p>绿政办发〔2024〕18号</p>
<p>各县（市、区）人民政府，市直各单位：</p>
<p>&nbsp;&nbsp;现将《绿水市2024年生态环境保护重点任务分工》印发给你们，请结合实际认真贯彻落实。</p>
<p style="text-align:right">绿水市人民政府办公室</p>
<p style="text-align:right">2024年3月28日</p>
<p>绿水市2024年生态环境保护重点任务分工</p>
<table border="1">
<tr><th rowspan="2">序号</th><th rowspan="2">任务内容</th><th colspan="2">责任分工</th>
<th rowspan="2">完成时间</th></tr>
<tr><th>牵头单位</th><th>责任单位</th></tr>
<tr><td colspan="5"><p>一、大气污染防治</p></td></tr>
<tr><td>1</td><td><p>推进重点行业超低排放改造。</p><p>完成钢铁企业超低排放改造2家。</p></td>
<td rowspan="2">市生态环境局</td><td>市工信局</td><td>2024年10月底前</td></tr>
<tr><td>2</td><td><p>加强扬尘污染治理。</p></td><td>市住建局、市城管局</td><td>持续推进</td></tr>
<tr><td colspan="5">二、水污染防治</td></tr>
<tr><td>3</td><td>实施入河排污口整治。</td><td>市生态环境局</td><td>市水利局&nbsp;</td><td>2024年三季度</td></tr>
<tr><td>4</td><td>推进城镇污水管网建设，新建改造管网50公里。</td><td>市住建局</td>
<td>各县（市、区）人民政府</td><td>2024年12月</td></tr>
</table>
<div class="footer"><p>主办单位：绿水市人民政府办公室</p><p>网站标识码：1234567890</p></div>
<footer>版权所有 © 绿水市人民政府</footer>
</body></html>"""


def test_html_table_with_two_level_header_rowspan_and_section_rows() -> None:
    out = gold(HTML.encode(), "renwu.html")
    assert out["title"] == "关于印发绿水市2024年生态环境保护重点任务分工的通知"
    assert out["issued"] == "2024-03-28"
    assert out["issuer"] == "绿水市人民政府办公室"
    assert rows(out) == [
        (("一", "1"), "推进重点行业超低排放改造", ["市生态环境局"], ["市工信局"], "2024-10-31", None),
        (("一", "2"), "加强扬尘污染治理", ["市生态环境局"], ["市住建局", "市城管局"], None, "ongoing"),
        (("二", "3"), "实施入河排污口整治", ["市生态环境局"], ["市水利局"], "2024-09-30", None),
        (
            ("二", "4"),
            "推进城镇污水管网建设，新建改造管网50公里",
            ["市住建局"],
            ["各县（市、区）人民政府"],
            "2024-12-31",
            None,
        ),
    ]
    assert [t["value"] for t in out["measures"][0]["targets"]] == [2]


PIPE = """附件
临江市2024年制造业高质量发展重点任务分解表
序号|重点任务|牵头单位|责任单位|完成时限
1|推进重大产业项目建设，全年完成工业投资300亿元|市发改委|市工信局、各县（市、区）人民政府|2024年12月底前
2|实施技术改造提升工程，新增智能工厂10家|市工信局|市财政局|长期坚持
3|培育专精特新企业|市工信局|市科技局、市市场监管局|2025年6月
4|开展产业链招商活动|市商务局|市投促中心|每季度
5|加强工业用地保障|市自然资源和规划局|各县（市、区）人民政府|2024年上半年
"""


def test_txt_pipe_table() -> None:
    out = gold(PIPE.encode(), "fenjie.txt")
    assert out["title"] == "临江市2024年制造业高质量发展重点任务分解表"
    assert rows(out) == [
        (
            ("1",),
            "推进重大产业项目建设，全年完成工业投资300亿元",
            ["市发改委"],
            ["市工信局", "各县（市、区）人民政府"],
            "2024-12-31",
            None,
        ),
        (("2",), "实施技术改造提升工程，新增智能工厂10家", ["市工信局"], ["市财政局"], None, "ongoing"),
        (("3",), "培育专精特新企业", ["市工信局"], ["市科技局", "市市场监管局"], "2025-06-30", None),
        (("4",), "开展产业链招商活动", ["市商务局"], ["市投促中心"], None, "quarterly"),
        (("5",), "加强工业用地保障", ["市自然资源和规划局"], ["各县（市、区）人民政府"], "2024-06-30", None),
    ]


def test_txt_table_with_chinese_numbered_section_rows_and_category_column() -> None:
    text = (
        "序号|领域|重点任务|牵头单位|配合单位|完成时限\n"
        "一|产业升级|||| \n"
        "1|产业升级|建设智能制造示范工厂5家|区工信局|区科技局|2024年底前\n"
        "二|开放合作||||\n"
        "2|开放合作|举办投资推介会|区商务局|区投促中心|每年\n"
    )
    out = gold(text.encode(), "t.txt")
    assert rows(out) == [
        (("一", "1"), "建设智能制造示范工厂5家", ["区工信局"], ["区科技局"], "2024-12-31", None),
        (("二", "2"), "举办投资推介会", ["区商务局"], ["区投促中心"], None, "annual"),
    ]


def test_txt_tab_separated_rows_copied_from_word() -> None:
    text = (
        "临江市重点任务分解表\n"
        "序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
        "1\t推进重大产业项目建设\t市发改委\t市工信局\t2024年12月底前\n"
        "2\t实施技术改造\t市工信局\t\t长期坚持\n"
    )
    assert rows(gold(text.encode("gbk"), "tabs.txt")) == [
        (("1",), "推进重大产业项目建设", ["市发改委"], ["市工信局"], "2024-12-31", None),
        (("2",), "实施技术改造", ["市工信局"], [], None, "ongoing"),
    ]


STREAM = """附件
重点任务清单
序号 |
重点任务 |
牵头单位 |
配合单位 |
完成时限 |
一、招商引资 |
1 |
开展产业链精准招商 |
市商务局 |
市投促中心 |
2024年12月底前 |
2 |
举办专题招商推介会3场 |
市投促中心 |
2024年10月底前 |
二、项目建设 |
3 |
推动签约项目落地开工 |
市发改委 |
各县（市、区）人民政府 |
每季度 |
"""


def test_txt_cell_stream_copied_from_a_web_table() -> None:
    # Row 2's lead cell is merged with row 1's (rowspan), so the copy has one cell less.
    assert rows(gold(STREAM.encode(), "stream.txt")) == [
        (("一", "1"), "开展产业链精准招商", ["市商务局"], ["市投促中心"], "2024-12-31", None),
        (("一", "2"), "举办专题招商推介会3场", ["市商务局"], ["市投促中心"], "2024-10-31", None),
        (("二", "3"), "推动签约项目落地开工", ["市发改委"], ["各县（市、区）人民政府"], None, "quarterly"),
    ]


def test_lead_marked_inside_a_responsible_cell() -> None:
    text = """序号|重点任务|责任单位|完成时限
1|推行企业开办一网通办，压缩开办时间。|市市场监管局（牵头）、市税务局、市人社局|2025年6月底前
2|推进工程建设项目审批制度改革。|市住建局牵头，市自然资源和规划局配合|2025年12月底前
3|深化互联网+监管。|市政务服务中心|长期坚持
"""
    out = gold(text.encode(), "a.txt")
    assert [(m["lead"], m["responsible"]) for m in out["measures"]] == [
        (["市市场监管局"], ["市税务局", "市人社局"]),
        (["市住建局"], ["市自然资源和规划局"]),
        ([], ["市政务服务中心"]),
    ]
