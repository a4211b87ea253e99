"""Who leads and who is responsible: assignment clauses in every printed form.

Recognised forms (full- or half-width punctuation, traditional characters already folded):
- labelled: ``（牵头部门：A、B，责任部门：C）``, ``牵头单位：A`` on its own line, ``﹝责任主体：A﹞``,
  also 责任单位/配合单位/协办单位/主办单位/责任分工, in （）()〔〕﹝﹞【】[];
- verb form: ``（A牵头，B、C配合）``, ``（A负责，B参与）``, ``…按职责分工负责``;
- carried forward: ``以下均需X、Y落实，不再列出`` (applies to every later measure);
- in a sentence: ``X牵头制定…`` (lead) and ``X也要积极配合`` (responsible), only for government
  actors at the start of a clause (``支持龙头企业和行业协会牵头`` is ignored);
- document-wide defaults: ``市科技局负责统筹推进…`` → default lead suggestion.

Guarantees: names are printed substrings with a trailing 等 and role verbs removed; lists split on
、，,；; but never inside parentheses, and administrative groups such as ``各县(市)、区人民政府`` or
``各市、县(市、区)`` stay one entry. Nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .deadlines import find_deadline, find_recurrence
from .text import fold

__all__ = [
    "Clause",
    "carry_sentences",
    "default_leads",
    "find_clauses",
    "in_sentence_roles",
    "parse_clause_body",
    "split_names",
    "time_spans",
    "unbracket_labels",
]

_OPEN = "([〔【〖"
_CLOSE = ")]〕】〗"
_ROLE_LABEL_RE = re.compile(
    r"(?P<label>牵头(?:部门|单位|处室|科室)?|主办(?:单位|部门)?|主责(?:单位|部门)?|责任(?:部门|单位|主体|处室|科室)|责任分工"
    r"|配合(?:部门|单位|科室|处室)?|协办(?:单位|部门)?|参与(?:部门|单位)|协同(?:部门|单位)|协助(?:部门|单位)?|实施主体|承办(?:单位|部门)"
    r"|负责(?:部门|单位|科室|处室)"
    r"|(?:牵头|责任|分管|联系|包挂)(?:市|区|县)?领导|责任人|联系人)\s*:"
)
_LEAD_LABELS = ("牵头", "主办", "主责")
_IGNORED_SUFFIX = ("领导", "责任人", "联系人")
# 【牵头单位】市工信局【配合单位】市财政局: a label in its own brackets acts as ``label:``.
_BRACKET_LABEL_RE = re.compile(
    r"[【\[〔〖]\s*(?P<label>(?:牵头|主办|主责|责任|配合|协办|参与|协同|协助|承办)(?:部门|单位|主体|处室|科室)?"
    r"|(?:牵头|责任|分管|联系)(?:市|区|县)?领导|责任人|完成时限|完成时间|时间节点|时限)\s*[】\]〕〗]\s*:?"
)


def unbracket_labels(text: str) -> str:
    """Rewrite ``【牵头单位】`` as `` 牵头单位:`` (same length, so offsets still hold)."""
    folded = fold(text)
    if "【" not in folded and "[" not in folded and "〔" not in folded and "〖" not in folded:
        return text
    parts: list[str] = []
    last = 0
    for m in _BRACKET_LABEL_RE.finditer(folded):
        n = m.end() - m.start()
        label = m.group("label")
        parts.append(text[last : m.start()])
        parts.append(" " * (n - len(label) - 1) + label + ":")
        last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


_VERB_RE = re.compile(
    r"(?P<verb>按职责分工负责|按照职责分工负责|按职责负责|根据职责负责|分工负责|共同负责|负责落实|具体负责|牵头负责|组织落实|"
    r"按职责落实|牵头|负责|配合|参与|协助|协办|落实|指导)$"
)
_CARRY_RE = re.compile(
    r"以下(?:各项)?(?:任务|工作|事项|措施)?(?:均|都|皆)?(?:需|须|由|要|请|应)?(?P<names>[^。;]+?)(?:负责)?(?:组织)?落实"
    r"(?:[^。;]*?不再(?:一一)?(?:列出|列明|赘述))?"
)
# 各地级以上市人民政府负责落实，不再做分工，下同: the units are meant for every later item, not printed again.
_NO_DIVISION_RE = re.compile(
    r"(?:^|(?<=[。;]))\s*(?P<names>[^。;,]+?)(?:按职责)?(?:负责落实|负责|落实),?"
    r"不再(?:做|作|进行|单独)?(?:分工|列出|列明|赘述)(?:,?(?:以下同|下同))?"
)
_ORG_SUFFIX_RE = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|领导小组|委员会|管委会|工作组|指挥部|部门|单位|局|委|办|厅|署|院|部|中心|集团|公司|支队|大队|"
    r"分行|分局|银行|总社|总工会|工会|工商联|团委|妇联|科协|残联|红十字会|联合会|学院|大学|协会|商会|站|所|队|会|行|处|科|室)$"
)
_ADMIN_GROUP_RE = re.compile(r"^各(?:[省市县区镇乡州旗盟](?:\([^()]*\))?、?)+$|^各(?:地|级|有关方面|板块|地区)$")
_ADMIN_FRAG_RE = re.compile(r"^各?[省市县区镇乡州旗盟](?:\([^()]*\))?$")
_ADMIN_NEXT_RE = re.compile(r"^[省市县区镇乡州旗盟](?:\(|人民政府|政府|级|$)")
_SUBJECT_START = "各省市区县州盟乡镇国中自"
_NON_GOV_RE = re.compile(
    r"企业|协会|商会|高校|院所|学校|机构|联盟|社会|群众|个人|资本|龙头|平台|园区企业|城市|的|和企业"
)
_VERBISH_RE = re.compile(
    r"发挥|支持|鼓励|引导|推动|推进|制定|建立|加强|加快|组织|开展|实施|完善|强化|优化|落实|研究|提升|打造|积极|主动|要求|将会|应当"
)
_SENT_ROLE_RE = re.compile(
    r"(?:^|(?<=[。;!?,:\n]))\s*(?:由)?(?P<subj>[" + _SUBJECT_START + r"][^。;!?,:\n]{0,40}?)"
    r"(?:也|还|要|应|应当|需|须|将|共同|积极|主动|分别|\s)*"
    r"(?P<verb>牵头(?!城市|县|区|市|单位|部门|作用|协调作用|领导)|配合|参与)"
)
# "由X负责，Y配合": in running text, X leads only when partners are named in the same sentence.
_SENT_BY_RESPONSIBLE_RE = re.compile(
    r"(?:^|(?<=[。;!?\n]))\s*由(?P<subj>[" + _SUBJECT_START + r"][^。;!?,:\n]{0,40}?)负责(?=[,;。]|$)"
    r"(?P<rest>[^。!?\n]*?(?:配合|参与|协助))"
)
_DEFAULT_LEAD_RE = re.compile(
    r"(?:^|(?<=[。;!?\n]))\s*(?:由)?(?P<subj>["
    + _SUBJECT_START
    + r"][^。;!?,:\n]{1,40}?)(?:要|将)?(?:牵头)?负责(?:统筹|牵头|总体|组织|全面|综合|协调)"
)


# A clause ends where a non-assignment field starts (完成时限：…, 完成时间：…).
_STOP_RE = re.compile(r"(?:完成|办结|落实)?(?:时限|期限|时间节点|时间)\s*:|(?:适用|实施)范围\s*:|备注\s*:|说明\s*:")


@dataclass(frozen=True)
class Clause:
    """One assignment clause found in a text, with its span (printed offsets)."""

    start: int
    end: int
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    carry_forward: tuple[str, ...]
    body: str  # printed clause body without brackets
    bracketed: bool


def _depth_split(folded: str, seps: str) -> list[tuple[int, int]]:
    """Spans of ``folded`` split on ``seps`` outside any brackets."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(folded):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(folded)))
    return spans


