"""The document outline: numbered headings, their paragraphs, and which nodes are measures.

Levels, from the top: ``第一章/第一部分``, ``一、`` or ``第一条``, ``（一）``/``(一)``, ``1.``/``1、``/``1．``,
``（1）``/``(1)``/``1)``, ``①``. A heading closes every open node of its own or a lower level,
so skipped levels are fine.

Guarantees:
- :func:`build_outline` never raises and keeps every body line: in a heading or as a paragraph
  of the innermost open node (table lines, containing ``|``, are kept apart);
- :func:`measure_nodes` yields the leaves under the task parts: general sections such as
  总体要求/指导思想/基本原则/主要目标/空间布局 are skipped with their subtree, headings with
  children are sections, and a leaf whose paragraphs open with short run-in headings
  (``建设高水平新型企业创新载体。…``) is split into one measure per run-in paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .labels import decimal_outline, heading_of
from .text import fold

__all__ = ["Node", "build_outline", "decimal_outline", "heading_of", "is_general_title", "measure_nodes", "title_of"]

_GENERAL_WORDS = frozenset(
    """总体要求 指导思想 基本原则 工作原则 主要原则 主要目标 发展目标 工作目标 总体目标 具体目标 目标要求 重要意义
    战略定位 发展定位 功能定位 总体定位 总体思路 工作思路 发展思路 基本思路 空间布局 总体布局 发展基础 发展现状
    现状 基本情况 发展形势 面临形势 形势分析 适用范围 编制依据 总则 附则 背景 编制背景 目的 目的依据 定义 名词解释
    远景展望 发展愿景 愿景 有关要求 目标任务 主要指标 指标体系 发展环境 总体框架 基本要求 主要任务目标
    目标 原则 思路 定位 意义""".split()
)
_RUNIN_RE = re.compile(r"^(?P<phrase>[^;:。!?()\[\]《》|]{2,50}?)。(?P<rest>.+)$")


@dataclass
class Node:
    """One heading and what belongs to it (mutable while the outline is built)."""

    kind: int
    label: str
    head: str  # the heading line after its label, as printed
    line: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    paras: list[tuple[int, str]] = field(default_factory=list)
    tables: list[tuple[int, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return title_of(self.head)

    def path(self) -> tuple[str, ...]:
        labels: list[str] = []
        node: Node | None = self
        while node is not None and node.kind >= 0:
            labels.append(node.label)
            node = node.parent
        return tuple(reversed(labels))

    def ancestors(self) -> list[Node]:
        out: list[Node] = []
        node = self.parent
        while node is not None and node.kind >= 0:
            out.append(node)
            node = node.parent
        return list(reversed(out))

    def text(self) -> str:
        parts = [self.head] if self.head else []
        parts.extend(p for _, p in self.paras)
        return "\n".join(parts)


def title_of(text: str) -> str:
    """The text up to the first 。 (without it), trimmed."""
    first = text.split("\n", 1)[0]
    idx = first.find("。")
    title = first[:idx] if idx >= 0 else first
    return title.strip(" \t\u3000:：")


# ``专栏1 重点工程`` / ``专栏一：…`` opens a box that lists projects or goals next to the text; it is not part of
# the measure above it and its numbered entries are not measures. The box ends at the next heading of a level
# that is open above it (``（二）`` after a box under ``（一）``), unless that heading restarts a numbering.
_BOX_RE = re.compile(r"^\s*专栏\s*(?:\d+|[一二三四五六七八九十]+)?\s*[:：\s\u3000]")
_FIRST_LABELS = frozenset({"1", "（1）", "（一）", "一", "①"})


def build_outline(lines: list[str], start: int, end: int) -> Node:
    """A tree of headings over ``lines[start:end]``; the root (kind -1) holds the preamble."""
    root = Node(kind=-1, label="", head="", line=start)
    stack: list[Node] = [root]
    box = False  # inside a 专栏 box: its lines (projects, bullet points, numbered entries) belong to no node
    decimal = decimal_outline(lines[start:end])
    for i in range(start, end):
        line = lines[i]
        h = heading_of(line, decimal=decimal) if "|" not in line else None
        if _BOX_RE.match(fold(line)) and len(line) <= 40:
            box = True
            continue
        if box:
            open_kinds = {n.kind for n in stack[1:]}
            if h is None or h[0] not in open_kinds or h[1] in _FIRST_LABELS:
                continue
            box = False
        if h is not None:
            kind, label, rest = h
            article = label.startswith("第") and label.endswith("条")
            while len(stack) > 1 and stack[-1].kind >= kind:
                # 一、chapter headings over 第一条 articles: the articles are the chapter's children.
                if article and stack[-1].kind == kind and not stack[-1].label.startswith("第"):
                    break
                stack.pop()
            node = Node(kind=kind, label=label, head=rest, line=i, parent=stack[-1])
            stack[-1].children.append(node)
            stack.append(node)
            continue
        if "|" in line:
            stack[-1].tables.append((i, line))
        else:
            stack[-1].paras.append((i, line))
    return root


def is_general_title(title: str) -> bool:
    """True for 总体要求/指导思想/主要目标-style section titles (alone or joined by 和/与/及/、)."""
    f = re.sub(r"\s", "", fold(title)).strip("。.:")
    if not f:
        return False
    if f.endswith("重要意义"):  # 一、充分认识…的重要意义
        return True
    if len(f) > 20 and any(f.startswith(w) for w in _GENERAL_WORDS if len(w) == 4):
        return True  # 一、指导思想以习近平…: a heading run together with its paragraph in a text without breaks
    parts = [p for p in re.split(r"[和与及、]", f) if p]
    return all(p in _GENERAL_WORDS for p in parts)


@dataclass(frozen=True)
class MeasureNode:
    """A measure candidate: its outline node, path, title, text and first line index."""

    node: Node
    path: tuple[str, ...]
    title: str
    head: str
    paras: tuple[tuple[int, str], ...]
    line: int
    runin: bool


# Purpose, scope and validity clauses of 办法/措施 are not tasks (第一条 为…制定本办法; 本办法自…起施行).
_BOILERPLATE_RE = re.compile(
    r"^(?:为[^。]{0,120}?(?:制定|特制定)本|本(?:办法|措施|方案|意见|细则|规定|政策|通知|条例|计划|若干措施)[^。]{0,12}?"
    r"(?:自|由|所称|适用|有效期|施行|执行|负责解释|解释)|(?:本[^。]{0,12})?自(?:印发|发布|公布)之日起)"
)
_NOT_HEADING_START = ("各", "对", "在", "通过", "按照", "根据", "为", "由", "我", "本", "该", "其", "如", "凡", "以上")
_MODAL_RE = re.compile(r"(?<![重主需纲摘简首必])要(?![素点])|应当|应该|必须|务必|将会|已经|可以|了$")


def _runin_paragraphs(node: Node) -> list[int]:
    """Indexes of paragraphs that open with a run-in heading (a short verb phrase + 。).

    Run-ins are accepted only when at least two paragraphs have one and they make up at least
    half of the node's paragraphs, so ordinary prose that happens to start with a short
    sentence (``各地要高度重视。``) is not split.
    """
    idx = [k for k, (_, p) in enumerate(node.paras) if _runin_phrase(p) is not None]
    if len(idx) < 2 or len(idx) * 2 < len(node.paras):
        return []
    return idx


def _runin_phrase(text: str) -> str | None:
    """The run-in heading a paragraph opens with (``突破重大关键核心技术。…``), as printed; None when it has none.

    A heading of two parts (``优化固体废物管理体制机制，强化部门分工协作。``) may hold commas: then each part is a
    phrase of its own (four characters or more) and it holds no number, which ordinary first sentences do."""
    m = _RUNIN_RE.match(fold(text))
    if not m:
        return None
    phrase = m.group("phrase").strip()
    if "," in phrase:
        if len(phrase) > 48 or re.search(r"\d", phrase) or any(len(part) < 4 for part in phrase.split(",")):
            return None
    elif len(phrase) > 24 or re.search(r"\d", phrase[:2]):
        return None
    if phrase.startswith(_NOT_HEADING_START) or _MODAL_RE.search(phrase) or phrase.endswith("的"):
        return None
    return text[: m.end("phrase")].strip()


def measure_nodes(root: Node) -> Iterator[MeasureNode]:
    """Measure candidates in document order (see the module docstring)."""

    def walk(node: Node) -> Iterator[MeasureNode]:
        for child in node.children:
            if is_general_title(child.title):
                continue
            if child.children:
                yield from walk(child)
                continue
            runins = _runin_paragraphs(child)
            if runins:
                # ``（一）强化顶层设计引领。建立指标体系，发挥导向引领作用。2019年6月底前…``: the heading's own line
                # may carry the first run-in paragraph after the heading sentence.
                title_end = fold(child.head).find("。")
                rest = child.head[title_end + 1 :].strip() if title_end >= 0 else ""
                first = _runin_phrase(rest) if rest else None
                if first is not None:
                    yield MeasureNode(
                        node=child,
                        path=child.path() + (first,),
                        title=first,
                        head=rest,
                        paras=tuple(child.paras[: runins[0]]),
                        line=child.line,
                        runin=True,
                    )
                for n, k in enumerate(runins):
                    stop = runins[n + 1] if n + 1 < len(runins) else len(child.paras)
                    line, para = child.paras[k]
                    phrase = _runin_phrase(para) or ""
                    rest_paras = tuple(child.paras[k + 1 : stop])
                    yield MeasureNode(
                        node=child,
                        path=child.path() + (phrase,),
                        title=phrase,
                        head=para,
                        paras=rest_paras,
                        line=line,
                        runin=True,
                    )
                continue
            if _BOILERPLATE_RE.match(fold(child.head)):
                continue
            yield MeasureNode(
                node=child,
                path=child.path(),
                title=child.title,
                head=child.head,
                paras=tuple(child.paras),
                line=child.line,
                runin=False,
            )

    yield from walk(root)
