"""The development seeds delivered in other formats must score like their .txt.

    .venv/bin/python bench/seed_formats.py [-v] [--only FORMAT] [--keep DIR]

For each seed in ../shared/seeds/*.txt this renders, into a temporary folder, the same document as
    docx            Word: one paragraph per line, the title centred, 一、 headings styled Heading 1,
                    "|" lines as a real Word table, runs split mid-line
    docx-numbering  the same, with Word automatic numbering for the 一、 and （一） levels
                    (the typed label is removed and a chineseCounting "%1、" / "（%2）" list attached)
    html            a GBK government portal page (nav, breadcrumb, share/print, footer with 主办/网站标识码/ICP),
                    the body in <div class="article"> with a <p> per line and "|" lines as a <table>
    gbk-crlf        GBK text with CRLF line ends
    utf16           UTF-16 text with a BOM
    pdf-copy        text copied out of a PDF: hard-wrapped at 32 characters, a running header and a
                    "— N —" page footer every 40 lines
    fullwidth       full-width digits and punctuation (２０２５年、１．)
parses every variant with policyparse, writes NAME.json under the gold stem and scores the set
with ../shared/tools/score_extraction.py against ../shared/gold; one overall line per format.
The seed texts are read at run time and never stored in the repository.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
SCORER = SHARED / "tools" / "score_extraction.py"
sys.path.insert(0, str(REPO))

_TOP = re.compile(r"^\s*([一二三四五六七八九十]+)、")
_SUB = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[）)]")
_CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    if n < 20:
        return "十" + _CN[n - 11]
    return _CN[n // 10 - 1] + "十" + (_CN[n % 10 - 1] if n % 10 else "")


def _blocks(lines: list[str]) -> list[tuple[str, Any]]:
    """("p", line) and ("table", rows) in order: consecutive "|" lines make one table, a line a row."""
    out: list[tuple[str, Any]] = []
    for line in lines:
        if "|" in line:
            s = line.strip()
            s = s[:-1] if s.endswith("|") else s
            cells = [c.strip() for c in s.split("|")]
            if out and out[-1][0] == "table":
                out[-1][1].append(cells)
            else:
                out.append(("table", [cells]))
        else:
            out.append(("p", line))
    for kind, rows in out:
        if kind == "table":
            width = max(len(r) for r in rows)
            for r in rows:
                r.extend([""] * (width - len(r)))
    return out


def _runs(text: str) -> list[str]:
    """Split a line into runs the way Word does: at script changes (digits/Latin) and mid-word edits."""
    parts = re.findall(r"[0-9A-Za-z.%]+|[^0-9A-Za-z.%]+", text)
    out: list[str] = []
    for part in parts:
        while len(part) > 11:  # an edit boundary every few characters
            cut = 5 + (len(part) * 7 + len(out)) % 6
            out.append(part[:cut])
            part = part[cut:]
        out.append(part)
    return [p for p in out if p]


def _is_title(line: str, gold: dict[str, Any]) -> bool:
    return bool(gold.get("title")) and line.strip() == gold["title"]


def _docx(lines: list[str], gold: dict[str, Any], *, numbering: bool) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    num_id = _add_numbering(document) if numbering else None
    counters = [0, 0]
    title_done = False
    for kind, value in _blocks(lines):
        if kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(value):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
            continue
        line = value
        top, sub = _TOP.match(line), _SUB.match(line)
        heading = bool(top) and len(line.strip()) <= 30
        para = document.add_paragraph(style="Heading 1" if heading else None)
        if not title_done and _is_title(line, gold):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            title_done = True
        level = 0 if top else 1 if sub else None
        if num_id is not None and level is not None:
            m = top or sub
            assert m is not None
            expect = counters[level] + 1
            if m.group(1) == _cn(expect):  # Word's counter would print the same label: let Word number it
                counters[level] = expect
                if level == 0:
                    counters[1] = 0
                _set_num(para, num_id, level)
                line = line[m.end() :]
        for piece in _runs(line):
            para.add_run(piece)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _add_numbering(document: Any) -> str:
    """A chineseCounting list: level 0 "%1、", level 1 "（%2）"; returns its numId."""
    from docx.oxml import parse_xml

    root = document.part.numbering_part.element
    aid, nid = "90", "90"
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{aid}"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLine="640"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLine="640"/></w:pPr></w:lvl></w:abstractNum>'
    )
    num = parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>')
    first_num = root.find(f"{{{_W}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    root.append(num)
    return nid


def _set_num(para: Any, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml

    ppr = para._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _html(lines: list[str], gold: dict[str, Any]) -> bytes:
    title = html.escape(gold.get("title") or "")
    body: list[str] = []
    for kind, value in _blocks(lines):
        if kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>" for cells in value)
            body.append(f'<table border="1" cellspacing="0">{rows}</table>')
        else:
            body.append(f"<p>{html.escape(value)}</p>")
    page = f"""<!DOCTYPE html>