# ``商务部、海关总署等有关部门负责`` → 商务部, 海关总署: a list's closing "and the others" is not a unit.
_LIST_TAILS = (
    "等国务院有关部门", "等国务院相关部门", "等有关部门", "等相关部门", "等有关单位", "等相关单位",
    "等单位", "等部门", "等",
)  # fmt: skip
# How to read the unit lists, printed once for the document: "（排在第一位的为牵头单位）", "列第一位者为牵头单位",
# "首位为牵头单位", "列第一位的责任单位为牵头单位". Inside a clause it is a segment of its own, not a unit.
FIRST_IS_LEAD_RE = re.compile(
    r"(?:排在|排名|排|列在|列|位列|名列)?(?:第一位|首位|第一个|第一)[的者]?(?:责任|主责|实施)?(?:部门|单位)?(?:为|是)牵头(?:部门|单位)?"
)
_SAME_BELOW_RE = re.compile(r"^(?:以下同|下同|同上|下略)$")


_LIST_JOIN_RE = re.compile(
    r"(?:(?<=等)|(?<=等有关部门)|(?<=等相关部门)|(?<=等国务院有关部门)|(?<=等国务院相关部门))(?:和|及|以及)"
)


def _clean_name(name: str) -> str:
    name = name.strip(" \t\u3000")
    changed = True
    while changed:
        changed = False
        f = fold(name)
        m = _VERB_RE.search(f)
        if m and m.start() >= 2:
            name = name[: m.start()].rstrip(" \t\u3000")
            changed = True
            continue
        for suffix in _LIST_TAILS:
            if f.endswith(suffix) and len(f) > len(suffix) + 1:
                name = name[: -len(suffix)].rstrip()
                changed = True
                break
    return name.strip(" \t\u3000")


