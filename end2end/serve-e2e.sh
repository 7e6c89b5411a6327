#!/usr/bin/env bash
# Starts caiping for the browser tests: fresh SQLite database, demo data, test mode (movable clock).
set -euo pipefail
port="$1"
bin="${CAIPING_BIN:?set CAIPING_BIN to the caiping binary}"
dir=$(mktemp -d /tmp/caiping-e2e.XXXXXX)
export DATABASE_URL="sqlite://$dir/caiping.db"
export CAIPING_DATA_DIR="$dir"
"$bin" seed-demo >/dev/null
# Everything the server prints also goes to E2E_SERVER_LOG, which `make test-e2e` searches for
# panics afterwards: a panic during rendering fails the run even when the page still loads.
log="${E2E_SERVER_LOG:-$dir/server.log}"
"$bin" serve --test-mode --addr "127.0.0.1:$port" 2>&1 | tee -a "$log"
