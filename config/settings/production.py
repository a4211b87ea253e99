"""Production settings: secrets and hosts are required, HTTPS hardening on.

`DJANGO_SETTINGS_MODULE=config.settings.production python manage.py check --deploy` passes
once DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are set.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# No silent defaults: a missing secret or host list stops the process at start-up.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须设置 DJANGO_SECRET_KEY 和 DJANGO_ALLOWED_HOSTS。")

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)

# Optional read replica (docs/deploy.md): reports and exports read from a PostgreSQL streaming replica;
# writes, migrations and every other read stay on the primary. Unset: one database, nothing changes.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    # Tests never create a second database: the replica alias mirrors default there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "config.db_router.ReportReadsMiddleware"]  # noqa: F405

# Redis behind Sentinel (docs/deploy.md): REDIS_URL=sentinel://s1:26379;sentinel://s2:26379;sentinel://s3:26379
# plus the monitored master's name; Celery (kombu) asks the sentinels which Redis is the master now.
REDIS_SENTINEL_MASTER = env("REDIS_SENTINEL_MASTER", default="")
if REDIS_SENTINEL_MASTER:
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "master_name": REDIS_SENTINEL_MASTER,
    }
