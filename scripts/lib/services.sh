# shellcheck shell=bash
# Shared helpers for scripts/test and scripts/run: the project virtualenv and
# THROWAWAY PostgreSQL + Redis instances on free loopback ports.
#
# Source this file, then:
#   duban_ensure_venv                   # .venv + requirements (stamp-cached)
#   duban_ensure_pg_redis_packages      # find (or apt-get install) the servers
#   DIR=$(duban_make_services_dir)      # temp dir; removed by duban_stop_services
#   trap duban_stop_services EXIT
#   duban_start_postgres "$DIR"         # exports DATABASE_URL, PG_BIN_DIR, ...
#   duban_start_redis "$DIR"            # exports REDIS_URL, REDIS_SERVER_BIN, ...
#   duban_print_exports                 # shell `export` lines, for debugging
#
# Every function reports failure through its return status (it never calls
# `exit`), so it works with or without `set -e` in the caller.
#
# Overridable environment:
#   PG_BIN_DIR        directory holding initdb/pg_ctl/postgres
#   REDIS_SERVER_BIN  path to redis-server
#   DUBAN_PG_DB       database created in the throwaway cluster (default: duban)
#   DUBAN_TMPDIR      parent directory for the throwaway services dir
#   DUBAN_NO_APT=1    never run apt-get (fail instead when a server is missing)

DUBAN_ROOT="${DUBAN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DUBAN_VENV="${DUBAN_VENV:-$DUBAN_ROOT/.venv}"
DUBAN_PG_DB="${DUBAN_PG_DB:-duban}"

duban_log() { printf '[duban] %s\n' "$*" >&2; }
duban_err() { printf '[duban] ERROR: %s\n' "$*" >&2; }

_duban_now() { date +%s.%N; }
_duban_elapsed() { awk -v a="$1" -v b="$(_duban_now)" 'BEGIN { printf "%.1f", b - a }'; }

_duban_host_python() {
    local p
    for p in python3.11 python3; do
        if command -v "$p" >/dev/null 2>&1; then
            command -v "$p"
            return 0
        fi
    done
    return 1
}

_duban_apt_install() {
    # _duban_apt_install PKG... — root + apt-get only; non-interactive.
    if [ "${DUBAN_NO_APT:-0}" = "1" ]; then
        duban_err "DUBAN_NO_APT=1: not installing $*"
        return 1
    fi
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        duban_err "cannot install $* (needs root and apt-get); install them yourself"
        return 1
    fi
    duban_log "apt-get install -y $*"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${_DUBAN_APT_UPDATED:-}" ]; then
        apt-get -o DPkg::Lock::Timeout=600 update -q </dev/null || { duban_err "apt-get update failed"; return 1; }
        _DUBAN_APT_UPDATED=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" </dev/null \
        || { duban_err "apt-get install $* failed"; return 1; }
}

# --------------------------------------------------------------------------
# virtualenv
# --------------------------------------------------------------------------

_duban_requirements_hash() {
    local py="$1"
    {
        "$py" -c 'import sys; print(sys.version)'
        # requirements.txt plus everything it may include.
        cat "$DUBAN_ROOT/requirements.txt"
        if [ -d "$DUBAN_ROOT/requirements" ]; then
            find "$DUBAN_ROOT/requirements" -type f -name '*.txt' | LC_ALL=C sort | while read -r f; do
                printf '%s\n' "${f#"$DUBAN_ROOT"/}"
                cat "$f"
            done
        fi
    } | sha256sum | cut -d' ' -f1
}

duban_ensure_venv() {
    local host_py stamp want have
    if [ ! -f "$DUBAN_ROOT/requirements.txt" ]; then
        duban_err "$DUBAN_ROOT/requirements.txt not found"
        return 1
    fi
    if [ ! -x "$DUBAN_VENV/bin/python" ]; then
        host_py="$(_duban_host_python)" || { duban_err "python3 not found"; return 1; }
        duban_log "creating virtualenv $DUBAN_VENV with $host_py ($("$host_py" --version 2>&1))"
        if ! "$host_py" -m venv "$DUBAN_VENV"; then
            # Debian's own python3 needs python3-venv for ensurepip.
            rm -rf "$DUBAN_VENV"
            _duban_apt_install python3-venv && "$host_py" -m venv "$DUBAN_VENV" \
                || { duban_err "could not create $DUBAN_VENV"; return 1; }
        fi
    fi
    stamp="$DUBAN_VENV/.duban-requirements.sha256"
    want="$(_duban_requirements_hash "$DUBAN_VENV/bin/python")" || return 1
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$want" = "$have" ]; then
        duban_log "virtualenv up to date (requirements unchanged)"
        return 0
    fi
    duban_log "installing requirements.txt into $DUBAN_VENV"
    (cd "$DUBAN_ROOT" && "$DUBAN_VENV/bin/python" -m pip install \
        --disable-pip-version-check --progress-bar off -q -r requirements.txt </dev/null) \
        || { duban_err "pip install -r requirements.txt failed"; return 1; }
    printf '%s\n' "$want" >"$stamp"
}

