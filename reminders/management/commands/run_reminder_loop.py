"""The embedded fallback scheduler: sweep and deliver reminders in-process every --interval seconds.

Used when there is no Redis (REDIS_URL empty), so the plain run command still delivers reminders.
With Redis, run Celery beat + worker instead (docs/reminders.md).
"""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from assessment.scoring import compute_closed_periods
from reminders.services import reminder_deliver_pending, reminder_send_personal_digests, reminder_sweep
from tasks.services.imports import policy_uploads_purge
from tasks.services.snapshots import light_snapshot_month_end


class Command(BaseCommand):
    help = "进程内提醒调度（无 Redis 时的后备方案）：每隔 --interval 秒计算并发送提醒。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="两次运行的间隔秒数（默认 60）。")
        parser.add_argument("--once", action="store_true", help="只运行一次后退出。")

    def handle(self, *args, **options):
        interval = max(1, options["interval"])
        mode = "Redis 已配置，通常应改用 Celery beat/worker；" if settings.REDIS_URL else ""
        self.stdout.write(
            f"reminders: in-process fallback scheduler (no Celery) — {mode}每 {interval} 秒检查一次提醒。", ending="\n"
        )
        self.stdout.flush()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            try:
                close_old_connections()
                swept = reminder_sweep()
                stats = reminder_deliver_pending()
                # beat's daily "reminders-personal-digest": sends only what was held before 17:30, once.
                stats.merge(reminder_send_personal_digests())
                # What beat's daily "lights-snapshot" entry does with Celery (idempotent, cheap when done).
                light_snapshot_month_end()
                policy_uploads_purge()  # beat's daily "purge-uploads" (one DELETE on a small table)
                compute_closed_periods()  # beat's daily "assessment-closed-periods" (once per ended period)
                if swept.created or stats.sent or stats.failed:
                    self.stdout.write(
                        f"reminders: created={swept.created} sent={stats.sent} skipped={stats.skipped} "
                        f"failed={stats.failed}"
                    )
                    self.stdout.flush()
            except Exception as exc:  # keep the loop alive; the next round catches up
                self.stderr.write(f"reminders: 本轮失败，稍后重试：{exc}")
            finally:
                close_old_connections()
            if options["once"]:
                break
            stop.wait(interval)
