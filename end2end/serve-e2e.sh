#!/usr/bin/env bash
# Starts caiping for the browser tests: fresh SQLite database, demo data, test mode (movable clock).
set -euo pipefail
port="$1"
bin="${CAIPING_BIN:?set CAIPING_BIN to the caiping binary}"
dir=$(mktemp -d /tmp/caiping-e2e.XXXXXX)
export DATABASE_URL="sqlite://$dir/caiping.db"
export CAIPING_DATA_DIR="$dir"
"$bin" seed-demo >/dev/null
exec "$bin" serve --test-mode --addr "127.0.0.1:$port"
