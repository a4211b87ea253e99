"""Small policy documents for the importer tests, written for these tests (江海市 is our demo city)."""

from __future__ import annotations

import io

DOC_DIGITAL = """江海市人民政府关于推进数字经济发展的实施方案
江政发〔2026〕8号

一、总体要求
到2027年，全市数字经济核心产业增加值达到500亿元。

二、重点任务
（一）培育数字产业集群。到2026年，新培育数字经济企业100家以上。（牵头单位：市工信局；责任单位：市发改委、市财政局）
（二）推进工业互联网。推动企业上云用云。（牵头单位：市工业和信息化局；责任单位：各县(市、区)人民政府）
（三）建设数据中心。到2027年建成数据中心2个。（责任单位：市数据资源局）
（四）加强人才引育。引进高层次人才。

三、保障措施
（一）加强组织领导。建立推进机制。（牵头单位：市发改委；责任单位：市工信局、市工业和信息化局、市统计局）
"""

# A changed version of DOC_DIGITAL: 二（一） new deadline and text, 二（二） no longer names the counties,
# 二（四） gone, 二（五） new, 三（一） gone.
DOC_DIGITAL_V2 = """江海市人民政府关于推进数字经济发展的实施方案
江政发〔2026〕8号

一、总体要求
到2027年，全市数字经济核心产业增加值达到500亿元。

二、重点任务
（一）培育数字产业集群。到2027年，新培育数字经济企业120家以上。（牵头单位：市工信局；责任单位：市发改委、市财政局）
（二）推进工业互联网。推动企业上云用云。（牵头单位：市工业和信息化局）
（三）建设数据中心。到2027年建成数据中心2个。（责任单位：市数据资源局）
（五）发展数字贸易。培育跨境电商企业。（牵头单位：市商务局）
"""

# A document-wide default lead (市科技局负责统筹推进…) and no per-item clause on two measures.
DOC_PARKS = """江海市关于加快科技创新园区建设的行动方案
江政办发〔2026〕12号

一、主要目标
到2027年，建成科技创新园区5个。
二、重点任务
（一）完善园区规划。编制园区发展规划。
（二）引进研发机构。到2026年引进研发机构10家以上。
（三）强化金融支持。设立科技金融专项基金。（牵头单位：市地方金融监管局）
市科技局负责统筹推进本方案实施，市各相关部门要按照职责分工协同推进。
江海市人民政府办公室
2026年3月1日
"""

# Names the demo city does not know, two printed forms of one unit among them.
DOC_NEW_UNITS = """江海市关于推进海洋经济发展的实施意见
江政发〔2026〕20号

一、重点任务
（一）编制海洋经济规划。（牵头单位：市发改委；责任单位：市海洋发展局）
（二）建设临港产业园。（牵头单位：市发展和改革委；责任单位：江北县人民政府）
（三）加强统筹协调。（牵头单位：市海洋经济领导小组办公室；责任单位：滨海新区管委会）
"""

# A second document that prints 市数据资源局 again (after it was mapped once).
DOC_DATA = """江海市公共数据开放实施方案
江政办发〔2026〕30号

一、重点任务
（一）建设公共数据平台。（牵头单位：市数据资源局；责任单位：市财政局）
"""


def numbered_document(n: int, *, title: str = "江海市批量任务测试方案", doc_number: str = "江政发〔2026〕99号") -> str:
    """A document with `n` measures, each with one lead (for query-count tests)."""
    names = ["市工信局", "市财政局", "市商务局", "市统计局", "市科技局"]
    lines = [title, doc_number, "", "一、重点任务"]
    for i in range(1, n + 1):
        lines.append(f"{i}．推进第{i}项重点工作。（牵头单位：{names[i % len(names)]}）")
    return "\n".join(lines) + "\n"


def html_document(text: str) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return f'<html><head><meta charset="utf-8"><title>文件</title></head><body>{body}</body></html>'.encode()


def docx_document(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        if line.strip():
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
