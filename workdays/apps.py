from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from . import signals  # noqa: F401  — connects cache invalidation to CalendarDay saves and deletes