# --------------------------------------------------------------------------
# locating / installing the servers
# --------------------------------------------------------------------------

_duban_find_pg_bin_dir() {
    local d p
    if [ -n "${PG_BIN_DIR:-}" ] && [ -x "$PG_BIN_DIR/initdb" ] && [ -x "$PG_BIN_DIR/pg_ctl" ]; then
        printf '%s\n' "$PG_BIN_DIR"
        return 0
    fi
    # Debian: /usr/lib/postgresql/<ver>/bin — newest version first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    # Anything on PATH (e.g. /usr/local/bin symlinks, Homebrew, RPM layouts).
    if p="$(command -v initdb 2>/dev/null)"; then
        d="$(dirname "$(readlink -f "$p")")"
        if [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            printf '%s\n' "$d"
            return 0
        fi
    fi
    return 1
}

_duban_find_redis_server() {
    if [ -n "${REDIS_SERVER_BIN:-}" ] && [ -x "$REDIS_SERVER_BIN" ]; then
        printf '%s\n' "$REDIS_SERVER_BIN"
        return 0
    fi
    command -v redis-server 2>/dev/null
}

duban_ensure_optional_converters() {
    # antiword (~1 MB) converts Word 97 .doc / WPS .wps for the importer; its tests skip without it.
    # Optional: a failed install is logged and the suite goes on.
    command -v antiword >/dev/null 2>&1 && return 0
    _duban_apt_install antiword || duban_log "antiword not installed: the .doc/.wps converter tests will skip"
    return 0
}

duban_ensure_chromium() {
    # The browser tests (tests/browser/, marker `browser`) drive Debian's Chromium through Playwright;
    # no browser is ever downloaded. Required: without it the browser tests fail, they do not skip.
    command -v "${DUBAN_CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1 && return 0
    _duban_apt_install chromium || {
        duban_err "Chromium is required for the browser tests (Debian: apt-get install chromium)."
        return 1
    }
}

duban_ensure_pg_redis_packages() {
    local pkgs=() d r
    _duban_find_pg_bin_dir >/dev/null || pkgs+=(postgresql)
    _duban_find_redis_server >/dev/null || pkgs+=(redis-server)
    if [ "${#pkgs[@]}" -gt 0 ]; then
        duban_log "missing server binaries: ${pkgs[*]}"
        _duban_apt_install "${pkgs[@]}" || {
            duban_err "PostgreSQL and Redis servers are required to run the test suite."
            duban_err "Install them (Debian: apt-get install postgresql redis-server) or set PG_BIN_DIR / REDIS_SERVER_BIN."
            return 1
        }
    fi
    d="$(_duban_find_pg_bin_dir)" || { duban_err "PostgreSQL (initdb, pg_ctl, postgres) not found after install"; return 1; }
    r="$(_duban_find_redis_server)" || { duban_err "redis-server not found after install"; return 1; }
    export PG_BIN_DIR="$d"
    export REDIS_SERVER_BIN="$r"
}

# --------------------------------------------------------------------------
# throwaway instances
# --------------------------------------------------------------------------

duban_free_port() {
    # Ask the kernel for a free loopback port.
    local py
    py="$(_duban_host_python)" || py="$DUBAN_VENV/bin/python"
    "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

_duban_pg_user() {
    # The OS user that runs postgres (it refuses to run as root).
    if [ "$(id -u)" != "0" ]; then
        id -un
        return 0
    fi
    if id -u postgres >/dev/null 2>&1; then
        echo postgres
        return 0
    fi
    if ! id -u duban-pg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin duban-pg >/dev/null 2>&1 \
            || { duban_err "could not create system user duban-pg for PostgreSQL"; return 1; }
    fi
    echo duban-pg
}

_duban_as_pg() {
    # Run a command as the postgres OS user (directly when not root).
    if [ "$(id -u)" != "0" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$DUBAN_PG_OS_USER" -- "$@"
    else
        su -s /bin/sh "$DUBAN_PG_OS_USER" -c "$(printf '%q ' "$@")"
    fi
}

duban_reap_stale_services() {
    # Clean up after runs that were killed too hard to run their EXIT trap.
    local base="${DUBAN_TMPDIR:-/tmp}" d owner
    for d in "$base"/duban-services.*; do
        [ -d "$d" ] || continue
        owner="$(cat "$d/owner.pid" 2>/dev/null || true)"
        if [ -n "$owner" ] && _duban_pid_alive "$owner"; then
            continue
        fi
        duban_log "removing stale services dir $d"
        _duban_stop_dir "$d"
    done
}

duban_make_services_dir() {
    # Prints a fresh temp dir, traversable by the postgres OS user.
    local base="${DUBAN_TMPDIR:-/tmp}" dir
    dir="$(mktemp -d "$base/duban-services.XXXXXX")" || return 1
    chmod 755 "$dir"
    echo "$$" >"$dir/owner.pid"
    DUBAN_SERVICES_DIR="$dir"
    printf '%s\n' "$dir"
}

duban_start_postgres() {
    local dir="${1:?usage: duban_start_postgres DIR}" t0 port attempt locale_opt url
    t0="$(_duban_now)"
    [ -n "${PG_BIN_DIR:-}" ] || duban_ensure_pg_redis_packages || return 1
    DUBAN_SERVICES_DIR="${DUBAN_SERVICES_DIR:-$dir}"
    DUBAN_PG_OS_USER="$(_duban_pg_user)" || return 1
    mkdir -p "$dir/pg" "$dir/pg/sock"
    [ "$(id -u)" = "0" ] && chown -R "$DUBAN_PG_OS_USER" "$dir/pg"
    DUBAN_PG_DATA="$dir/pg/data"

    locale_opt="--locale=C"
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_opt="--locale=C.UTF-8"
    fi
    if ! (cd "$dir/pg" && _duban_as_pg "$PG_BIN_DIR/initdb" -D "$DUBAN_PG_DATA" -U postgres \
            --auth=trust --encoding=UTF8 "$locale_opt" --no-sync >"$dir/pg/initdb.log" 2>&1); then
        duban_err "initdb failed:"
        cat "$dir/pg/initdb.log" >&2
        return 1
    fi
    # Only the loopback TCP listener and a private unix socket; speed over durability.
    cat >>"$DUBAN_PG_DATA/postgresql.conf" <<EOF

# --- duban throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/pg/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 120  # tests/faults runs 50 concurrent writers, each with its own connection
EOF

    for attempt in 1 2 3; do
        port="$(duban_free_port)" || return 1
        if (cd "$dir/pg" && _duban_as_pg "$PG_BIN_DIR/pg_ctl" -D "$DUBAN_PG_DATA" \
                -l "$dir/pg/postgres.log" -o "-p $port" -w -t 60 start >/dev/null); then
            break
        fi
        duban_err "PostgreSQL did not start on port $port (attempt $attempt):"
        tail -n 20 "$dir/pg/postgres.log" >&2 || true
        if [ "$attempt" = 3 ]; then return 1; fi
    done
    export DUBAN_PG_PORT="$port"
    DUBAN_PG_STARTED=1

    if ! "$PG_BIN_DIR/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DUBAN_PG_DB\"" </dev/null >/dev/null; then
        duban_err "could not create database $DUBAN_PG_DB"
        return 1
    fi
    url="postgres://postgres@127.0.0.1:$port/$DUBAN_PG_DB"
    export DATABASE_URL="$url"
    export PG_BIN_DIR
    duban_log "PostgreSQL $("$PG_BIN_DIR/postgres" --version | awk '{print $3}') up on 127.0.0.1:$port in $(_duban_elapsed "$t0")s (data: $DUBAN_PG_DATA)"
}

duban_start_redis() {
    local dir="${1:?usage: duban_start_redis DIR}" t0 port attempt i
    t0="$(_duban_now)"
    [ -n "${REDIS_SERVER_BIN:-}" ] || duban_ensure_pg_redis_packages || return 1
    DUBAN_SERVICES_DIR="${DUBAN_SERVICES_DIR:-$dir}"
    mkdir -p "$dir/redis"
    for attempt in 1 2 3; do
        port="$(duban_free_port)" || return 1
        rm -f "$dir/redis/redis.pid"
        "$REDIS_SERVER_BIN" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
            --daemonize yes --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" \
            --logfile "$dir/redis/redis.log" </dev/null >/dev/null 2>&1 || true
        for i in $(seq 1 100); do
            if _duban_redis_ping "$port"; then
                export DUBAN_REDIS_PORT="$port"
                export REDIS_URL="redis://127.0.0.1:$port/0"
                export REDIS_SERVER_BIN
                DUBAN_REDIS_STARTED=1
                duban_log "Redis $("$REDIS_SERVER_BIN" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') up on 127.0.0.1:$port in $(_duban_elapsed "$t0")s"
                return 0
            fi
            sleep 0.1
        done
        duban_err "redis-server did not answer on port $port (attempt $attempt):"
        tail -n 20 "$dir/redis/redis.log" >&2 2>/dev/null || true
        _duban_kill_pidfile "$dir/redis/redis.pid"
    done
    return 1
}

_duban_redis_ping() {
    # PING over a raw socket: needs neither redis-cli nor the venv.
    local port="$1" reply
    {
        exec 3<>"/dev/tcp/127.0.0.1/$port"
    } 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || reply=""
    exec 3>&- 3<&-
    [ "${reply%$'\r'}" = "+PONG" ]
}

_duban_pid_alive() {
    # True when PID runs (a zombie, waiting to be reaped, counts as dead).
    local pid="$1" state
    kill -0 "$pid" 2>/dev/null || return 1
    if [ -r "/proc/$pid/stat" ]; then
        state="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)"
        [ "$state" != "Z" ] || return 1
    fi
    return 0
}

_duban_kill_pidfile() {
    # Terminate the process in a pid file; escalate to SIGKILL after ~10s.
    local pidfile="$1" pid i
    pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        _duban_pid_alive "$pid" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

_duban_stop_dir() {
    # Stop whatever runs out of a services dir, then delete it.
    local dir="$1" pg_bin="${PG_BIN_DIR:-}" pg_user
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    if [ -f "$dir/pg/data/postmaster.pid" ]; then
        [ -n "$pg_bin" ] || pg_bin="$(_duban_find_pg_bin_dir 2>/dev/null || true)"
        pg_user="$(stat -c %U "$dir/pg/data")"
        if [ -n "$pg_bin" ]; then
            if [ "$(id -u)" = "0" ]; then
                (cd "$dir/pg" && DUBAN_PG_OS_USER="$pg_user" _duban_as_pg \
                    "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1) || true
            else
                "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
            fi
        fi
        # Still there (pg_ctl missing or timed out)? Kill the postmaster.
        if [ -f "$dir/pg/data/postmaster.pid" ]; then
            _duban_kill_pidfile "$dir/pg/data/postmaster.pid"
        fi
    fi
    if [ -f "$dir/redis/redis.pid" ]; then
        _duban_kill_pidfile "$dir/redis/redis.pid"
    fi
    rm -rf "$dir"
}

duban_stop_services() {
    # Idempotent; safe to call from an EXIT trap after a partial start.
    if [ -n "${DUBAN_SERVICES_DIR:-}" ]; then
        _duban_stop_dir "$DUBAN_SERVICES_DIR"
        duban_log "stopped throwaway services and removed $DUBAN_SERVICES_DIR"
    fi
    DUBAN_SERVICES_DIR=""
    DUBAN_PG_STARTED=""
    DUBAN_REDIS_STARTED=""
}

duban_print_exports() {
    local v
    for v in DATABASE_URL REDIS_URL DUBAN_REQUIRE_SERVICES REDIS_SERVER_BIN PG_BIN_DIR \
             DUBAN_PG_PORT DUBAN_REDIS_PORT DUBAN_SERVICES_DIR; do
        if [ -n "${!v:-}" ]; then
            printf 'export %s=%q\n' "$v" "${!v}"
        fi
    done
}

duban_print_versions() {
    duban_log "python:       $("$DUBAN_VENV/bin/python" --version 2>&1) ($DUBAN_VENV)"
    [ -n "${PG_BIN_DIR:-}" ] && duban_log "postgres:     $("$PG_BIN_DIR/postgres" --version) ($PG_BIN_DIR)"
    [ -n "${REDIS_SERVER_BIN:-}" ] && duban_log "redis-server: $("$REDIS_SERVER_BIN" --version | cut -d' ' -f1-3) ($REDIS_SERVER_BIN)"
    duban_log "pytest:       $("$DUBAN_VENV/bin/python" -m pytest --version 2>&1 | head -n1)"
    return 0
}
