"""Assemble a :class:`ParsedDocument` from text: metadata, outline, assignments, dates, targets.

Guarantee: :func:`parse_text` never raises for any ``str`` input; a document without a
recognisable measure yields a warning in ``warnings``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import assignments as asg
from .deadlines import find_deadline, find_recurrence
from .lines import clean_lines
from .metadata import Metadata, extract_metadata, find_body_end
from .outline import MeasureNode, Node, build_outline, decimal_outline, heading_of, measure_nodes
from .tables import TaskRow, find_indicator_rows, find_task_rows
from .targets import find_targets
from .text import fold, printed_form
from .types import ParsedDocument, ParsedIndicator, ParsedMeasure, ParsedSection

__all__ = ["parse_text"]

_TIME_LIMIT_RE = re.compile(r"(?:完成|办结|落实)?(?:时限|期限|时间|时间节点)\s*:\s*(?P<value>[^\n;。)】]+)")
_DOC_CLOSING_RE = re.compile(r"^(?:本(?:方案|意见|通知|计划|办法|细则|措施|规定|规划|实施方案|行动方案)|以上|上述)")
_NOTE_SENTENCE_RE = re.compile(
    r"^(?:(?:充分|全面)?发挥[^。]*?(?:领导小组|联席会议|工作专班)[^。]*"
    r"|[^。,]{0,20}(?:领导小组|联席会议)(?:要|将|办公室要)[^。]*"
    r"|(?:市|省|区|县)?(?:有关|各相关|相关|各有关)部门(?:要|根据|按照)[^。]*"
    r"|各(?:县|市|区|设区市|地|板块)[^。,]{0,12}(?:要|对)[^。,]*(?:,[^。]*)?)"
)


_POINTS_TO_ANNEX_RE = re.compile(r"(?:详见|见|列入|列于|如)附(?:件|表)\d*[。.]?$|(?:附件|附表)\d*(?:所列|附后)")


@dataclass
class _Work:
    """Mutable per-measure state while assignments are resolved."""

    mn: MeasureNode
    text_paras: list[str]
    inline: list[asg.Clause] = field(default_factory=list)
    trailing: list[tuple[int, str, list[asg.Clause]]] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    inherited: bool = False
    inherited_responsible: list[str] = field(default_factory=list)
    has_clause: bool = False
    why: list[str] = field(default_factory=list)  # which rule gave which units (parse_policy --explain)

    def take(self, lead: tuple[str, ...] | list[str], responsible: tuple[str, ...] | list[str], why: str) -> None:
        _add(self.lead, lead)
        _add(self.responsible, responsible)
        if lead or responsible:
            self.why.append(f"{why}{_roles(lead, responsible)}")


def _roles(lead: tuple[str, ...] | list[str], responsible: tuple[str, ...] | list[str]) -> str:
    parts = ([f"牵头 {'、'.join(lead)}"] if lead else []) + ([f"责任 {'、'.join(responsible)}"] if responsible else [])
    return " → " + "；".join(parts)


def _quote(body: str, limit: int = 60) -> str:
    body = " ".join(body.split())
    return f"“{body[:limit]}{'…' if len(body) > limit else ''}”"


def _shift_leading_clauses(works: list[_Work]) -> None:
    """Clauses printed BEFORE each item (``牵头单位：…`` on its own line, then ``1.…``).

    The outline files such a line under the item above it. The convention is evident when the section's
    intro ends with unbracketed clause lines, every item but the last is followed by such lines, the last
    item by none, and no item carries a clause of its own: each item then takes the lines printed before it.
    """
    groups: dict[int, list[_Work]] = {}
    for w in works:
        if not w.mn.runin and w.mn.node.parent is not None:
            groups.setdefault(id(w.mn.node.parent), []).append(w)
    for siblings in groups.values():
        parent = siblings[0].mn.node.parent
        assert parent is not None
        if len(siblings) < 2 or len(siblings) != len(parent.children) or siblings[-1].trailing:
            continue
        if any(w.inline for w in siblings) or not all(w.trailing for w in siblings[:-1]):
            continue
        intro: list[tuple[int, str, list[asg.Clause]]] = []
        for line, para in reversed(parent.paras):
            only = asg.clause_only(para)
            if only is None:
                break
            intro.insert(0, (line, para, only))
        if not intro:
            continue
        blocks = [intro] + [w.trailing for w in siblings[:-1]]
        if any(c.bracketed for block in blocks for _, _, cl in block for c in cl):
            continue
        for w, block in zip(siblings, blocks, strict=True):
            w.trailing = list(block)
        parent.paras = [(line, para) for line, para in parent.paras if all(line != b[0] for b in intro)]


def _scoped(before: list[_Work], body: str) -> list[_Work]:
    """The items a section clause names (以上第1—5项… / 以上3项…) among ``before``, skipping items with their own
    clause (the item's own clause wins, as for 002 items 9–27); [] when the clause names no items."""
    scope = asg.clause_scope(body)
    if scope is None:
        return []
    if isinstance(scope, int):
        chosen = before[-scope:]
    else:
        chosen = [w for w in before if w.mn.path[-1].isdigit() and scope[0] <= int(w.mn.path[-1]) <= scope[1]]
    return [w for w in chosen if not w.has_clause or w is before[-1]]


def _division_paragraphs(
    root: Node, candidates: list[MeasureNode], notes: list[str]
) -> tuple[dict[int, list[asg.Clause]], set[int]]:
    """分工 paragraphs that assign earlier items by number (第（一）至（三）项由A牵头；第（四）项由B牵头…).

    Each reference is resolved among the siblings, printed before the paragraph, that carry all the labels it
    names (the nearest such group wins). Returns the clauses per measure (keyed by ``id`` of the candidate) and
    the lines of the paragraphs read; a paragraph whose references do not all resolve is left alone.
    """
    found: list[tuple[int, str, list[tuple[list[asg.ItemRef], asg.Clause]]]] = []

    def walk(node: Node) -> None:
        for line, para in node.paras:
            parts = asg.division_parts(para)
            if parts:
                found.append((line, para, parts))
        for child in node.children:
            walk(child)

    walk(root)
    covered: dict[int, list[asg.Clause]] = {}
    lines: set[int] = set()
    for line, para, parts in found:
        groups: dict[int, list[MeasureNode]] = {}
        for mn in candidates:
            if not mn.runin and mn.line < line:
                groups.setdefault(id(mn.node.parent), []).append(mn)
        refs = [r for rs, _ in parts for r in rs]
        best: dict[asg.ItemRef, MeasureNode] | None = None
        for siblings in groups.values():
            for loose in (False, True):
                keyed: dict[asg.ItemRef, MeasureNode] = {}
                for mn in siblings:
                    key = asg.item_label_ref(mn.path[-1])
                    if key is not None:
                        for r in refs:
                            if r == key or (loose and not r[0] and r[2] == key[2]):
                                keyed.setdefault(r, mn)
                if len(keyed) == len(set(refs)):
                    best = keyed  # groups come in document order: the nearest complete group wins
                    break
        if best is None:
            continue
        lines.add(line)
        for rs, clause in parts:
            for r in rs:
                covered.setdefault(id(best[r]), []).append(clause)
        _add(notes, _notes_from_clause(para))
    return covered, lines


def _only_division(mn: MeasureNode, division_lines: set[int]) -> bool:
    """A heading (三、任务分工) whose whole content is 分工 paragraphs read by reference is not a measure."""
    head = fold(mn.head).strip()
    return (
        not mn.runin
        and bool(mn.paras)
        and all(line in division_lines for line, _ in mn.paras)
        and "。" not in head
        and len(head) <= 20
    )


def _body_start(lines: list[str], start: int = 0) -> int:
    best: dict[int, int] = {}
    decimal = decimal_outline(lines)
    for i, line in enumerate(lines[start:], start):
        h = heading_of(line, decimal=decimal) if "|" not in line else None
        if h is not None and h[0] not in best:
            best[h[0]] = i
    if not best:
        return len(lines)
    return best[min(best)]


_FINISHED_RE = re.compile(r"[。!?;…)）〕】\]”\"'》]$")


def _cut_off(last_line: str, last: ParsedMeasure) -> bool:
    """The document stops inside its last measure: the last line, part of that measure, ends mid-sentence
    (``…,启动`` / ``部门分工:省财政厅牵头,`` / ``责任单位:区``), as an excerpt copied from a longer page does."""
    tail = fold(last_line).strip()
    if not tail or _FINISHED_RE.search(tail) or not fold(last.text).rstrip().endswith(tail[-12:]):
        return False
    if tail.endswith((",", "、", ":")):
        return True
    # A heading (（四）工业投资增长12%以上), a whole clause line (牵头单位：市人社局) or a time field
    # (完成时间：2025年6月底前) may end without punctuation; a sentence broken after a comma may not.
    if heading_of(last_line) is not None and "," not in tail:
        return False
    last_field = re.split(r"[:\s]", tail)[-1]
    timed = find_deadline(last_field, None, standalone=True) or find_recurrence(last_field, standalone=True)
    if last_field and timed:
        return False
    clauses = asg.find_clauses(last_line)
    return not (clauses and clauses[-1].end >= len(last_line.rstrip()))


def _document_year(meta: Metadata) -> int | None:
    """The year a bare 年底前 / 12月底前 means: the date signed, else the date published, else the 文号's year."""
    for date in (meta.issued, meta.published):
        if date is not None:
            return date.year
    m = re.search(r"[〔\[(（【]((?:19|20)\d\d)[〕\])）】]", meta.doc_number or "")
    return int(m.group(1)) if m else None


def _one_paragraph_items(candidates: list[MeasureNode]) -> bool:
    """Nearly every measure (five or more) is one paragraph: its heading line and at most clause lines."""
    items = [mn for mn in candidates if not mn.runin]
    if len(items) < 5 or len(items) != len(candidates):
        return False
    single = sum(1 for mn in items[:-1] if all(asg.clause_only(p) is not None for _, p in mn.paras))
    return single >= 0.9 * (len(items) - 1)


def _attached_plan(lines: list[str], title: str | None, start: int, end: int) -> tuple[int, int]:
    """A 印发 notice whose covering letter has numbered points of its own (一、各责任单位要高度重视…), then the
    signature, then the plan it issues: the plan is the body. The letter's points tell the units how to carry out
    the plan; they are not its measures."""
    if end >= len(lines) or not title or "印发" not in title:
        return start, end
    plan_start = _body_start(lines, end + 1)
    if plan_start >= len(lines):
        return start, end
    plan_end = find_body_end(lines, plan_start)
    decimal = decimal_outline(lines)
    headings = sum(1 for line in lines[plan_start:plan_end] if heading_of(line, decimal=decimal) is not None)
    return (plan_start, plan_end) if headings >= 2 else (start, end)


def _add(target: list[str], names: tuple[str, ...] | list[str]) -> None:
    for n in names:
        if n and n not in target:
            target.append(n)


def _sentences(text: str) -> list[str]:
    return [s.strip(" \t\u3000") for s in re.split(r"(?<=。)", text.replace("\n", "")) if s.strip(" 。")]


def _notes_from_clause(body: str) -> list[str]:
    return [s.rstrip("。").strip() for s in _sentences(body) if s.rstrip("。").strip()]


def _tail_notes(text: str) -> list[str]:
    """Sentences of a closing paragraph, split before each new actor (,市各相关部门…)."""
    notes: list[str] = []
    for sent in _sentences(text):
        sent = sent.rstrip("。")
        parts = re.split(r"[,，](?=(?:市|省|区|县|各)[^,，。]{0,12}(?:部门|单位|板块|政府|局|委|办))", sent)
        notes.extend(p.strip() for p in parts if p.strip())
    return notes


def parse_text(text: str, *, source_format: str = "txt", encoding: str | None = None) -> ParsedDocument:
    """Parse decoded text; see the module docstring."""
    if not isinstance(text, str):
        text = str(text)
    lines = clean_lines(text)
    warnings: list[str] = []
    if not lines:
        return ParsedDocument(warnings=("文档没有可识别的文字内容。",), encoding=encoding, source_format=source_format)
    body_start = _body_start(lines)
    meta = extract_metadata(lines, body_start)
    body_end = find_body_end(lines, body_start) if body_start < len(lines) else len(lines)
    body_start, body_end = _attached_plan(lines, meta.title, body_start, body_end)
    root = build_outline(lines, body_start, body_end)
    doc_year = _document_year(meta)

    candidates = list(measure_nodes(root))
    notes: list[str] = []
    default_leads: list[str] = []
    by_reference, division_lines = _division_paragraphs(root, candidates, notes)
    candidates = [mn for mn in candidates if not _only_division(mn, division_lines)]

    # A closing paragraph after the last measure (市科技局负责统筹推进…) belongs to the document.
    # So do the paragraphs after the last measure of a document whose measures are one paragraph each
    # (三十、…（国务院办公厅负责） then 各有关部门要…于2018年12月31日前报送…).
    works: list[_Work] = []
    one_paragraph = _one_paragraph_items(candidates)
    for k, mn in enumerate(candidates):
        paras = [(line, p) for line, p in mn.paras if line not in division_lines]
        if k == len(candidates) - 1 and paras and "。" in mn.head.rstrip("。"):
            for idx, (_, p) in enumerate(paras):
                closing = one_paragraph and not asg.find_clauses(p)
                if closing or asg.default_leads(p) or _DOC_CLOSING_RE.match(fold(p)):
                    for _, tail in paras[idx:]:
                        _add(default_leads, asg.default_leads(tail))
                        if asg.default_leads(tail):
                            _add(notes, _tail_notes(tail))
                    paras = paras[:idx]
                    break
        w = _Work(mn=mn, text_paras=[mn.head])
        w.inline.extend(asg.find_clauses(mn.head))
        for line, p in paras:
            only = asg.clause_only(p)
            if only is not None:
                w.trailing.append((line, p, only))
            else:
                w.inline.extend(asg.find_clauses(p))
                w.text_paras.append(p)
        works.append(w)

    _shift_leading_clauses(works)

    # Resolve own clauses and section clauses (a clause after several clause-less siblings).
    carry: list[tuple[int, tuple[str, ...]]] = []
    groups: dict[int, list[_Work]] = {}
    for w in works:
        key = id(w.mn.node) if w.mn.runin else id(w.mn.node.parent)
        groups.setdefault(key, []).append(w)
    for siblings in groups.values():
        run: list[_Work] = []
        for i, w in enumerate(siblings):
            for c in w.inline:
                w.take(c.lead, c.responsible, f"本条括注 {_quote(c.body)}")
                if c.carry_forward:
                    carry.append((w.mn.line, c.carry_forward))
            if w.inline:
                w.has_clause = True
            # Only a bracketed clause on its own line closes a run of siblings; unbracketed
            # ``牵头单位：…`` lines under an item are that item's own.
            section_like = all(c.bracketed for _, _, cl in w.trailing for c in cl)
            named = [m for _, _, cl in w.trailing for c in cl for m in _scoped(siblings[: i + 1], c.body)]
            if w.trailing and not w.inline and (run or named) and section_like:
                for line, _para, clauses in w.trailing:
                    for c in clauses:
                        covered = _scoped(siblings[: i + 1], c.body) or run + [w]
                        for m in covered:
                            m.take(c.lead, c.responsible, f"节末分工，覆盖其上各条 {_quote(c.body)}")
                            m.inherited = True
                            m.has_clause = True
                        if c.carry_forward:
                            carry.append((line, c.carry_forward))
                        _add(notes, _notes_from_clause(c.body))
                run = []
                continue
            if w.trailing:
                for line, para, clauses in w.trailing:
                    w.text_paras.append(para)
                    for c in clauses:
                        w.take(c.lead, c.responsible, f"本条分工行 {_quote(c.body)}")
                        if c.carry_forward:
                            carry.append((line, c.carry_forward))
                            _add(notes, _notes_from_clause(c.body))
                w.has_clause = True
            if w.has_clause:
                run = []
            else:
                run.append(w)

    # A 分工 paragraph after the items (第（一）至（三）项由A牵头；…) covers the items it names that have no clause.
    for w in works:
        if not w.has_clause and id(w.mn) in by_reference:
            for c in by_reference[id(w.mn)]:
                w.take(c.lead, c.responsible, f"分工段落按编号指定 {_quote(c.body)}")
            w.inherited = True
            w.has_clause = True

    # Clauses printed in a section heading or intro cover its clause-less descendants.
    section_clause_cache: dict[int, list[asg.Clause]] = {}

    def node_clauses(node: Node) -> list[asg.Clause]:
        if id(node) not in section_clause_cache:
            section_clause_cache[id(node)] = asg.find_clauses(node.text())
        return section_clause_cache[id(node)]

    for w in works:
        if w.has_clause:
            continue
        ancestors = w.mn.node.ancestors() + ([w.mn.node] if w.mn.runin else [])
        for anc in reversed(ancestors):
            cl = node_clauses(anc)
            if cl:
                for c in cl:
                    w.take(c.lead, c.responsible, f"上级标题“{anc.label} {anc.title[:20]}”的分工 {_quote(c.body)}")
                    if c.carry_forward:
                        carry.append((anc.line, c.carry_forward))
                w.inherited = True
                w.has_clause = True
                break

    # A carried-forward sentence outside any clause (in the covering letter or an intro).
    for i, body_line in enumerate(lines):
        if "|" in body_line or "以下" not in body_line:
            continue
        for sentence, names in asg.carry_sentences(body_line):
            carry.append((i, names))
            _add(notes, [sentence])

    # Carried-forward bodies (以下均需…落实，不再列出) apply to every later measure of the part where the note is
    # printed, and beyond it to the measures that carry a clause of their own (the note says who is no longer
    # listed in the clauses; 实施步骤/保障措施 items without any clause in a later part are not meant).
    def top(w: _Work) -> int:
        return id(([*w.mn.node.ancestors(), w.mn.node])[0])

    for line, names in carry:
        before = [w for w in works if w.mn.line <= line]
        part = top(before[-1]) if before else None
        for w in works:
            if w.mn.line > line and (part is None or w.has_clause or top(w) == part):
                added = [n for n in names if n not in w.responsible and n not in w.inherited_responsible]
                _add(w.inherited_responsible, added)
                if added:
                    w.why.append(f"前文“以下均需…不再列出”类说明，沿用 → 责任 {'、'.join(added)}")

    # "排在第一位的为牵头单位" documents print bare unit lists: "…。（市农业农村局、市财政局）".
    first_is_lead = bool(asg.FIRST_IS_LEAD_RE.search(fold(text)))
    if first_is_lead:
        for w in works:
            if not w.has_clause:
                units: list[str] = next((n for n in map(asg.bare_unit_list, w.text_paras) if n), [])
                if units:
                    w.take([], units, "本条末尾括注的单位名单")
                    w.has_clause = True

    # In-sentence roles for measures without any clause.
    for w in works:
        if w.has_clause:
            continue
        lead, resp = asg.in_sentence_roles("\n".join(w.text_paras))
        w.take(lead, resp, "正文句中的“X牵头/X配合”")

    # A clause that names only 责任单位, in a measure whose text says "由X牵头": X leads.
    for w in works:
        if w.has_clause and not w.lead:
            lead, _ = asg.in_sentence_roles("\n".join(p for p in w.text_paras if asg.clause_only(p) is None))
            w.take([n for n in lead if n not in w.responsible], [], "分工只列责任单位，正文写明“由X牵头”")

    # "排在第一位的为牵头单位": in lists without an explicit lead, the first unit leads.
    if first_is_lead:
        for w in works:
            if not w.lead and w.responsible:
                w.lead.append(w.responsible.pop(0))
                w.why.append(f"文中规则“列第一位者为牵头单位” → 牵头 {w.lead[0]}")

    # Document-level notes from the general sentences of measures.
    for w in works:
        for sent in _sentences("\n".join(w.text_paras))[1:]:
            if _NOTE_SENTENCE_RE.match(fold(sent)):
                _add(notes, [sent.rstrip("。")])

    # Task tables (序号 | 重点任务 | 牵头单位 | …) anywhere in the document.
    measures: list[tuple[int, ParsedMeasure]] = []
    for order_line, w in ((w.mn.line, w) for w in works):
        measures.append((order_line, _measure_from_work(w, doc_year, meta.horizon)))
    body_count = len(measures)
    table_owner = _table_owners(root)
    replaced: set[int] = set()  # outline leaves whose content is a task table of new rows
    for row in find_task_rows(lines):
        row_measure = _measure_from_row(row, doc_year, meta.horizon, first_is_lead=first_is_lead)
        same = _same_task(row_measure, measures[:body_count])
        if same is None:
            owner = table_owner.get(row.line)
            if owner is not None and _heading_only(owner):
                row_measure = _under_heading(row_measure, owner, row.sections)
                replaced.add(id(owner))
            inherited_resp = list(row_measure.inherited_responsible)
            for line, names in carry:
                if row.line > line:
                    _add(inherited_resp, [n for n in names if n not in row_measure.responsible])
            if inherited_resp:
                row_measure = ParsedMeasure(**{**row_measure.__dict__, "inherited_responsible": tuple(inherited_resp)})
            measures.append((row.line, row_measure))
        else:  # the table restates a body measure (附件 分工表): merge, keep the outline path
            measures[same] = (measures[same][0], _merge_row(measures[same][1], row_measure))
    if len(measures) > body_count:  # "具体任务分解见附件": the heading only points at the task table
        for w in works:
            if not w.mn.runin and not w.has_clause and _POINTS_TO_ANNEX_RE.search(fold("\n".join(w.text_paras))):
                replaced.add(id(w.mn.node))
    if replaced:
        keep = [not (k < body_count and not w.mn.runin and id(w.mn.node) in replaced) for k, w in enumerate(works)]
        measures = [m for k, m in enumerate(measures) if k >= body_count or keep[k]]
    measures.sort(key=lambda x: x[0])
    if measures and body_end == len(lines) and _cut_off(lines[-1], measures[-1][1]):
        warnings.append(
            f"文本在第{len(measures)}条措施（{'/'.join(measures[-1][1].path)}）中途截断，该条未导入；请核对原文是否完整。"
        )
        measures.pop()
    final = tuple(ParsedMeasure(**{**m.__dict__, "order": k + 1}) for k, (_, m) in enumerate(measures))

    indicators = tuple(
        ParsedIndicator(number=n, category=c, name=nm, target_text=t, year=y)
        for n, c, nm, t, y in find_indicator_rows(lines)
    )
    sections = tuple(_sections(root, {id(w.mn.node) for w in works if not w.mn.runin}))

    if not final:
        warnings.append("未识别到任何措施条目，请检查文档格式（如“一、”“（一）”“1.”编号）。")
    else:
        missing = sum(1 for m in final if not (m.lead or m.responsible or m.inherited_responsible))
        if missing:
            warnings.append(f"{missing} 条措施未写明责任单位。")
    if meta.issued is None:
        warnings.append("未找到成文日期。")
    if meta.title is None:
        warnings.append("未找到文件标题。")

    doc = ParsedDocument(
        title=meta.title,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        issued=meta.issued,
        horizon=meta.horizon,
        horizon_text=meta.horizon_text,
        horizon_start_year=meta.horizon_start_year,
        notes=tuple(notes),
        default_leads=tuple(default_leads),
        measures=final,
        sections=sections,
        indicators=indicators,
        warnings=tuple(warnings),
        encoding=encoding,
        source_format=source_format,
    )
    restore = printed_form(text)
    return _as_printed(doc, restore) if restore is not None else doc


def _as_printed(doc: ParsedDocument, restore: Callable[[str], str]) -> ParsedDocument:
    """A document in traditional characters: printed strings back in the characters of the source."""

    def opt(s: str | None) -> str | None:
        return restore(s) if s else s

    def many(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(restore(s) for s in items)

    measures = tuple(
        replace(
            m,
            title=restore(m.title),
            text=restore(m.text),
            section_titles=many(m.section_titles),
            lead=many(m.lead),
            responsible=many(m.responsible),
            inherited_responsible=many(m.inherited_responsible),
            deadline_text=opt(m.deadline_text),
            targets=tuple(replace(t, text=restore(t.text), unit=opt(t.unit)) for t in m.targets),
            explain=many(m.explain),
        )
        for m in doc.measures
    )
    return replace(
        doc,
        title=opt(doc.title),
        doc_number=opt(doc.doc_number),
        issuer=opt(doc.issuer),
        horizon_text=opt(doc.horizon_text),
        notes=many(doc.notes),
        default_leads=many(doc.default_leads),
        measures=measures,
        sections=tuple(replace(sec, title=restore(sec.title)) for sec in doc.sections),
        indicators=tuple(
            replace(i, category=opt(i.category), name=restore(i.name), target_text=restore(i.target_text))
            for i in doc.indicators
        ),
    )


def _table_owners(root: Node) -> dict[int, Node]:
    """The outline node each table line belongs to (the heading the table is printed under)."""
    owners: dict[int, Node] = {}

    def walk(node: Node) -> None:
        for line, _ in node.tables:
            owners[line] = node
        for child in node.children:
            walk(child)

    walk(root)
    return owners


_INTRO_RE = re.compile(r"(?:如下|下表|见表|见附表|分解表|清单)[^。]{0,6}[:。]?$|:$")


def _heading_only(node: Node) -> bool:
    """A heading whose content is its table: ``二、重点任务`` + ``…具体分解如下：`` (not a task itself)."""
    if node.kind < 0 or node.children:
        return False
    head = fold(node.head).strip()
    if "。" in head.rstrip("。"):
        # ``（三）实施…行动。重点抓好以下任务：`` — a title whose own sentence only introduces the table.
        rest = head.split("。", 1)[1].strip()
        if not (rest and _INTRO_RE.search(rest) and "。" not in rest.rstrip("。")):
            return False
    # Closing text printed after the heading's last table (``各部门要…确保按期完成。``) is not its content.
    last_table = max((line for line, _ in node.tables), default=None)
    paras = [p for line, p in node.paras if last_table is None or line < last_table]
    return all(_INTRO_RE.search(fold(p).strip()) for p in paras)


def _label_kind(label: str) -> int:
    h = heading_of(label + "、x" if not label.startswith(("（", "(")) else label + "x")
    return h[0] if h is not None else 9


def _under_heading(m: ParsedMeasure, owner: Node, sections: tuple[str, ...]) -> ParsedMeasure:
    """A table row's path prefixed by the headings above its table (二、重点任务 → ``二/1``).

    Headings at or below the level of the table's own section rows (``一、…`` cells) are left out.
    """
    if owner.kind < 0:
        return m
    top = _label_kind(sections[0]) if sections else 99
    chain = [n for n in [*owner.ancestors(), owner] if n.kind < top]
    if not chain:
        return m
    return ParsedMeasure(
        **{
            **m.__dict__,
            "path": tuple(n.label for n in chain) + m.path,
            "section_path": tuple(n.label for n in chain) + m.section_path,
            "section_titles": tuple(n.title for n in chain) + m.section_titles,
        }
    )


def _title_key(title: str) -> str:
    f = fold(title).strip()
    f = re.sub(r"^(?:\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十\d]{1,3}[、.])", "", f)
    return re.sub(r"[\s,.;:、。\"“”‘’()《》]", "", f)


def _same_task(row: ParsedMeasure, body: list[tuple[int, ParsedMeasure]]) -> int | None:
    """Index of the body measure a task-table row restates (same title, or one title starts the other)."""
    key = _title_key(row.title)
    if len(key) < 4:
        return None
    for k, (_, m) in enumerate(body):
        other = _title_key(m.title)
        if len(other) >= 4 and (key == other or key.startswith(other) or other.startswith(key)):
            return k
    return None


def _merge_row(m: ParsedMeasure, row: ParsedMeasure) -> ParsedMeasure:
    """A body measure completed by its task-table row: units when it has none, the row's time limit."""
    changes: dict[str, object] = {}
    if not (m.lead or m.responsible) and (row.lead or row.responsible):
        changes.update(lead=row.lead, responsible=row.responsible, inherited=False)
        changes["explain"] = (*row.explain[:-1], *m.explain[-1:])
    if row.deadline is not None or row.recurring is not None:
        base = changes.get("explain", m.explain)
        assert isinstance(base, tuple)
        changes["explain"] = (*base[:-1], *row.explain[-1:])  # the last line is the deadline's reason
        for name in ("deadline", "deadline_text", "recurring", "effective_deadline", "deadline_is_default"):
            changes[name] = getattr(row, name)
    return ParsedMeasure(**{**m.__dict__, **changes}) if changes else m


def _sections(root: Node, measure_node_ids: set[int]) -> list[ParsedSection]:
    out: list[ParsedSection] = []

    def walk(node: Node) -> None:
        for child in node.children:
            if id(child) not in measure_node_ids:
                out.append(ParsedSection(path=child.path(), label=child.label, title=child.title))
            walk(child)

    walk(root)
    return out


def _dates(text: str, doc_year: int | None, horizon: dt.date | None, *, standalone: bool = False) -> dict[str, object]:
    dl = find_deadline(text, doc_year, standalone=standalone)
    rec = find_recurrence(text, standalone=standalone)
    deadline = dl.date if dl else None
    deadline_text = dl.text if dl else (rec.text if rec else None)
    recurring = rec.value if rec else None
    if recurring == "ongoing":
        deadline = None
    return {
        "deadline": deadline,
        "deadline_text": deadline_text,
        "recurring": recurring,
        "effective_deadline": deadline or (None if recurring == "ongoing" else horizon),
        "deadline_is_default": deadline is None and horizon is not None and recurring != "ongoing",
    }


def _measure_from_work(w: _Work, doc_year: int | None, horizon: dt.date | None) -> ParsedMeasure:
    mn = w.mn
    text = "\n".join(p for p in w.text_paras if p)
    # Dates and targets are read from the prose, with assignment clauses blanked out.
    prose = text
    for c in asg.find_clauses(text):
        span = text[c.start : c.end]
        blank = [" "] * len(span)
        for s, e in asg.time_spans(span):  # （A牵头，B配合；2025年三季度末前）: the time limit stays
            blank[s:e] = span[s:e]
        prose = prose[: c.start] + "".join(blank) + prose[c.end :]
    if mn.runin:
        prose = prose[len(mn.title) + 1 :] if prose.startswith(mn.title) else prose
    anc = mn.node.ancestors() + ([mn.node] if mn.runin else [])
    # A time limit may sit inside the clause: （责任单位：…；完成时限：2024年底前）.
    labelled = asg.unbracket_labels(text)
    limit = _TIME_LIMIT_RE.search(fold(labelled))
    where = "正文"
    if limit:
        value = labelled[limit.start("value") : limit.end("value")]
        dates = _dates(value, doc_year, horizon, standalone=True)
        if dates["deadline"] is None and dates["recurring"] is None:
            dates = _dates(prose, doc_year, horizon)
        else:  # 完成时限：长期坚持 with 每季度发布… in the text: the explicit frequency
            where = "时限字段"
            _text_frequency(dates, prose, horizon)
    else:
        dates = _dates(prose, doc_year, horizon)
    why = list(w.why) or ["未写明责任单位：进入待分配队列"]
    return ParsedMeasure(
        path=mn.path,
        title=mn.title,
        text=text,
        order=0,
        section_path=tuple(a.label for a in anc),
        section_titles=tuple(a.title for a in anc),
        lead=tuple(w.lead),
        responsible=tuple(w.responsible),
        inherited=w.inherited,
        inherited_responsible=tuple(w.inherited_responsible),
        targets=tuple(find_targets(prose)),
        explain=(*why, _date_reason(dates, where, doc_year)),
        **dates,  # type: ignore[arg-type]
    )


def _date_reason(dates: dict[str, object], where: str, doc_year: int | None) -> str:
    """One line on where the deadline came from, for parse_policy --explain and the import preview."""
    text, deadline, recurring = dates["deadline_text"], dates["deadline"], dates["recurring"]
    if text is None:
        return "时限：原文未写明" + ("，按规划期末默认" if dates["deadline_is_default"] else "")
    out = f"时限：{where}“{text}”"
    if deadline is not None:
        out += f" → {deadline}"
        if doc_year is not None and not re.search(r"\d{4}", str(text)):
            out += f"（未写年份，按发文年份 {doc_year}）"
    if recurring is not None:
        out += f"；周期 {recurring}"
    return out


# Units printed on separate lines of one cell (``A（牵头）<br>B``) arrive joined by a space.
_CELL_UNIT_BREAK_RE = re.compile(r"(?<=[\u4e00-\u9fff）)])\s+(?=[\u4e00-\u9fff（(])")


def _cell_units(cell: str) -> str:
    return _CELL_UNIT_BREAK_RE.sub("、", cell.strip())


def _text_frequency(dates: dict[str, object], text: str, horizon: dt.date | None) -> None:
    """A time-limit cell/field without a frequency (``2024年6月底前``, ``长期坚持``) takes an explicit one
    from the measure's text (``按季度发布…``, ``每季度…``); a dated limit stays the deadline."""
    if dates["recurring"] not in (None, "ongoing"):
        return
    rec = find_recurrence(text)
    if rec is None or rec.value == "ongoing":
        return
    dates["recurring"] = rec.value
    if dates["deadline"] is None:
        dates.update(deadline_text=rec.text, effective_deadline=horizon, deadline_is_default=horizon is not None)


def _measure_from_row(
    row: object, doc_year: int | None, horizon: dt.date | None, *, first_is_lead: bool = False
) -> ParsedMeasure:
    assert isinstance(row, TaskRow)
    lead: list[str] = []
    resp: list[str] = []
    # A 牵头单位 cell may name the partners too: "办公室牵头,各科室配合".
    for name, verb in asg.split_names(_cell_units(row.lead)):
        (resp if verb in ("配合", "参与", "协助", "协办") else lead).append(name)
    # A 责任单位 cell may mark its lead: "市市场监管局（牵头）、市税务局", "市住建局牵头，市财政局配合".
    for name, verb in asg.split_names(_cell_units(row.responsible)):
        (lead if verb in ("牵头", "牵头负责") else resp).append(name)
    if first_is_lead and not lead and resp:
        lead.append(resp.pop(0))
    text = row.task + ("\n" + row.detail if row.detail else "")
    if row.deadline:
        dates = _dates(row.deadline, doc_year, horizon, standalone=True)
        # 持续推进 / 长期 in the cell, an explicit frequency in the text (每月开展一次…).
        _text_frequency(dates, text, horizon)
    else:
        dates = _dates(text, doc_year, horizon)
    why = [f"分工表第 {row.number} 行" + _roles(lead, [r for r in resp if r not in lead])] if lead or resp else []
    return ParsedMeasure(
        explain=(*why, _date_reason(dates, "时限栏" if row.deadline else "正文", doc_year)),
        path=(*row.sections, row.number),
        title=re.split(r"。", row.task, maxsplit=1)[0].strip(),
        text=text,
        order=0,
        section_path=(),
        section_titles=(row.category,) if row.category else (),
        lead=tuple(lead),
        responsible=tuple(r for r in resp if r not in lead),
        targets=tuple(find_targets(text)),
        **dates,  # type: ignore[arg-type]
    )
