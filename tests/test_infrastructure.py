"""The suite really runs against PostgreSQL and Redis under scripts/test.

scripts/test starts throwaway PostgreSQL and Redis servers and exports
DUBAN_REQUIRE_SERVICES=1, DATABASE_URL and REDIS_URL. Under that flag these
tests must run (and pass): they prove the Django settings picked up
DATABASE_URL and that Redis is reachable. Without the flag (a bare machine
running plain ``pytest`` on the SQLite default) they skip with a reason.
"""

from __future__ import annotations

import os
import shutil

import pytest

SERVICES_REQUIRED = os.environ.get("DUBAN_REQUIRE_SERVICES") == "1"

requires_services = pytest.mark.skipif(
    not SERVICES_REQUIRED,
    reason=(
        "DUBAN_REQUIRE_SERVICES is not 1: no real PostgreSQL/Redis provided "
        "(run scripts/test to start throwaway servers)"
    ),
)


@requires_services
@pytest.mark.postgres
def test_database_is_postgresql(db):
    from django.db import connection

    assert connection.vendor == "postgresql", (
        f"DUBAN_REQUIRE_SERVICES=1 but Django uses {connection.vendor!r}; "
        "settings must build DATABASES from DATABASE_URL"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
        assert version.startswith("PostgreSQL ")

        # PostgreSQL-only features: advisory locks and generate_series.
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [424242])
        assert cursor.fetchone() == (True,)
        cursor.execute("SELECT array_agg(n) FROM generate_series(1, 3) AS n")
        assert cursor.fetchone() == ([1, 2, 3],)


@requires_services
@pytest.mark.postgres
def test_database_is_the_throwaway_server(db):
    """Settings point at the server scripts/test started, on its test DB."""
    from urllib.parse import urlsplit

    from django.db import connection

    url = urlsplit(os.environ["DATABASE_URL"])
    settings = connection.settings_dict
    assert settings["HOST"] == url.hostname
    assert str(settings["PORT"]) == str(url.port)
    assert settings["NAME"].startswith("test_"), settings["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), pg_encoding_to_char(encoding)"
            " FROM pg_database WHERE datname = current_database()"
        )
        name, encoding = cursor.fetchone()
    assert name == settings["NAME"]
    assert encoding == "UTF8"


@requires_services
@pytest.mark.integration
def test_redis_answers_ping():
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5)
    try:
        assert client.ping() is True
        key = "duban:test_infrastructure:ping"
        client.set(key, "pong", ex=30)
        assert client.get(key) == b"pong"
        client.delete(key)
    finally:
        client.close()


@requires_services
@pytest.mark.integration
def test_redis_server_binary_available():
    """Tests that stop/start Redis themselves need REDIS_SERVER_BIN."""
    binary = os.environ.get("REDIS_SERVER_BIN", "")
    assert binary, "REDIS_SERVER_BIN is not set"
    assert shutil.which(binary) is not None, (
        f"REDIS_SERVER_BIN={binary!r} is not executable"
    )
