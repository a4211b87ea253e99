"""Load test: gunicorn (2 sync workers) on loopback, hammered for a fixed time by client threads.

    DATABASE_URL=postgres://… .venv/bin/python bench/load.py [--seconds 60] [--tasks 10000] [--threads 4]

Bounded and self-cleaning: creates a THROWAWAY PostgreSQL database (bench/_db.py) next to the one
DATABASE_URL names, migrates it, fills it with the generated city of bench/api.py (`seed`: 40 departments,
`--tasks` tasks, progress reports), creates one 督查室 API token, starts
`gunicorn config.wsgi -w 2` with the production settings on 127.0.0.1:<free port>, and for `--seconds`
runs `--threads` threads that each pick, in turn, GET /api/v1/progress/departments/ and
GET /api/v1/tasks/?page=N (N cycling through every page) with `Authorization: Token …`, one new HTTP
connection per request (gunicorn's sync workers close it anyway). It prints requests/s, p50/p99 latency
and errors per endpoint (an error is anything but 200, or a timeout/connection failure), writes
bench/results/load.json (or --out), then stops gunicorn and drops the database, also on Ctrl-C.
Exits 1 when any request failed. Without DATABASE_URL it refuses: a load test on SQLite measures the lock.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from _db import throwaway_database  # noqa: E402  (bench/ is on sys.path when run as a script)

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
ENDPOINTS = ("progress", "tasks")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": model or platform.machine(), "python": platform.python_version(),
            "system": platform.platform(terse=True)}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def get(port: int, path: str, token: str, timeout: float) -> tuple[int, float]:
    """One request on a fresh connection: (status or 0 on a network error, seconds)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Token {token}", "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - t0


def wait_ready(port: int, proc: subprocess.Popen[bytes], token: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn 已退出（{proc.returncode}），见上方日志")
        status, _ = get(port, "/api/v1/progress/departments/", token, timeout=10)
        if status == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn 在 {limit:.0f} 秒内没有就绪")


def hammer(port: int, token: str, seconds: float, threads: int, pages: int, timeout: float) -> dict[str, Any]:
    results: dict[str, list[tuple[int, float]]] = {name: [] for name in ENDPOINTS}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(worker: int) -> None:
        local: dict[str, list[tuple[int, float]]] = {name: [] for name in ENDPOINTS}
        i = worker
        while time.monotonic() < deadline:
            if i % 2 == 0:
                local["progress"].append(get(port, "/api/v1/progress/departments/", token, timeout))
            else:
                page = (i // 2) % pages + 1
                local["tasks"].append(get(port, f"/api/v1/tasks/?page={page}", token, timeout))
            i += 1
        with lock:
            for name in ENDPOINTS:
                results[name].extend(local[name])

    started = time.monotonic()
    pool = [threading.Thread(target=run, args=(w,), daemon=True) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=seconds + timeout + 30)
    elapsed = time.monotonic() - started
    summary: dict[str, Any] = {"elapsed_s": round(elapsed, 2)}
    for name in ENDPOINTS:
        rows = results[name]
        latencies = [s * 1000 for _, s in rows]
        errors = sum(1 for status, _ in rows if status != 200)
        summary[name] = {
            "requests": len(rows),
            "rps": round(len(rows) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 1) if rows else None,
            "p99_ms": round(percentile(latencies, 99), 1) if rows else None,
            "max_ms": round(max(latencies), 1) if rows else None,
            "errors": errors,
            "statuses": sorted({status for status, _ in rows}),
        }
    return summary


def start_gunicorn(port: int, db_url: str, media: str, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-load-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_ROOT": f"{media}/media",
        "DJANGO_STATIC_ROOT": media,  # an empty folder: no API request reads static files
        "DJANGO_LOG_LEVEL": "WARNING",
        # The per-user API throttle (2000/hour) would turn a load test into a 429 test.
        "API_THROTTLE_USER": "100000000/hour",
        "REDIS_URL": "",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    cmd = [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--timeout", "60", "--log-level", "warning", "--chdir", str(ROOT)]
    # Own session: the cleanup signals the master's group, which holds its workers too.
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("需要 DATABASE_URL 指向 PostgreSQL（例如先运行 bash scripts/test --services-only）", file=sys.stderr)
        return 2

    import tempfile

    bench_url, cleanup = throwaway_database("load")
    os.environ["DATABASE_URL"] = bench_url
    proc: subprocess.Popen[bytes] | None = None
    try:
        import django

        django.setup()
        from api import seed  # bench/api.py: the same generated city as the API benchmark
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from accounts.models import User
        from accounts.tokens import api_token_create

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        ids = seed(args.tasks, timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _, token = api_token_create(user=User.objects.get(pk=ids["supervisor"]), name="压测")
        connection.close()
        print(f"seeded {args.tasks} tasks, {ids['departments']} departments in {time.perf_counter() - t0:.1f}s")

        port = free_port()
        proc = start_gunicorn(port, bench_url, tempfile.mkdtemp(prefix="duban-load-"), args.workers)
        wait_ready(port, proc, token)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
        conn.request("GET", "/api/v1/tasks/", headers={"Authorization": f"Token {token}"})
        count = json.loads(conn.getresponse().read())["count"]
        conn.close()
        pages = max(1, -(-count // 50))
        # Warm-up: a few requests per endpoint so imports and connection set-up are not measured.
        for _ in range(2 * args.workers):
            get(port, "/api/v1/progress/departments/", token, args.timeout)
            get(port, "/api/v1/tasks/?page=1", token, args.timeout)
        print(f"gunicorn -w {args.workers} on 127.0.0.1:{port}; {count} visible tasks = {pages} pages; "
              f"{args.threads} client threads for {args.seconds:.0f}s …")
        summary = hammer(port, token, args.seconds, args.threads, pages, args.timeout)
    finally:
        if proc is not None:
            stop(proc)
        cleanup()

    rows = []
    for name, path in (("progress", "/api/v1/progress/departments/"), ("tasks", "/api/v1/tasks/?page=N")):
        s = summary[name]
        print(f"{path:34} {s['requests']:6d} req  {s['rps']:7.1f} req/s  p50 {s['p50_ms']} ms  "
              f"p99 {s['p99_ms']} ms  max {s['max_ms']} ms  errors {s['errors']}  statuses {s['statuses']}")
        rows.append({"name": f"load:{name}", "endpoint": path, "tasks": args.tasks, "seconds": summary["elapsed_s"],
                     "workers": args.workers, "threads": args.threads, **s, "machine": machine(),
                     "date": time.strftime("%Y-%m-%d")})
    total = sum(summary[n]["requests"] for n in ENDPOINTS)
    errors = sum(summary[n]["errors"] for n in ENDPOINTS)
    print(f"total {total} requests in {summary['elapsed_s']}s = {total / summary['elapsed_s']:.1f} req/s, "
          f"errors {errors}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