<html><head><meta charset="gbk"><title>{title}_政府信息公开_市人民政府门户网站</title>
<script>var _hmt = _hmt || [];</script></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zmhd/">政民互动</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/zjsq/">走进市情</a></li></ul>
<div class="search"><input type="text" value="请输入关键字"><button>搜索</button></div></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>
<div class="tools">【字体：<a>大</a> <a>中</a> <a>小</a>】 <a href="javascript:window.print()">【打印本页】</a>
<a>【关闭窗口】</a> 分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="article">
{chr(10).join(body)}
</div>
<div class="related">相关链接：<a>政策解读</a> <a>图解</a></div>
<div class="footer"><p>主办：市人民政府办公室　承办：市大数据管理局</p>
<p>网站标识码：3206000001　苏ICP备05009876号　苏公网安备 32060202000123号</p>
<p>地址：市行政中心　联系电话：0513-12345678</p></div>
</body></html>
"""
    return _gbk(page).encode("gbk", errors="xmlcharrefreplace")


def _pdf_copy(lines: list[str], gold: dict[str, Any]) -> str:
    header = f"{gold.get('issuer') or '市人民政府'}公报"
    wrapped: list[str] = []
    for line in lines:
        s = line.strip()
        while len(s) > 32:
            wrapped.append(s[:32])
            s = s[32:]
        wrapped.append(s)
    out: list[str] = []
    for i in range(0, len(wrapped), 40):
        page = i // 40 + 1
        if page > 1:
            out.append(header)
        out.extend(wrapped[i : i + 40])
        out.append(f"— {page} —")
    return "\n".join(out) + "\n"


_FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.,:;()%/-|!?"}


def _fullwidth(text: str) -> str:
    return "".join(_FULL.get(c, c) for c in text)


def _gbk(raw: str) -> str:
    """What a GBK export keeps: no-break spaces become spaces, bullets a middle dot."""
    return raw.replace("\u00a0", " ").replace("\u2022", "·")


def _text(raw: str) -> list[str]:
    return [ln for ln in raw.splitlines() if ln.strip()]


Renderer = Callable[[str, dict[str, Any]], tuple[str, bytes]]
FORMATS: dict[str, Renderer] = {
    "docx": lambda raw, g: (".docx", _docx(_text(raw), g, numbering=False)),
    "docx-numbering": lambda raw, g: (".docx", _docx(_text(raw), g, numbering=True)),
    "html": lambda raw, g: (".html", _html(_text(raw), g)),
    "gbk-crlf": lambda raw, g: (".txt", _gbk(raw).replace("\r\n", "\n").replace("\n", "\r\n").encode("gbk")),
    "utf16": lambda raw, g: (".txt", raw.encode("utf-16")),
    "pdf-copy": lambda raw, g: (".txt", _pdf_copy(raw.splitlines(), g).encode("utf-8")),
    "fullwidth": lambda raw, g: (".txt", _fullwidth(raw).encode("utf-8")),
}


def seeds() -> list[tuple[str, str, dict[str, Any]]]:
    """(stem, text, gold) for every seed that has gold."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        gold_path = GOLD / f"{path.stem}.json"
        if gold_path.exists():
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            out.append((path.stem, path.read_text(encoding="utf-8"), gold))
    return out


def render(fmt: str, folder: Path) -> list[Path]:
    """Write every seed in format `fmt` into `folder` as STEM.ext; returns the paths."""
    paths = []
    for stem, raw, gold in seeds():
        ext, data = FORMATS[fmt](raw, gold)
        path = folder / f"{stem}{ext}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def predict(paths: list[Path], out: Path) -> None:
    from policyparse import parse_document, to_gold_dict

    for path in paths:
        data = to_gold_dict(parse_document(path.read_bytes(), path.name), path.name)
        (out / f"{path.stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-v", "--verbose", action="store_true", help="show the scorer's per-measure differences")
    ap.add_argument("--only", choices=sorted(FORMATS), action="append", help="score only this format (repeatable)")
    ap.add_argument("--keep", type=Path, help="keep the rendered documents and predictions under this folder")
    args = ap.parse_args()
    if not SCORER.exists() or not seeds():
        print(f"seeds, gold or scorer not found under {SHARED}", file=sys.stderr)
        return 2
    status = 0
    for fmt in args.only or list(FORMATS):
        with tempfile.TemporaryDirectory(prefix=f"duban-seed-{fmt}-") as tmp:
            base = (args.keep / fmt) if args.keep else Path(tmp)
            docs, preds = base / "docs", base / "pred"
            docs.mkdir(parents=True, exist_ok=True)
            preds.mkdir(parents=True, exist_ok=True)
            predict(render(fmt, docs), preds)
            cmd = [sys.executable, str(SCORER), str(GOLD), str(preds)] + (["-v"] if args.verbose else [])
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        lines = res.stdout.splitlines()
        overall = [ln for ln in lines if ln.startswith("overall:")]
        if args.verbose:
            print(f"== {fmt}")
            print("\n".join(ln for ln in lines if not ln.startswith("overall:")))
        if res.returncode == 2 or not overall:
            print(f"{fmt}: the scorer failed\n{res.stderr}", file=sys.stderr)
            status = 2
            continue
        print(f"{fmt:15s} {overall[0]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
