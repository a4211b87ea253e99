"""Run the reminder sweep and delivery synchronously (ops / cron / catch-up for a given day).

    python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]

Always ends with exactly one line: sent=N skipped=M failed=K
(skipped counts rows resolved as not applicable plus rows deferred by quiet hours;
with --dry-run nothing is written: sent = new rows that would go out now, skipped = would be deferred).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.models import ReminderLog
from reminders.services import reminder_deliver_pending, reminder_sweep


class Command(BaseCommand):
    help = "计算并发送到期提醒（幂等：重复运行不会重复发送）。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期（北京时间，YYYY-MM-DD）计算提醒，默认今天。")
        parser.add_argument("--dry-run", action="store_true", help="只列出将生成的提醒，不写入、不发送。")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today 须为 YYYY-MM-DD 格式的日期。")
        now = timezone.now()
        result = reminder_sweep(today=today, now=now, dry_run=options["dry_run"])
        if result.locked_out:
            self.stderr.write("另一个提醒任务正在运行，本次跳过。")
            self.stdout.write("sent=0 skipped=0 failed=0")
            return
        if options["dry_run"]:
            due_now = [r for r in result.created_rows if r.not_before <= now]
            for row in result.created_rows:
                self.stdout.write(
                    f"[dry-run] {row.kind} task={row.task_id or '-'} {row.target} {row.channel} {row.date_key} "
                    f"not_before={timezone.localtime(row.not_before):%Y-%m-%d %H:%M}"
                )
            self.stdout.write(f"sent={len(due_now)} skipped={len(result.created_rows) - len(due_now)} failed=0")
            return
        stats = reminder_deliver_pending(now=now)
        deferred = ReminderLog.objects.filter(
            status=ReminderLog.Status.PENDING, attempts=0, not_before__gt=now
        ).count()
        if deferred:
            self.stderr.write(f"{deferred} 条提醒处于免打扰时段，将在免打扰结束后发送。")
        self.stdout.write(f"sent={stats.sent} skipped={stats.skipped + deferred} failed={stats.failed}")