def split_names(text: str) -> list[tuple[str, str | None]]:
    """Split a printed list of bodies; returns ``(name, verb)`` with the role verb it ended with."""
    folded = fold(text)
    raw: list[str] = []
    for s, e in _depth_split(folded, "、,;"):
        # A,B等和各有关省级人民政府 / B等国务院相关部门及各地区: 和/及 after a list closed by 等… starts another;
        # without 等 (市级各有关部门及各县市区政府) the phrase stays one entry, as printed.
        at = s
        for join in _LIST_JOIN_RE.finditer(folded, s, e):
            raw.append(text[at : join.start()])
            at = join.end()
        raw.append(text[at:e])
    # Re-join administrative groups split on 、 (各县(市)、区人民政府, 各市、县(市、区)).
    merged: list[str] = []
    for piece in raw:
        p = piece.strip(" \t\u3000")
        if merged:
            last_tail = fold(merged[-1]).split("、")[-1].strip()
            if _ADMIN_FRAG_RE.match(last_tail) and _ADMIN_NEXT_RE.match(fold(p)):
                merged[-1] = merged[-1] + "、" + p
                continue
        merged.append(p)
    out: list[tuple[str, str | None]] = []
    for piece in merged:
        f = fold(piece).strip()
        m = _VERB_RE.search(f)
        verb = m.group("verb") if m and m.start() >= 2 else None
        if f.endswith("(牵头)"):
            verb = "牵头"
            piece = piece.rstrip()[:-4]
        name = _clean_name(piece)
        if name and 1 < len(name) <= 40 and "。" not in name:
            out.append((name, verb))
    return out


def _looks_like_org(name: str) -> bool:
    f = fold(name)
    if _NON_GOV_RE.search(f) and not _ORG_SUFFIX_RE.search(f):
        return False
    return bool(_ORG_SUFFIX_RE.search(f) or _ADMIN_GROUP_RE.match(f) or f.startswith(("各", "市", "省", "区", "县")))


