from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from common.dates import local_today

from . import calendar
from .models import CalendarDay


def coverage_note(today: Any = None) -> str:
    """The changelist's explanation: which years chinese_calendar covers and what happens after them."""
    years = calendar.covered_years()
    today = today or local_today()
    soon = calendar.fallback_years(range(today.year, today.year + 2))
    text = (
        f"已内置 {years.start}–{years.stop - 1} 年国务院公布的法定节假日和调休安排（chinese_calendar 数据）。"
        f"{years.stop} 年起尚无数据，按周一至周五为工作日计算，直到升级 chinese_calendar 或在此逐日录入调整。"
        "此处录入的日期优先于内置数据：调休上班的周末勾选“是否工作日”，地方性放假日不勾选。"
    )
    if soon:
        text += f" 注意：{'、'.join(str(y) for y in soon)} 年目前按周一至周五计算。"
    return text


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working", "builtin", "note", "updated_at")
    list_filter = ("is_working",)
    search_fields = ("note",)
    date_hierarchy = "date"
    fields = ("date", "is_working", "note")

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    @admin.display(description="内置日历", boolean=False)
    def builtin(self, obj: CalendarDay) -> str:
        source = "chinese_calendar" if obj.date.year in calendar.covered_years() else "周一至周五"
        working = "工作日" if calendar.builtin_is_working_day(obj.date) else "休息日"
        return f"{working}（{source}）"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET":
            messages.info(request, coverage_note())
        return super().changelist_view(request, extra_context)
