"""Parse policy files to JSON (the gold schema) without touching the database's documents."""

from __future__ import annotations

# Python imports
import json
from pathlib import Path
from typing import Any

# Django imports
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

# Module imports
from policyparse.errors import PolicyParseError
from policyparse.reading import SUPPORTED_HINT


class Command(BaseCommand):
    help = "解析政策文件，输出 JSON（DIR/<文件名>.json），或用 --explain 逐条说明依据；不写数据库。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help=f"政策文件（{SUPPORTED_HINT}）")
        parser.add_argument("--out", help="输出目录（JSON）")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="逐条打印措施的原文、牵头/责任单位和时限各由哪条规则得出",
        )
        parser.add_argument(
            "--resolve", action="store_true", help="附带按当前数据库识别的部门（只读数据库；无数据库时跳过）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from policyparse import parse_document, to_gold_dict

        if not options["out"] and not options["explain"]:
            raise CommandError("请指定 --out 输出目录，或用 --explain 打印解析依据。")
        out = Path(options["out"]) if options["out"] else None
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        resolver = self._resolver() if options["resolve"] else None
        failed: list[str] = []
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
                doc = parse_document(data, path.name, max_bytes=settings.DUBAN["IMPORT_MAX_BYTES"])
            except OSError as err:
                failed.append(name)
                self.stderr.write(f"{name}: 无法读取文件（{err.strerror or err}）。")
                continue
            except PolicyParseError as err:
                failed.append(name)
                self.stderr.write(f"{name}: {err}")
                continue
            if options["explain"]:
                self._explain(name, doc)
            if out is None:
                continue
            gold = to_gold_dict(doc, path.name)
            if resolver is not None:
                for item in gold.get("measures", []):
                    names = [
                        *item.get("lead", []),
                        *item.get("responsible", []),
                        *item.get("inherited_responsible", []),
                    ]
                    item["resolved"] = {
                        n: {"department_ids": list(r.department_ids), "group_id": r.group_id}
                        for n in names
                        for r in [resolver.resolve(n)]
                    }
            target = out / f"{path.stem}.json"
            target.write_text(json.dumps(gold, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
            self.stdout.write(f"{name} → {target}（措施 {len(doc.measures)} 条，提示 {len(doc.warnings)} 条）")
        if failed:
            raise CommandError(f"{len(failed)} 个文件解析失败：{', '.join(failed)}")

    def _explain(self, name: str, doc: Any) -> None:
        """Each measure: where it is printed, its units and deadline, and the rule behind each."""
        title, number = doc.title or "（无标题）", doc.doc_number or "—"
        self.stdout.write(f"== {name}：{title}  文号 {number}  措施 {len(doc.measures)} 条")
        for w in doc.warnings:
            self.stdout.write(f"   提示：{w}")
        for m in doc.measures:
            text = " ".join(m.text.split())
            self.stdout.write(f"\n[{m.order}] {'/'.join(m.path)}  {m.title}")
            self.stdout.write(f"    原文：{text[:160]}{'…' if len(text) > 160 else ''}")
            units = [f"牵头 {'、'.join(m.lead)}"] if m.lead else []
            units += [f"责任 {'、'.join(m.responsible)}"] if m.responsible else []
            units += [f"沿用 {'、'.join(m.inherited_responsible)}"] if m.inherited_responsible else []
            self.stdout.write(f"    单位：{'；'.join(units) or '（无）'}    时限：{m.deadline_text or '—'}")
            for reason in m.explain:
                self.stdout.write(f"    依据：{reason}")

    def _resolver(self) -> Any:
        from departments.resolution import NameResolver

        try:
            return NameResolver.load()
        except DatabaseError:
            self.stderr.write("数据库不可用，跳过部门识别。")
            return None