def _add(target: list[str], names: list[str]) -> None:
    for n in names:
        if n and n not in target:
            target.append(n)


def _is_time_segment(fseg: str) -> bool:
    """A clause segment that is only a time limit or a frequency (``2025年底前``, ``每季度``, ``持续推进``)."""
    if len(fseg) > 16:
        return False
    return bool(find_deadline(fseg, standalone=True) or find_recurrence(fseg, standalone=True))


def time_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the time-limit segments inside a clause (``（A牵头，B配合；2025年底前）`` → ``2025年底前``)."""
    folded = fold(text)
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^,;。()\[\]〔〕【】〖〗]+", folded):
        seg = m.group()
        if seg.strip() and _is_time_segment(seg.strip()) and not _VERB_RE.search(seg.strip()):
            out.append((m.start(), m.end()))
    return out


# A clause that names the items it covers: 以上第1—5项由…, 以上3项均由…, 上述任务由…
_SCOPE_RE = re.compile(
    r"^\s*(?:以上|上述)(?:第?(?P<lo>\d+)(?:项)?(?:[—–\-~至到](?:第)?(?P<hi>\d+))?项|(?P<n>\d+|[一二三四五六七八九十]+)项)?"
    r"(?:任务|工作|措施|事项)?(?:均|都|皆|分别)?由"
)
_CN_NUM = {c: i + 1 for i, c in enumerate("一二三四五六七八九")}


def clause_scope(body: str) -> tuple[int, int] | int | None:
    """The items a clause names: ``(lo, hi)`` for 以上第1—5项, ``n`` for 以上3项 (the last n), else None."""
    m = _SCOPE_RE.match(fold(body))
    if m is None:
        return None
    if m.group("lo") and (m.group("hi") or "第" in m.group(0)):
        return int(m.group("lo")), int(m.group("hi") or m.group("lo"))
    if m.group("lo"):  # 以上3项均由…: a count of the items just above, not item number 3
        return int(m.group("lo"))
    n = m.group("n")
    if n:
        return int(n) if n.isdigit() else (_CN_NUM.get(n, 10) if len(n) == 1 else None)
    return None


_PARTNER_VERB_RE = re.compile(r"参与|配合|协助|协办|参加")


def parse_clause_body(body: str) -> Clause | None:
    """Parse the inside of an assignment clause; None when ``body`` is not one."""
    original = body
    folded = fold(body)
    scope = _SCOPE_RE.match(folded)
    if scope:  # 以上第1—5项由A牵头，B配合: the prefix names the items, not a unit
        pad = " " * scope.end()
        folded, body = pad + folded[scope.end() :], pad + body[scope.end() :]
    stop = _STOP_RE.search(folded)
    if stop:
        body, folded = body[: stop.start()], folded[: stop.start()]
    carry: list[str] = []
    here: list[str] = []  # X负责落实，不再做分工，下同: X is responsible for this item as well
    m: re.Match[str] | None = _CARRY_RE.search(folded)
    no_division = m is None
    if no_division:
        m = _NO_DIVISION_RE.search(folded)
    if m:
        _add(carry, [n for n, _ in split_names(body[m.start("names") : m.end("names")])])
        if no_division:
            here = list(carry)
        folded = folded[: m.start()] + " " * (m.end() - m.start()) + folded[m.end() :]
        body = body[: m.start()] + " " * (m.end() - m.start()) + body[m.end() :]
    lead: list[str] = []
    resp: list[str] = []
    labels = list(_ROLE_LABEL_RE.finditer(folded))
    if labels:
        if folded[: labels[0].start()].strip(" ,;。、"):
            return None
        for i, lm in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(folded)
            label = lm.group("label")
            if label.endswith(_IGNORED_SUFFIX):
                continue
            is_lead = label.startswith(_LEAD_LABELS)
            for sent_s, sent_e in _depth_split(folded[lm.end() : end], "。"):
                chunk = body[lm.end() + sent_s : lm.end() + sent_e]
                if not fold(chunk).strip(" ,;、"):
                    continue
                for name, verb in split_names(chunk):
                    if _is_time_segment(fold(name).strip()):
                        continue  # [责任单位]A、B，2025年12月31日前完成: the time limit follows the list
                    if verb in ("牵头", "牵头负责"):
                        _add(lead, [name])
                    elif is_lead and verb is None:
                        _add(lead, [name])
                    else:
                        _add(resp, [name])
    else:
        segments = [(s, e) for s, e in _depth_split(folded, ",;。") if folded[s:e].strip()]
        if not segments:
            return None if not carry else Clause(0, len(original), (), (), tuple(carry), original.strip(), False)
        has_lead_verb = "牵头" in folded
        # "A负责，B参与": A leads the others. A lone "（A负责）" / "（A、B负责）" names the responsible
        # units (责任单位), as 负责落实 does in the gold rules; nobody is singled out as 牵头.
        has_partners = bool(_PARTNER_VERB_RE.search(folded))
        for s, e in segments:
            seg = body[s:e]
            fseg = fold(seg).strip()
            if _is_time_segment(fseg) or _SAME_BELOW_RE.match(fseg) or FIRST_IS_LEAD_RE.search(fseg):
                continue  # (A牵头，B配合；2025年三季度末前): the time limit shares the brackets
            at = fold(seg).find("会同")
            if at >= 2 and _VERB_RE.search(fseg):  # X会同Y负责: X leads, Y takes part
                first, others = split_names(seg[:at]), split_names(seg[at + 2 :])
                if first and others and all(_looks_like_org(n) for n, _ in first + others):
                    _add(lead, [n for n, _ in first])
                    _add(resp, [n for n, _ in others])
                    continue
            vm = _VERB_RE.search(fseg)
            if not vm or vm.start() < 2:
                return None
            names = split_names(seg)
            if not names or not all(_looks_like_org(n) for n, _ in names):
                return None
            verb = vm.group("verb")
            plain = [n for n, _ in names]
            if verb in ("牵头", "牵头负责") or (verb == "负责" and has_partners and not has_lead_verb and not lead):
                _add(lead, plain)
            else:
                _add(resp, plain)
    _add(resp, [n for n in here if n not in lead])
    if not (lead or resp or carry):
        return None
    return Clause(0, len(original), tuple(lead), tuple(resp), tuple(carry), original.strip(), False)


_CARRY_SENTENCE_RE = re.compile(r"(?:^|(?<=[。;!?]))[^。;!?]*?(?P<carry>以下[^。;!?]*?不再(?:一一)?(?:列出|列明|赘述))")


def carry_sentences(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Unbracketed ``以下任务均需X落实，不再列出`` sentences: ``(printed sentence, names)``."""
    folded = fold(text)
    out: list[tuple[str, tuple[str, ...]]] = []
    for sm in _CARRY_SENTENCE_RE.finditer(folded):
        m = _CARRY_RE.match(folded, sm.start("carry"), sm.end("carry"))
        if m is None:
            continue
        names = [n for n, _ in split_names(text[m.start("names") : m.end("names")])]
        if names and all(_looks_like_org(n) for n in names):
            out.append((text[sm.start("carry") : sm.end("carry")].strip(), tuple(names)))
    return out


