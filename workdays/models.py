"""Admin-maintained exceptions to the national holiday calendar (调休上班日、地方性假日)."""

from __future__ import annotations

from django.db import models


class CalendarDay(models.Model):
    """One date whose working status the admin sets by hand; it wins over chinese_calendar and weekends.

    Typical rows: a 调休 Saturday not yet in the installed chinese_calendar data (is_working True), a local
    holiday or a day off announced by the city (is_working False). Dates without a row follow
    chinese_calendar, and Monday–Friday in years it has no data for (workdays/calendar.py).
    """

    date = models.DateField("日期", unique=True)
    is_working = models.BooleanField("是否工作日", help_text="勾选：当天上班（如调休的周六）；不勾选：当天放假。")
    note = models.CharField("说明", max_length=200, blank=True, help_text="如：2027年春节调休、本市防汛停工。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working else '放假'}"
