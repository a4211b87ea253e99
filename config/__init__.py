# Make sure the Celery app is always imported when Django starts, so that
# @shared_task uses it (cookiecutter-django habit).
from .celery_app import app as celery_app

__all__ = ("celery_app",)
