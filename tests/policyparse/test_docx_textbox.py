"""Word text boxes: read once (the ``mc:Choice`` copy, never the ``mc:Fallback`` one), VML-only boxes too,
placed before the text of the paragraph that anchors them."""

from __future__ import annotations

import io

from lxml import etree

from policyparse import parse_document
from policyparse.reading import read_document

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _content(lines: list[str]) -> str:
    paras = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in lines)
    return f"<w:txbxContent>{paras}</w:txbxContent>"


def _vml(lines: list[str]) -> str:
    return f'<w:pict><v:shape id="tb" type="#_x0000_t202"><v:textbox>{_content(lines)}</v:textbox></v:shape></w:pict>'


def _drawing(lines: list[str]) -> str:
    return (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:extent cx="2400000" cy="400000"/><wp:wrapNone/><wp:docPr id="1" name="文本框 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx>{_content(lines)}</wps:txbx><wps:bodyPr/>'
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )


def _alternate(choice: list[str], fallback: list[str]) -> str:
    return (
        '<mc:AlternateContent><mc:Choice Requires="wps">'
        f"{_drawing(choice)}</mc:Choice><mc:Fallback>{_vml(fallback)}</mc:Fallback></mc:AlternateContent>"
    )


def _add_box(paragraph: object, inner_xml: str) -> None:
    run = etree.fromstring(f"<w:r {_NS}>{inner_xml}</w:r>")
    paragraph._p.append(run)  # type: ignore[attr-defined]


def _save(d: object) -> bytes:
    buf = io.BytesIO()
    d.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def _text(data: bytes) -> str:
    return read_document(data, "a.docx", max_bytes=10**7)[0]


def test_choice_and_fallback_copies_give_the_text_once() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("某市关于印发工作方案的通知")
    anchor = d.add_paragraph()
    _add_box(anchor, _alternate(["某政办发〔2024〕3号", "第二行"], ["某政办发〔2024〕3号", "第二行"]))
    d.add_paragraph("各区人民政府：")
    lines = [ln for ln in _text(_save(d)).splitlines() if ln.strip()]
    assert lines == ["某市关于印发工作方案的通知", "某政办发〔2024〕3号", "第二行", "各区人民政府："]


def test_the_choice_copy_is_read_and_the_fallback_ignored() -> None:
    import docx

    d = docx.Document()
    anchor = d.add_paragraph()
    _add_box(anchor, _alternate(["新版文本"], ["旧版文本"]))
    text = _text(_save(d))
    assert "新版文本" in text
    assert "旧版文本" not in text


def test_vml_only_text_box_is_read_before_the_anchor_text() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("标题")
    anchor = d.add_paragraph("正文第一段。")
    _add_box(anchor, _vml(["框内文字"]))
    lines = [ln for ln in _text(_save(d)).splitlines() if ln.strip()]
    assert lines == ["标题", "框内文字", "正文第一段。"]


def test_text_box_in_header_stays_excluded() -> None:
    import docx

    d = docx.Document()
    header = d.sections[0].header.paragraphs[0]
    header.text = "页眉"
    _add_box(header, _alternate(["页眉框"], ["页眉框"]))
    d.add_paragraph("正文。")
    text = _text(_save(d))
    assert "页眉" not in text
    assert text.strip() == "正文。"


def test_numbering_and_tables_unchanged_around_a_text_box() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("第一项", style="List Number")
    anchor = d.add_paragraph("第二项", style="List Number")
    _add_box(anchor, _alternate(["框"], ["框"]))
    table = d.add_table(rows=2, cols=2)
    for j, c in enumerate(["序号", "任务"]):
        table.cell(0, j).text = c
    for j, c in enumerate(["1", "建设"]):
        table.cell(1, j).text = c
    lines = [ln for ln in _text(_save(d)).splitlines() if ln.strip()]
    assert lines == ["1.第一项", "框", "2.第二项", "序号|任务", "1|建设"]


def test_doc_number_in_a_text_box_is_found() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("临江市人民政府办公室关于印发临江市城市更新行动方案的通知")
    anchor = d.add_paragraph()
    _add_box(anchor, _alternate(["临政办发〔2025〕7号"], ["临政办发〔2025〕7号"]))
    d.add_paragraph("各县（市、区）人民政府，市政府各部门：")
    d.add_paragraph("一、推进老旧小区改造。2025年底前完成改造50个。（牵头单位：市住建局）")
    d.add_paragraph("二、完善配套设施。（牵头单位：市城管局）")
    doc = parse_document(_save(d), "plan.docx")
    assert doc.doc_number == "临政办发〔2025〕7号"
    assert [m.lead for m in doc.measures] == [("市住建局",), ("市城管局",)]