def _bracket_groups(folded: str) -> list[tuple[int, int]]:
    """Top-level bracket spans ``(open, close_inclusive)`` in ``folded``."""
    groups: list[tuple[int, int]] = []
    depth = 0
    start = -1
    for i, ch in enumerate(folded):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, i))
    return groups


def find_clauses(text: str) -> list[Clause]:
    """Every assignment clause in ``text`` (bracketed, or labelled up to the end of its line)."""
    text = unbracket_labels(text)
    folded = fold(text)
    clauses: list[Clause] = []
    groups = _bracket_groups(folded)
    for s, e in groups:
        inner = folded[s + 1 : e]
        verb_end = any(_VERB_RE.search(inner[a:b].strip(" 。")) for a, b in _depth_split(inner, ",;。"))
        if not (_ROLE_LABEL_RE.search(inner) or verb_end or "以下" in inner):
            continue
        c = parse_clause_body(text[s + 1 : e])
        if c is not None:
            clauses.append(Clause(s, e + 1, c.lead, c.responsible, c.carry_forward, c.body, True))
    for lm in _ROLE_LABEL_RE.finditer(folded):
        pos = lm.start()
        if any(s <= pos <= e for s, e in groups):
            continue
        if any(c.start <= pos < c.end for c in clauses):
            continue
        # A label must start a line or follow a sentence end to begin a clause.
        before = folded[:pos].rstrip(" \t")
        if before and before[-1] not in "\n。;!?":
            continue
        line_end = folded.find("\n", pos)
        line_end = len(folded) if line_end < 0 else line_end
        stop = _STOP_RE.search(folded, pos, line_end)
        clause_end = stop.start() if stop else line_end
        c = parse_clause_body(text[pos:clause_end])
        if c is not None:
            clauses.append(Clause(pos, clause_end, c.lead, c.responsible, c.carry_forward, c.body, False))
    clauses.sort(key=lambda c: c.start)
    return clauses


