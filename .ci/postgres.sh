#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the integration tests, on 127.0.0.1 and a free port.
# `start` prints the admin URL; `stop` removes the cluster.
set -euo pipefail
STATE=/tmp/caiping-test-pg
case "${1:-}" in
  start)
    bash "$0" stop >/dev/null 2>&1 || true
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$STATE"
    chown postgres "$STATE" 2>/dev/null || true
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    as_pg "$bin/initdb" -D "$STATE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1
    as_pg "$bin/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w \
      -o "-h 127.0.0.1 -p $port -k $STATE -c fsync=off -c max_connections=300" start >/dev/null
    echo "$port" > "$STATE/port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$STATE/data" ]; then
      bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
      if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/data" -m immediate stop >/dev/null 2>&1 || true
      else "$bin/pg_ctl" -D "$STATE/data" -m immediate stop >/dev/null 2>&1 || true; fi
    fi
    rm -rf "$STATE"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
