"""Compute (or recompute) a period's 考核 scores: manage.py compute_scores 2026-05 [--today 2026-06-01]."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from assessment.scoring import compute_period
from common.errors import DomainError


class Command(BaseCommand):
    help = "计算考核得分：compute_scores 2026-05 | 2026-Q2 | 2026"

    def add_arguments(self, parser):
        parser.add_argument("period")
        parser.add_argument("--today", help="按该日期计算（默认今天，北京时间）")

    def handle(self, *args, **options):
        today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        started = time.perf_counter()
        try:
            result = compute_period(key=options["period"], today=today)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.period.key}: {result.departments} 个单位，{result.items} 条明细，"
            f"用时 {time.perf_counter() - started:.2f} 秒"
        )
