"""Import policy files: documents, measures, targets, tasks and the supervisor's queues."""

from __future__ import annotations

# Python imports
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# Module imports
from accounts.models import User
from common.errors import ConflictError, DomainError

# Django imports
from policyparse import SUPPORTED_HINT
from tasks.services.imports import ImportResult, policy_import


class Command(BaseCommand):
    help = "导入政策文件：创建文件、措施、量化目标、任务，以及待识别名称和待分配措施。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help=f"政策文件（{SUPPORTED_HINT}）")
        parser.add_argument("--create-missing-departments", action="store_true", help="把未识别的单位名称建为新部门")
        parser.add_argument("--confirm-update", action="store_true", help="确认用新版本更新同名/同文号的已有文件")
        parser.add_argument("--user", help="记为导入人的用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在。")
        failed: list[str] = []
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as err:
                failed.append(name)
                self.stderr.write(f"{name}: 无法读取文件（{err.strerror or err}）。")
                continue
            try:
                result = policy_import(
                    data=data, filename=path.name, user=user,
                    create_missing_departments=options["create_missing_departments"],
                    confirm_update=options["confirm_update"],
                )
            except ConflictError as err:
                failed.append(name)
                self.stderr.write(f"{name}: {err.message}")
                diff = err.extra.get("diff")
                if diff:
                    self._print_diff(diff)
                    self.stderr.write("未做任何更改。确认更新请加 --confirm-update。")
                continue
            except DomainError as err:
                failed.append(name)
                self.stderr.write(f"{name}: {err.message}")
                continue
            self._summary(name, result)
        if failed:
            raise CommandError(f"{len(failed)} 个文件未导入：{', '.join(failed)}")

    def _print_diff(self, diff: dict[str, Any]) -> None:
        from tasks.services.imports import Diff

        d = Diff(**{k: v for k, v in diff.items() if k != "summary"})
        for line in d.lines():
            self.stderr.write(f"  {line}")

    def _summary(self, name: str, r: ImportResult) -> None:
        doc = r.document
        if not r.created:
            self.stdout.write(f"{name}: 已导入过，未做任何更改（文件 ID {doc.pk}《{doc.title}》）。")
            return
        self.stdout.write(self.style.SUCCESS(f"{name}: 已导入《{doc.title}》（文件 ID {doc.pk}）"))
        self.stdout.write(
            f"  措施 {r.measure_count} 条（章节 {r.section_count}），"
            f"量化目标 {r.target_count} 项，任务 {r.task_count} 条"
        )
        self.stdout.write(
            f"  待识别名称 {len(r.unresolved_names)} 个（待处理分工 {r.pending_unresolved_count} 项），"
            f"全文默认待确认 {r.suggested_count} 项，未分配措施 {r.unassigned_measure_count} 条"
        )
        if r.unresolved_names:
            self.stdout.write("  待识别：" + "、".join(r.unresolved_names))
        if r.created_departments:
            self.stdout.write(f"  新建部门 {len(r.created_departments)} 个：" + "、".join(r.created_departments))
        if r.diff is not None:
            self.stdout.write(
                f"  更新自文件 ID {r.diff.old_document_id}：{r.diff.summary()}"
                f"转入任务 {r.carried_task_count} 条，取消 {r.cancelled_task_count} 条，"
                f"调整时限 {r.rescheduled_task_count} 条"
            )
            for line in r.diff.lines():
                self.stdout.write(f"    {line}")
        for w in r.warnings:
            self.stdout.write(f"  提示：{w}")
