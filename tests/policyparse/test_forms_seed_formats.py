"""Text copied out of a PDF, hard-wrapped at a fixed width (invented documents): a wrap that falls right
after a closing ``﹞`` / ``〕`` clause ends the item; a wrap that falls right after a ``；`` inside a sentence
does not split the sentence, but a ``；`` before the next outline item still ends the item."""

from __future__ import annotations

from .forms_util import gold, rows

HEAD = ["青山区推进数字经济发展实施方案", "青山区人民政府", "2024年3月8日", "一、重点任务"]


def _wrap(paragraphs: list[str], width: int = 24) -> bytes:
    """Every paragraph hard-wrapped at `width` characters, a page footer after every 30 lines."""
    lines: list[str] = []
    for para in paragraphs:
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    out: list[str] = []
    for i in range(0, len(lines), 30):
        out.extend(lines[i : i + 30])
        out.append(f"— {i // 30 + 1} —")
    return "\n".join(out).encode("utf-8")


FILLER = "统筹推进产业数字化和数字产业化，完善工作机制，强化要素保障，形成一批可复制可推广的经验做法。"


def test_wrap_after_closing_tortoise_bracket_ends_the_item() -> None:
    # "（一）…。﹝责任主体:…﹞" is exactly two 20-character lines: the wrap falls right after the ﹞.
    first = "（一）建设算力设施。" + "加快建设智算中心" + "。﹝责任主体:区工信局、区发改委、区数据局﹞"
    assert len(first) == 40
    paras = HEAD + [
        first,
        "（二）培育平台企业。" + FILLER + "﹝责任主体:区商务局﹞",
        "（三）推进企业上云。" + FILLER + FILLER + "﹝责任主体:区工信局﹞",
        "（四）发展数字贸易。" + FILLER + "﹝责任主体:区商务局、区税务局﹞",
    ]
    out = rows(gold(_wrap(paras, width=20), "plan.txt"))
    assert [r[0] for r in out] == [("一", f"（{n}）") for n in "一二三四"]
    assert out[0][3] == ["区工信局", "区发改委", "区数据局"]
    assert out[1][3] == ["区商务局"]


def test_wrap_after_semicolon_inside_a_sentence_keeps_the_year() -> None:
    # The wrap falls right after the first "；": the targets after it are still governed by 到2026年.
    body = "到2026年，全区5G基站达到3000座；" + "新增上云企业800家，数据中心机架达到1.2万个。"
    para1 = "（一）建设网络设施。推动网络设施升级改造全覆盖。" + body
    assert para1.index("；") + 1 == 45  # the first line of a 45-character wrap ends with the ；
    paras = HEAD + [
        para1 + "（牵头单位：区工信局）",
        "（二）培育平台企业。" + FILLER * 3 + "（牵头单位：区商务局）",
        "（三）推进企业上云。" + FILLER * 3 + "（牵头单位：区工信局）",
    ]
    out = gold(_wrap(paras, width=45), "plan.txt")
    assert [tuple(m["path"]) for m in out["measures"]] == [("一", f"（{n}）") for n in "一二三"]
    targets = {(t["value"], t["year"]) for t in out["measures"][0]["targets"]}
    assert {(3000, 2026), (800, 2026), (1.2, 2026)} <= targets
    assert out["measures"][0]["deadline"] == "2026-12-31"
    assert out["measures"][0]["lead"] == ["区工信局"]


def test_semicolon_before_the_next_item_still_ends_the_item() -> None:
    # Items that end with "；" exactly at the wrap width: the next item is not glued on.
    item = "加快推进重点领域数字化改造，提升企业智能制造水平和管理效率；"
    paras = (
        HEAD + [f"（{n}）{item}" for n in "一二三四五六"] + ["二、保障措施", "（一）加强组织领导。" + FILLER + FILLER]
    )
    assert len(paras[4]) == 33
    out = rows(gold(_wrap(paras, width=33), "plan.txt"))
    assert [r[0] for r in out][:6] == [("一", f"（{n}）") for n in "一二三四五六"]


def test_clause_wrapped_after_a_title_word_is_not_a_title_end() -> None:
    # The clause on its own line breaks right after "规划" (a title ending) while its bracket is still open.
    first = "（牵头部门：区工信局，责任部门：区商务局、区自然资源和规划"
    clause = first + "局、区生态环境局）"
    body = "（二）优化发展载体。统筹推进全区产业的数字化和智能化转型。"  # a full line ending with 。
    assert len(first) == len(body) == 29
    paras = HEAD + [
        "（一）培育平台企业。" + FILLER * 2 + "（牵头部门：区商务局）",
        body,
        clause,
        "（三）推进企业上云。" + FILLER * 2 + "（牵头部门：区数据局）",
    ]
    out = rows(gold(_wrap(paras, width=29), "plan.txt"))
    assert [r[0] for r in out] == [("一", f"（{n}）") for n in "一二三"]
    assert out[1][2] == ["区工信局"]
    assert out[1][3] == ["区商务局", "区自然资源和规划局", "区生态环境局"]


def test_wrap_after_a_short_gloss_bracket_joins() -> None:
    # "首台(套)" ends a full line: a gloss, not a clause, so the sentence continues on the next line.
    gloss = "（一）支持首台套应用。到2026年，全区推广应用首台(套)"
    width = len(gloss)
    rest = "重大装备100台套。" + FILLER
    paras = HEAD + [
        gloss + rest + "（牵头单位：区工信局）",
        "（二）培育平台企业。" + FILLER * 2 + "（牵头单位：区商务局）",
        "（三）推进企业上云。" + FILLER * 2 + "（牵头单位：区数据局）",
    ]
    out = gold(_wrap(paras, width=width), "plan.txt")
    assert [tuple(m["path"]) for m in out["measures"]] == [("一", f"（{n}）") for n in "一二三"]
    assert out["measures"][0]["lead"] == ["区工信局"]
    assert [(t["value"], t["year"]) for t in out["measures"][0]["targets"]] == [(100, 2026)]
