"""Encodings and containers: GBK/UTF-16/UTF-8-BOM text, GB2312 .htm with page furniture and
layout tables, .docx with Word automatic numbering (invented documents)."""

from __future__ import annotations

from typing import Any

import pytest

from .forms_util import docx_bytes, gold, rows

PLAN = """金水区2024年城市更新工作方案
金水区人民政府办公室
2024年4月1日
一、重点任务
（一）改造老旧小区。完成老旧小区改造30个。（牵头单位：区住建局；责任单位：各街道办事处）
（二）建设口袋公园。新建口袋公园10个，2024年9月底前完工。（牵头单位：区城管局）
"""

EXPECTED = [
    (("一", "（一）"), "改造老旧小区", ["区住建局"], ["各街道办事处"], None, None),
    (("一", "（二）"), "建设口袋公园", ["区城管局"], [], "2024-09-30", None),
]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig", "utf-16-le"])
def test_text_encodings(encoding: str) -> None:
    data = PLAN.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # UTF-16 LE with BOM
    out = gold(data, "plan.txt")
    assert out["title"] == "金水区2024年城市更新工作方案"
    assert out["issued"] == "2024-04-01"
    assert rows(out) == EXPECTED


def test_crlf_and_fullwidth_spaces() -> None:
    text = PLAN.replace("\n", "\r\n").replace("（一）", "\u3000\u3000（一）")
    assert rows(gold(text.encode("gbk"), "plan.txt")) == EXPECTED


LAYOUT_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于印发桃源县2024年农村人居环境整治工作方案的通知</title>
<script type="text/javascript">var a = "一、不是正文";</script></head>
<body><table width="100%"><tr><td class="menu"><a href="#">首页</a> | <a href="#">政务公开</a></td></tr></table>
<table width="980" align="center"><tr><td>
<table width="100%"><tr><td align="center" class="title">关于印发桃源县2024年农村人居环境整治工作方案的通知</td></tr>
<tr><td>发布时间：2024-03-01 浏览次数：123 字号：[大 中 小] 打印本页 关闭窗口</td></tr></table>
<div class="content">
<p>桃政办发〔2024〕6号</p>
<p>各乡镇人民政府，县直各单位：</p>
<p>现将《桃源县2024年农村人居环境整治工作方案》印发给你们，请认真贯彻执行。</p>
<p>桃源县人民政府办公室</p><p>2024年2月26日</p>
<p>桃源县2024年农村人居环境整治工作方案</p>
<p>一、工作目标</p><p>到2024年底，全县农村卫生厕所普及率达到92%。</p>
<p>二、重点任务</p>
<p>（一）推进农村改厕。新建改建卫生户厕2000座。（牵头单位：县农业农村局；配合单位：县卫健局）</p>
<p>（二）治理生活污水。完成15个行政村生活污水治理。<br>牵头单位：县生态环境分局</p>
<p>（三）整治村容村貌。清理乱堆乱放，长期坚持。（牵头单位：县住建局）</p>
</div></td></tr></table>
<div id="footer">版权所有：桃源县人民政府 ICP备12345678号</div>
</body></html>"""


def test_gb2312_htm_with_layout_tables_and_page_furniture() -> None:
    out = gold(LAYOUT_PAGE.encode("gb2312"), "content.htm")
    assert out["encoding"] == "gb18030"
    assert out["title"] == "关于印发桃源县2024年农村人居环境整治工作方案的通知"
    assert out["doc_number"] == "桃政办发〔2024〕6号"
    assert out["issued"] == "2024-02-26"
    assert rows(out) == [
        (("二", "（一）"), "推进农村改厕", ["县农业农村局"], ["县卫健局"], None, None),
        (("二", "（二）"), "治理生活污水", ["县生态环境分局"], [], None, None),
        (("二", "（三）"), "整治村容村貌", ["县住建局"], [], None, "ongoing"),
    ]


def test_html_sidebar_layout_keeps_article_lines() -> None:
    page = (
        "<table><tr><td><ul><li>首页</li><li>政务公开</li></ul></td><td><p>一、重点任务</p>"
        "<p>（一）建设园区。（牵头单位：区发改局）</p><p>（二）招引项目。（牵头单位：区商务局）</p></td></tr></table>"
    )
    out = gold(page.encode(), "p.html")
    assert [(m["path"], m["lead"]) for m in out["measures"]] == [
        (["一", "（一）"], ["区发改局"]),
        (["一", "（二）"], ["区商务局"]),
    ]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _numbered(d: Any) -> None:
    from docx.oxml import parse_xml

    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>'
            '</w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def para(text: str, level: int | None = None) -> None:
        p = d.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
            )

    para("测试区关于推进城市更新的工作方案")
    para("总体要求", 0)
    para("到2025年，完成老旧小区改造100个。")
    para("重点任务", 0)
    para("推进老旧小区改造", 1)
    para("完善基础设施。改造供水管网20公里。（责任单位：区住建局）", 2)
    para("增设养老设施。（责任单位：区民政局）", 2)
    para("加强历史文化保护。开展历史建筑测绘建档。（责任单位：区文旅局）", 1)


def test_docx_automatic_numbering() -> None:
    out = gold(docx_bytes(_numbered), "numbered.docx")
    assert [(tuple(m["path"]), m["responsible"]) for m in out["measures"]] == [
        (("二", "（一）", "1"), ["区住建局"]),
        (("二", "（一）", "2"), ["区民政局"]),
        (("二", "（二）"), ["区文旅局"]),
    ]
