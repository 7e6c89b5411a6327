# The two commands of README.md: `make run` and `make test`. Everything they need is
# installed here when missing, so they work on a fresh machine.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

BINARYEN_VERSION := 132
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
TOOLS_DIR := $(CURDIR)/.tools
SITE_ROOT := $(CURDIR)/target/site
# Debug builds use type-erased views (as cargo-leptos does); plain `cargo test` gets the same
# flag so the test and the server builds share compiled crates instead of rebuilding them.
DEBUG_RUSTFLAGS := --cfg erase_components
export LEPTOS_SITE_ROOT := $(SITE_ROOT)

.PHONY: run test tools test-deps lint test-unit test-integration test-e2e test-bench bench fuzz build-debug clean-data

## Build an optimised release, load the demo data into SQLite and serve on http://127.0.0.1:3000
run: tools
	# Release builds run wasm-opt; Debian's binaryen breaks hydration, the npm build works.
	if [ ! -x "$(TOOLS_DIR)/node_modules/.bin/wasm-opt" ]; then
	  npm install --prefix "$(TOOLS_DIR)" --no-audit --no-fund "binaryen@$(BINARYEN_VERSION)"
	fi
	export PATH="$(TOOLS_DIR)/node_modules/.bin:$$PATH"
	# The WASM and the server share no compiled crates (other target, other profile), so they build
	# at once: each one's long single-threaded stretches (the app crate's front end, the WASM's
	# one-unit LTO, wasm-opt) leave a core the other one uses. Cargo's locks are per profile and
	# target, and on the crate cache while one downloads, so the two never touch the same files.
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo run -p site -- build --release --site-root "$(SITE_ROOT)" &
	site=$$!
	# With the bench, as `make bench` builds: the same crate features, so neither rebuilds the other's.
	cargo build --release -p server -p bench
	wait $$site
	"$(TARGET_DIR)/release/caiping" seed-demo
	"$(TARGET_DIR)/release/caiping" serve

## Every test: formatting and lints, domain unit tests, HTTP integration tests on SQLite and
## PostgreSQL, browser tests
test: tools test-deps lint test-unit test-integration test-e2e test-bench

# The site builder (server/site) uses the wasm-bindgen library pinned in Cargo.toml, so neither
# cargo-leptos nor a wasm-bindgen binary is needed. `cargo leptos watch` still works for development.
tools:
	rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

test-deps:
	missing=""
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"
	command -v zip >/dev/null || missing="$$missing zip"
	command -v unzip >/dev/null || missing="$$missing unzip"
	if [ -n "$$missing" ]; then
	  apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing
	fi
	# Reinstalled whenever a dependency of package.json is missing (a new one was added).
	cd end2end
	if ! node -e 'for (const d of Object.keys(require("./package.json").devDependencies)) require("fs").statSync("node_modules/" + d + "/package.json")' 2>/dev/null; then
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	fi

## rustfmt, and clippy on the server build (ssr, with tests) and the browser build (hydrate)
lint:
	cargo fmt --all -- --check
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo clippy --workspace --all-targets -- -D warnings
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo clippy -p app --lib --target wasm32-unknown-unknown \
	  --no-default-features --features hydrate --profile wasm-dev -- -D warnings

test-unit:
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo test -p app --features ssr
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo test -p bench

test-integration:
	pg_url=$$(bash .ci/postgres.sh start)
	trap 'bash .ci/postgres.sh stop' EXIT
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" CAIPING_TEST_PG_URL="$$pg_url" cargo test -p server

build-debug:
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo run -p site -- build --site-root "$(SITE_ROOT)"
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo build -p server

test-e2e: build-debug
	log="$(TARGET_DIR)/e2e-server.log"
	rm -f "$$log"
	(cd end2end && E2E_SERVER_LOG="$$log" CAIPING_BIN="$(TARGET_DIR)/debug/caiping" npx playwright test)
	# Any server panic fails the run.
	if grep -q "panicked at" "$$log"; then
	  grep -n -A3 "panicked at" "$$log"
	  echo "the server panicked during the browser tests (log: $$log)"
	  exit 1
	fi

clean-data:
	rm -rf data

# A small run of the benchmark suite on the debug build, on SQLite and PostgreSQL: it keeps the
# suite compiling and working (bids acknowledged = stored, no error answers); its timings mean nothing.
test-bench: build-debug
	pg_url=$$(bash .ci/postgres.sh start)
	trap 'bash .ci/postgres.sh stop' EXIT
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo run -q -p bench -- --quick --bin "$(TARGET_DIR)/debug/caiping" \
	  --site-root "$(SITE_ROOT)" --postgres-admin-url "$$pg_url" --out "$(TARGET_DIR)/bench/quick.md"

## Longer fuzzing than `make test` runs (it runs each target's default, bounded count):
## PROPTEST_CASES per property target, FUZZ_CASES random bid uploads. Failures found by the
## property targets are saved under `*/proptest-regressions/` and replayed by `make test`.
fuzz:
	export PROPTEST_CASES=$${PROPTEST_CASES:-20000}
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo test -p app --features ssr --lib fuzz
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo test -p server --lib fuzz
	FUZZ_CASES=$${FUZZ_CASES:-5000} RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo test -p server --test api random_multipart

## The benchmark suite on a release build (issue 14's goals), on SQLite and PostgreSQL; the table is
## printed and written to target/bench/results.md. BENCH_ARGS adds options, e.g.
## BENCH_ARGS="--rush-bidders 1000 --rush-mb 20" for the large deadline rush.
bench: tools
	cargo build --release -p server -p bench
	[ -d "$(SITE_ROOT)/pkg" ] || RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo run -p site -- build --site-root "$(SITE_ROOT)"
	pg_url=$$(bash .ci/postgres.sh start)
	trap 'bash .ci/postgres.sh stop' EXIT
	"$(TARGET_DIR)/release/caiping-bench" --bin "$(TARGET_DIR)/release/caiping" --site-root "$(SITE_ROOT)" \
	  --postgres-admin-url "$$pg_url" --out "$(CURDIR)/target/bench/results.md" $(BENCH_ARGS)
