"""A throwaway database for a benchmark, so a benchmark never writes into a real one.

With DATABASE_URL pointing at PostgreSQL, a new database `<name>_<tag>_<pid>` is created on that
server and dropped afterwards; without it, a SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def throwaway_database(tag: str) -> tuple[str, Callable[[], None]]:
    """Create the database; returns (its URL, a cleanup function that removes it)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'duban'}_{tag}_{os.getpid()}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return urlunsplit(parts._replace(path="/" + name)), drop
    path = Path(tempfile.mkdtemp(prefix=f"duban-{tag}-")) / "bench.sqlite3"
    return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)


def bench_django(tag: str) -> Callable[[], None]:
    """Point Django at a throwaway database (and media folder) for benchmark `tag`, set it up, and
    return the cleanup function. Call before importing any model."""
    media = tempfile.mkdtemp(prefix="duban-bench-")
    url, cleanup = throwaway_database(tag)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", f"{media}/media")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    return cleanup
