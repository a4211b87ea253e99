"""The Celery application: Redis broker, JSON only, configuration from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("duban")
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
app.config_from_object("django.conf:settings", namespace="CELERY")
# Our domain app is called `tasks`, so Celery task modules are listed in
# settings.CELERY_IMPORTS instead of relying on autodiscovery of `tasks.py`.
