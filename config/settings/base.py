"""Settings shared by every environment. Values come from the environment (django-environ).

Every variable read here is documented in README.md ("Configuration") and .env.example.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    # Ours
    "accounts",
    "departments",
    "tasks",
    "reminders",
    "workdays",
    "assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Database outage (OperationalError/InterfaceError) → Chinese 503 + Retry-After (common/middleware.py).
    "common.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---
# SQLite is the embedded default so the demo runs on a bare machine; DATABASE_URL
# (postgres://user:pass@host:port/name) switches to PostgreSQL, the production database.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# An empty DATABASE_URL counts as unset.
DATABASE_URL = env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for the write lock beats failing with "database is locked" when the
    # in-process reminder thread and a request write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation: Chinese UI and messages, Beijing time ---
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]

# --- Static and uploaded files (served locally: government intranets have no CDN) ---
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- REST framework ---
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies obey DATA_UPLOAD_MAX_MEMORY_SIZE like form data (413 in Chinese above it).
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="2000/hour"),
        "anon": env("API_THROTTLE_ANON", default="60/hour"),
    },
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "duban 督办 API",
    "DESCRIPTION": "政策文件任务分解、督查督办与进度统计接口。所有时间为北京时间（Asia/Shanghai）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI / Redoc from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `Status`; give each enum its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tasks.models.TaskStatus",
        "ExtensionStatusEnum": "tasks.models.ExtensionRequest.Status",
        "DocumentStatusEnum": "tasks.models.PolicyDocument.Status",
        "PendingAssignmentStatusEnum": "tasks.models.PendingAssignment.Status",
        "PolicyUploadStatusEnum": "tasks.models.PolicyUpload.Status",
        "MeasureKindEnum": "tasks.models.Measure.Kind",
        "ReportKindEnum": "tasks.models.ProgressReport.Kind",
        "DepartmentKindEnum": "departments.models.DepartmentKind",
        "ReminderKindEnum": "reminders.models.ReminderKind",
    },
}

# --- Celery (Redis broker) ---
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies is redelivered instead of being acknowledged and lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Do not hang a web request for long when Redis is down (the sweep catches up later).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Task modules are listed explicitly: our domain app is called `tasks`, and no module is named tasks.py.
CELERY_IMPORTS: list[str] = ["reminders.jobs", "tasks.jobs", "assessment.jobs"]
# The reminder schedule, in code; DatabaseScheduler copies it into django-celery-beat's tables at start.
# CELERY_TIMEZONE is Asia/Shanghai, so crontab times are Beijing times. Run exactly ONE beat.
# DUBAN_REMINDERS_BEAT_SECONDS (tests only) replaces both entries by a fast fixed interval.
_REMINDER_BEAT_SECONDS = env.int("DUBAN_REMINDERS_BEAT_SECONDS", default=0)
CELERY_BEAT_SCHEDULE = {
    # Every 15 minutes, around the clock (Beijing time): the idempotent state-based sweep.
    # Rows created in quiet hours wait in the log until the quiet period ends.
    "reminders-sweep": {
        "task": "reminders.sweep",
        "schedule": _REMINDER_BEAT_SECONDS or crontab(minute="*/15"),
    },
    # Every minute: deliver rows whose time has come (end of quiet hours, retry backoff).
    "reminders-deliver": {
        "task": "reminders.deliver_pending",
        "schedule": _REMINDER_BEAT_SECONDS or 60.0,
    },
    # Daily at 17:30 Beijing time: one summary per person who chose 每日汇总 (reminders.services.PERSONAL_DIGEST_AT).
    "reminders-personal-digest": {
        "task": "reminders.personal_digest",
        "schedule": crontab(hour=17, minute=30),
    },
    # Daily at 00:20 Beijing time: keep last month's traffic lights (only the 1st of a month writes).
    "lights-snapshot": {
        "task": "tasks.light_snapshot",
        "schedule": crontab(hour=0, minute=20),
    },
    # Daily at 03:30 Beijing time: drop import previews nobody confirmed within a week.
    "purge-uploads": {
        "task": "tasks.purge_uploads",
        "schedule": crontab(hour=3, minute=30),
    },
    # Daily at 01:10 Beijing time: 考核 scores of the month/quarter/year that ended yesterday (once each).
    "assessment-closed-periods": {
        "task": "assessment.compute_closed_periods",
        "schedule": crontab(hour=1, minute=10),
    },
}
# Parallel delivery jobs started by each sweep (SELECT … SKIP LOCKED splits the rows between them).
REMINDERS_DELIVERY_FANOUT = env.int("DUBAN_REMINDERS_FANOUT", default=2)

# --- Email ---
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="duban@localhost")

# --- duban ---
DUBAN = {
    # Largest accepted policy file, in bytes.
    "IMPORT_MAX_BYTES": env.int("DUBAN_IMPORT_MAX_BYTES", default=20 * 1024 * 1024),
    # Attachments on progress reports.
    "ATTACHMENT_MAX_BYTES": env.int("DUBAN_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024),
    "ATTACHMENT_EXTENSIONS": env.list(
        "DUBAN_ATTACHMENT_EXTENSIONS",
        default=["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt", "zip", "ofd"],
    ),
    # Traffic light thresholds (see tasks/lights.py).
    "LIGHT_YELLOW_DAYS": env.int("DUBAN_LIGHT_YELLOW_DAYS", default=15),
    "LIGHT_YELLOW_BEHIND": env.int("DUBAN_LIGHT_YELLOW_BEHIND", default=10),
    "LIGHT_RED_BEHIND": env.int("DUBAN_LIGHT_RED_BEHIND", default=30),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
