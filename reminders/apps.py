from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = "提醒与催办"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  — listens to tasks.signals (交办 sweeps, workflow-event notices)
