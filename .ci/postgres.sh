#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the test suite (CI and dev sessions).
#
#   eval "$(.ci/postgres.sh start [DIR])"   # prints: export TNO_PG_DIR=... TNO_TEST_DATABASE_URL=...
#   .ci/postgres.sh stop [DIR]              # DIR defaults to $TNO_PG_DIR; stops the server, removes DIR
#   .ci/postgres.sh url [DIR]               # prints the URL of a running server
#
# DIR (default: a new mktemp dir) holds the data dir, the unix socket, the log and an `env` file. The server binaries
# refuse to run as root: as root, they run as the unprivileged user $TNO_PG_USER (default tno-ci, created if
# missing); as any other user, they run as that user. PostgreSQL 15 is installed with apt-get when missing (root).
# Trust authentication, loopback only, fsync off: for tests only.
set -euo pipefail

PG_OS_USER=${TNO_PG_USER:-tno-ci}

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

ensure_binaries() {
    if find_bindir >/dev/null; then return 0; fi
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL server binaries not found and not root: install postgresql-15"
        return 1
    fi
    log "installing the PostgreSQL server with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql-15 >&2 || apt-get install -y -qq postgresql >&2
    find_bindir >/dev/null
}

# Run a command as the database OS user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cmd_start() {
    local dir=${1:-}
    ensure_binaries
    local bindir
    bindir=$(find_bindir)
    local db_user
    if [ "$(id -u)" -eq 0 ]; then
        if ! id "$PG_OS_USER" >/dev/null 2>&1; then
            log "creating the unprivileged user $PG_OS_USER"
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
        fi
        db_user=$PG_OS_USER
    else
        db_user=$(id -un)
    fi
    if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/tno-pg.XXXXXX); fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then chown "$PG_OS_USER" "$dir"; fi
    chmod 700 "$dir"
    local port
    port=$(free_port)
    (
        cd "$dir"
        as_pg mkdir -p "$dir/socket"
        as_pg "$bindir/initdb" -D "$dir/data" -U "$db_user" --auth=trust --encoding=UTF8 --no-locale --no-sync \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    )
    local url="postgresql+psycopg://$db_user@127.0.0.1:$port/postgres"
    cat >"$dir/env" <<ENV
export TNO_PG_DIR=$dir
export TNO_TEST_DATABASE_URL=$url
ENV
    chmod 644 "$dir/env"
    log "$("$bindir/postgres" --version) on 127.0.0.1:$port (data in $dir)"
    cat "$dir/env"
}

cmd_stop() {
    local dir=${1:-${TNO_PG_DIR:-}}
    if [ -z "$dir" ]; then log "stop: no DIR given and TNO_PG_DIR unset"; return 1; fi
    if [ ! -d "$dir" ]; then return 0; fi
    if [ -f "$dir/data/postmaster.pid" ]; then
        local bindir
        bindir=$(find_bindir)
        (cd "$dir" && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null) \
            || log "pg_ctl stop failed (see $dir/postgres.log)"
    fi
    rm -rf "$dir"
}

cmd_url() {
    local dir=${1:-${TNO_PG_DIR:-}}
    # shellcheck disable=SC1091
    (. "$dir/env" && echo "$TNO_TEST_DATABASE_URL")
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    url) shift; cmd_url "$@" ;;
    *) echo "usage: $0 start [DIR] | stop [DIR] | url [DIR]" >&2; exit 2 ;;
esac
