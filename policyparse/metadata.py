"""Document metadata: title, 文号, issuer, 成文日期, plan horizon, and where the body ends.

Guarantees: every function takes the cleaned lines (see :func:`lines.clean_lines`) and returns
printed substrings (or dates); nothing raises. Labelled fields (``文号:``, ``成文日期:``,
``发布机构:``, ``名称:``) win over inferred values; the issuer is inferred from the signature
above the date, and only when the signature is garbled (site spam) from a provincial 文号
prefix such as 苏政发 → 江苏省人民政府.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .text import fold

__all__ = ["Metadata", "extract_metadata", "find_body_end", "parse_date", "DATE_LINE_RE"]

_FIELD_LABELS = (
    "索引号|主题分类|分类|发布机构|发文机关|发文单位|文号|发文字号|成文日期|发文日期|发布日期|印发日期|有效性|"
    "名称|标题|文件名称|来源|主题词|生效日期|失效日期|公开方式|发布时间|效力状态"
)
_FIELD_RE = re.compile(r"(?P<label>" + _FIELD_LABELS + r")\s*:")
DOCNO_RE = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[【(〖]\s*(?:19|20)\d{2}\s*[〕\]】)〗]\s*(?:第\s*)?\d{1,4}\s*号")
DATE_LINE_RE = re.compile(
    r"^\(?\s*(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]"
    r"\s*(?P<d2>\d{1,2}))\s*\)?$"
)
_CN_DATE_LINE_RE = re.compile(
    r"^(?P<y>[〇零一二三四五六七八九○O]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日$"
)
_ANY_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]\s*(?P<d2>\d{1,2}))"
)
_ORG_END_RE = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|领导小组|管委会|管理委员会|指挥部|工作组|联席会议|局|厅|委|院|部|署|办|中心|公司|集团|协会|联合会)$"
)
_TITLE_END_RE = re.compile(
    r"(?:通知|意见|方案|计划|办法|规定|细则|决定|措施|规划|纲要|要点|通报|批复|函|清单|公告|通告|指引|指南|章程|条例|"
    r"安排|报告|举措|若干政策|实施意见|行动|工程|政策|分解表|分工表|任务表|一览表|台账)"
    r"(?:\s*[(（][^()（）]{0,30}[)）])?\s*$"
)
_JUNK_NAME_RE = re.compile(r"[A-Za-z0-9_]|官网|登录|投注|游戏|娱乐|彩票|博彩|入口|手机版|app", re.IGNORECASE)
_PLAN_PERIOD_RE = re.compile(r"(?P<y1>(?:19|20)\d{2})\s*[-—–~至到]{1,2}\s*(?P<y2>(?:19|20)\d{2})\s*年")
_PLAN_PERIOD_PHRASE_RE = re.compile(
    r"(?:规划|实施|执行|行动|计划|方案)(?:期|期限|周期|时间)(?:为|是|:)?\s*(?P<y1>(?:19|20)\d{2})\s*[-—–~至到]{1,2}\s*"
    r"(?P<y2>(?:19|20)\d{2})\s*年"
)
_TAIL_RE = re.compile(
    r"^(?:附件\s*\d*\s*[:：]?|附\s*件|抄送|抄报|主送|\(此件(?:公开发布|主动公开|不公开)[^)]*\)|此件公开发布|信息公开选项)"
)

_PROVINCES = {
    "苏": "江苏省",
    "浙": "浙江省",
    "皖": "安徽省",
    "闽": "福建省",
    "赣": "江西省",
    "鲁": "山东省",
    "豫": "河南省",
    "鄂": "湖北省",
    "湘": "湖南省",
    "粤": "广东省",
    "琼": "海南省",
    "川": "四川省",
    "黔": "贵州省",
    "滇": "云南省",
    "陕": "陕西省",
    "甘": "甘肃省",
    "冀": "河北省",
    "晋": "山西省",
    "辽": "辽宁省",
    "黑": "黑龙江省",
    "京": "北京市",
    "沪": "上海市",
    "津": "天津市",
    "渝": "重庆市",
    "桂": "广西壮族自治区",
    "蒙": "内蒙古自治区",
    "藏": "西藏自治区",
    "新": "新疆维吾尔自治区",
}
_CN_NUM = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True)
class Metadata:
    """Header facts of a document, as printed."""

    title: str | None
    doc_number: str | None
    issuer: str | None
    issued: dt.date | None
    horizon: dt.date | None
    horizon_text: str | None
    horizon_start_year: int | None
    published: dt.date | None


def _cn_small(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_NUM.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_NUM.get(a, 0) * 10 + (_CN_NUM.get(b, 0) if b else 0)
    return _CN_NUM.get(s, 0)


def parse_date(s: str) -> dt.date | None:
    """First date printed in ``s`` (2024年8月5日, 2024-08-05, 二〇二四年八月五日), or None."""
    f = fold(s).strip()
    m = _ANY_DATE_RE.search(f)
    if m:
        y = int(m.group("y"))
        mo = int(m.group("m") or m.group("m2"))
        d = int(m.group("d") or m.group("d2"))
        try:
            return dt.date(y, mo, d)
        except ValueError:
            return None
    m2 = _CN_DATE_LINE_RE.match(f.replace(" ", ""))
    if m2:
        try:
            y = int("".join(str(_CN_NUM[c]) for c in m2.group("y")))
            return dt.date(y, _cn_small(m2.group("m")), _cn_small(m2.group("d")))
        except (KeyError, ValueError):
            return None
    return None


def _is_date_line(line: str) -> bool:
    f = fold(line).replace(" ", "")
    return bool(DATE_LINE_RE.match(f) or _CN_DATE_LINE_RE.match(f))


def _fields(lines: list[str]) -> dict[str, str]:
    """Labelled header fields (first occurrence wins); ``|`` table cells are handled too."""
    out: dict[str, str] = {}
    for line in lines:
        f = fold(line)
        if ":" not in f:
            continue
        matches = list(_FIELD_RE.finditer(f))
        if not matches or matches[0].start() > 0 and f[: matches[0].start()].strip(" |"):
            continue
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(f)
            value = line[m.end() : end].strip(" |\t\u3000")
            value = re.split(r"\s*\|\s*", value)[0].strip() if "|" in value else value
            if m.group("label") in ("发布日期", "发布时间", "成文日期", "发文日期"):
                value = value.split(" ")[0] if parse_date(value.split(" ")[0] or "") else value
            if value and m.group("label") not in out:
                out[m.group("label")] = value
    return out


def is_signature(line: str) -> bool:
    """A short organisation name on its own line (the signature above a date)."""
    f = fold(line).strip()
    return 2 < len(f) <= 40 and not re.search(r"[,;。:、!?]", f) and bool(_ORG_END_RE.search(f))


def _signatures(lines: list[str]) -> list[tuple[int, str, dt.date, bool]]:
    """``(index, line, date, is_org)`` for every short line directly above a date line."""
    out: list[tuple[int, str, dt.date, bool]] = []
    for i, line in enumerate(lines):
        if not _is_date_line(line):
            continue
        date = parse_date(line)
        if date is None:
            continue
        for j in (i - 1, i - 2):
            if j < 0:
                break
            cand = lines[j].strip()
            if is_signature(cand):
                out.append((j, cand, date, True))
                break
            f = fold(cand)
            if len(f) <= 80 and not re.search(r"[,;。!?]", f) and not _is_date_line(f):
                out.append((j, cand, date, False))
                break
    return out


def find_body_end(lines: list[str], body_start: int) -> int:
    """Index of the first line after the body: a signature+date, 附件/抄送, or 此件公开发布."""
    sigs = {j for j, _, _, _ in _signatures(lines)}
    for i in range(body_start + 1, len(lines)):
        if i in sigs:
            return i
        f = fold(lines[i]).strip()
        if _TAIL_RE.match(f) or _is_date_line(f):
            return i
    return len(lines)


def _title(lines: list[str], fields: dict[str, str], stop: int) -> str | None:
    for key in ("名称", "标题", "文件名称"):
        if fields.get(key):
            return fields[key]
    for k, line in enumerate(lines[:stop]):
        f = fold(line).strip()
        if not (5 <= len(f) <= 100) or f.endswith(("。", ":", ";", ",")) or "|" in f:
            continue
        if _FIELD_RE.match(f) or f.startswith(("为", "根据", "经", "现将", "各")):
            continue
        if _TITLE_END_RE.search(f) and not re.search(r"[。;!?]", f):
            prev = fold(lines[k - 1]).strip() if k > 0 else ""
            # a title printed on two lines: 国务院办公厅关于印发“无废城市”建设 / 试点工作方案的通知
            if "关于" in prev and "关于" not in f and not re.search(r"[。;!?:,]$", prev) and len(prev) <= 60:
                return lines[k - 1].strip() + line.strip()
            return line.strip()
    return None


def _issuer_from_docno(doc_number: str | None) -> str | None:
    if not doc_number:
        return None
    m = re.match(r"^(?P<p>[\u4e00-\u9fff])政(?P<office>办)?(?:发|函|规)", doc_number)
    if not m or m.group("p") not in _PROVINCES:
        return None
    return _PROVINCES[m.group("p")] + ("人民政府办公厅" if m.group("office") else "人民政府")


def _horizon(candidates: list[str]) -> tuple[dt.date | None, str | None, int | None]:
    for text in candidates:
        f = fold(text)
        m = _PLAN_PERIOD_RE.search(f)
        if m and int(m.group("y1")) < int(m.group("y2")) <= int(m.group("y1")) + 30:
            return dt.date(int(m.group("y2")), 12, 31), text[m.start() : m.end()], int(m.group("y1"))
    return None, None, None


def extract_metadata(lines: list[str], body_start: int) -> Metadata:
    """Header facts from the lines before ``body_start`` (and the signature anywhere)."""
    head = lines[:body_start]
    fields = _fields(head[:60])
    title = _title(lines, fields, body_start)
    doc_number = None
    for key in ("文号", "发文字号"):
        v = fields.get(key)
        if v and DOCNO_RE.search(fold(v)):
            doc_number = v.strip()
            break
    if doc_number is None:
        for line in head:
            f = fold(line).strip()
            m = DOCNO_RE.fullmatch(f) or DOCNO_RE.fullmatch(f.replace(" ", ""))
            if m:
                doc_number = line.strip()
                break
    sigs = _signatures(lines)
    issued = parse_date(fields["成文日期"]) if fields.get("成文日期") else None
    if issued is None and fields.get("发文日期"):
        issued = parse_date(fields["发文日期"])
    if issued is None and sigs:
        issued = sigs[0][2]
    published = parse_date(fields.get("发布日期") or fields.get("发布时间") or "")
    if issued is None:
        issued = published
    issuer = fields.get("发布机构") or fields.get("发文机关") or fields.get("发文单位")
    if not issuer:
        for _, sig, _, is_org in sigs:
            if is_org and not _JUNK_NAME_RE.search(sig):
                issuer = sig
                break
    if not issuer:
        issuer = _issuer_from_docno(doc_number)
    plan_titles = [title or ""] + [
        ln for ln in head if len(ln) <= 80 and _TITLE_END_RE.search(fold(ln).strip()) and not ln.endswith("。")
    ]
    horizon, horizon_text, horizon_start = _horizon([t for t in plan_titles if t])
    if horizon is None:
        for line in lines:
            m = _PLAN_PERIOD_PHRASE_RE.search(fold(line))
            if m and int(m.group("y1")) < int(m.group("y2")):
                horizon = dt.date(int(m.group("y2")), 12, 31)
                horizon_text = line[m.start("y1") : m.end()]
                horizon_start = int(m.group("y1"))
                break
    return Metadata(
        title=title,
        doc_number=doc_number,
        issuer=issuer,
        issued=issued,
        horizon=horizon,
        horizon_text=horizon_text,
        horizon_start_year=horizon_start,
        published=published,
    )
