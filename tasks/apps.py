from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = "督办任务"

    def ready(self) -> None:
        # Departments list their open task count without importing tasks (see departments/selectors.py).
        from departments.selectors import department_list_annotation
        from tasks.selectors import department_open_task_count

        department_list_annotation("open_task_count", department_open_task_count)