def clause_only(text: str) -> list[Clause] | None:
    """The clauses of a paragraph that holds nothing else; None if it also holds prose."""
    clauses = find_clauses(text)
    if not clauses:
        return None
    folded = fold(text)
    rest = list(folded)
    for c in clauses:
        for i in range(c.start, c.end):
            rest[i] = " "
    if "".join(rest).strip(" \t。.,;、"):
        return None
    return clauses


# A government body's name may contain words that elsewhere mark other actors (市人力资源和社会保障局,
# 市中小企业服务中心, 区城市管理局, 市科技成果转化服务中心): 省/市/区/县 + a body suffix, one name.
_GOV_NAME_RE = re.compile(
    r"^(?:[省市区县州]|自治区)[^、,和与及]{1,24}?(?:局|委|办|厅|中心|办公室|委员会|管委会|分局|大队|支队|人民政府|政府)$"
)


def _valid_subject(subj: str) -> bool:
    f = fold(subj).strip()
    if len(f) < 2:
        return False
    if _GOV_NAME_RE.match(f) and not _VERBISH_RE.search(f):
        return True
    if _NON_GOV_RE.search(f) or _VERBISH_RE.search(f):
        return False
    return bool(_ORG_SUFFIX_RE.search(f) or _ADMIN_GROUP_RE.match(f))


def in_sentence_roles(text: str) -> tuple[list[str], list[str]]:
    """Lead/responsible bodies named in running text (``X牵头制定…``, ``X也要积极配合``)."""
    folded = fold(text)
    lead: list[str] = []
    resp: list[str] = []
    for m in _SENT_ROLE_RE.finditer(folded):
        subj_printed = text[m.start("subj") : m.end("subj")]
        if not _valid_subject(subj_printed):
            continue
        names = [n for n, _ in split_names(subj_printed)]
        if not names or not all(_valid_subject(n) or _ADMIN_GROUP_RE.match(fold(n)) for n in names):
            names = [subj_printed.strip()]
        if m.group("verb") == "牵头":
            _add(lead, names)
        else:
            _add(resp, names)
    for m in _SENT_BY_RESPONSIBLE_RE.finditer(folded):
        subj_printed = text[m.start("subj") : m.end("subj")]
        names = [n for n, _ in split_names(subj_printed)]
        if names and all(_valid_subject(n) for n in names) and not any(n in resp for n in names):
            _add(lead, names)
    return lead, resp


def default_leads(text: str) -> list[str]:
    """Document-wide leads: ``市科技局负责统筹推进…`` → ``["市科技局"]``."""
    folded = fold(text)
    out: list[str] = []
    for m in _DEFAULT_LEAD_RE.finditer(folded):
        subj = text[m.start("subj") : m.end("subj")].strip()
        if _valid_subject(subj):
            _add(out, [n for n, _ in split_names(subj)])
    return out


