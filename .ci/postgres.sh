#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for brief's tests and benchmarks: created in a folder of its own, listening only
# on a Unix socket in that folder (no TCP port, so it cannot clash with another server), stopped and deleted at
# the end. PostgreSQL refuses to run as root: as root, the server runs as the unprivileged user `nobody`.
#
#   eval "$(.ci/postgres.sh start)"      # sets BRIEF_PG_DIR (the cluster's folder) and BRIEF_TEST_DATABASE_URL
#   .ci/postgres.sh stop "$BRIEF_PG_DIR"  # stops the server and deletes its folder
#
# The folder is made with mktemp under $TMPDIR (default /tmp), where the server's user can reach it.
# PG_BIN overrides where initdb and pg_ctl are found (default: the newest /usr/lib/postgresql/*/bin, else PATH).
# PG_SETTINGS adds server settings, e.g. "-c fsync=off" for tests, whose data is thrown away anyway.
set -euo pipefail

usage() { echo "usage: $0 start | $0 stop DIR" >&2; exit 2; }
[ $# -ge 1 ] || usage
action=$1

bin=${PG_BIN:-}
if [ -z "$bin" ]; then
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then bin=$newest; else bin=$(dirname "$(command -v initdb || echo /initdb)"); fi
fi
[ -x "$bin/initdb" ] || { echo "$0: no PostgreSQL server found (install Debian's postgresql package, or set PG_BIN)" >&2; exit 1; }

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    as_owner=(runuser -u nobody --)
fi

case $action in
start)
    [ $# -eq 1 ] || usage
    dir=$(mktemp -d "${TMPDIR:-/tmp}/brief-pg.XXXXXX")
    [ "$(id -u)" -ne 0 ] || chown nobody "$dir"
    # trust on the socket only: the folder's permissions are the access control
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U brief -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=50 ${PG_SETTINGS:-}" \
        start >/dev/null || { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
    echo "BRIEF_PG_DIR=$dir"
    echo "BRIEF_TEST_DATABASE_URL=postgresql://brief@/postgres?host=$dir"
    ;;
stop)
    [ $# -eq 2 ] || usage
    dir=$2
    [ -f "$dir/data/PG_VERSION" ] || [ ! -e "$dir" ] || { echo "$0: $dir is not a cluster folder of this script" >&2; exit 1; }
    if [ -d "$dir/data" ]; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