def bare_unit_list(text: str) -> list[str]:
    """A final bracket that holds only unit names (``…。（市农业农村局、市财政局）``), as printed; [] otherwise.

    Only meaningful in documents that say how such lists read (``排在第一位的为牵头单位``)."""
    folded = fold(text).rstrip(" \t\n。.")
    groups = _bracket_groups(folded)
    if not groups or groups[-1][1] != len(folded) - 1:
        return []
    s, e = groups[-1]
    names = split_names(text[s + 1 : e])
    if not names or any(verb is not None or not _looks_like_org(n) for n, verb in names):
        return []
    return [n for n, _ in names]


# A 分工 paragraph that assigns items by number: 第（一）至（三）项由A牵头；第（四）（五）项由B牵头，C配合；第1—3项…
_REF_LABEL = r"(?:\(\s*[一二三四五六七八九十\d]{1,3}\s*\)|[一二三四五六七八九十\d]{1,3})"
_REF_SEP = r"\s*项?\s*(?:[至到—–\-~、,和及与]\s*)?第?\s*"
_DIVISION_PART_RE = re.compile(
    rf"^\s*第\s*(?P<refs>{_REF_LABEL}(?:{_REF_SEP}{_REF_LABEL})*)\s*项(?:任务|工作|措施|事项)?"
    r"(?:均|都|分别|统一)?(?P<role>.+)$"
)
_REF_TOKEN_RE = re.compile(rf"(?P<label>{_REF_LABEL})|(?P<range>[至到—–\-~])")


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_NUM.get(tens, 0) if tens else 1) * 10 + (_CN_NUM.get(ones, 0) if ones else 0)
    return _CN_NUM.get(s) if len(s) == 1 else None


ItemRef = tuple[bool, bool, int]  # (bracketed, Chinese numeral, number): （三） → (True, True, 3)


def _item_refs(refs: str) -> list[ItemRef] | None:
    out: list[ItemRef] = []
    pending_range = False
    for m in _REF_TOKEN_RE.finditer(refs):
        if m.group("range"):
            pending_range = bool(out)
            continue
        label = m.group("label")
        core = label.strip("() ")
        n = _cn_int(core)
        if n is None:
            return None
        ref = (label.startswith("("), not core.isdigit(), n)
        if pending_range:
            lo = out[-1][2]
            if not lo < n <= lo + 50:
                return None
            out.extend((ref[0], ref[1], k) for k in range(lo + 1, n + 1))
        else:
            out.append(ref)
        pending_range = False
    return out or None


def item_label_ref(label: str) -> ItemRef | None:
    """An outline label as an :data:`ItemRef`: ``（一）`` → (True, True, 1), ``3`` → (False, False, 3)."""
    f = fold(label).strip()
    core = f.strip("() ")
    n = _cn_int(core) if core else None
    return None if n is None else (f.startswith("("), not core.isdigit(), n)


def division_parts(text: str) -> list[tuple[list[ItemRef], Clause]] | None:
    """A paragraph made only of ``第X项…`` parts, each with its role clause; None otherwise."""
    folded = fold(text)
    if not folded.lstrip().startswith("第") or "项" not in folded:
        return None
    out: list[tuple[list[ItemRef], Clause]] = []
    for s, e in _depth_split(folded, ";。"):
        if not folded[s:e].strip(" 。"):
            continue
        m = _DIVISION_PART_RE.match(folded[s:e])
        if m is None:
            return None
        refs = _item_refs(m.group("refs"))
        role_start = s + m.start("role")
        if folded[role_start] == "由":
            role_start += 1
        clause = parse_clause_body(text[role_start:e])
        if refs is None or clause is None or not (clause.lead or clause.responsible):
            return None
        out.append((refs, clause))
    return out or None
