# The two commands of README.md: `make run` and `make test`. Everything they need is
# installed here when missing, so they work on a fresh machine.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
BINARYEN_VERSION := 132
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
TOOLS_DIR := $(CURDIR)/.tools
# cargo-leptos adds this flag to debug builds; plain `cargo test` gets the same so the two
# builds share compiled crates instead of rebuilding each other's.
DEBUG_RUSTFLAGS := --cfg erase_components
export LEPTOS_SITE_ROOT := $(CURDIR)/target/site

.PHONY: run test tools test-deps test-unit test-integration test-e2e build-debug clean-data

## Build an optimised release, load the demo data into SQLite and serve on http://127.0.0.1:3000
run: tools
	# Release builds run wasm-opt; Debian's binaryen breaks hydration, the npm build works.
	if [ ! -x "$(TOOLS_DIR)/node_modules/.bin/wasm-opt" ]; then
	  npm install --prefix "$(TOOLS_DIR)" --no-audit --no-fund "binaryen@$(BINARYEN_VERSION)"
	fi
	export PATH="$(TOOLS_DIR)/node_modules/.bin:$$PATH"
	cargo leptos build --release
	"$(TARGET_DIR)/release/caiping" seed-demo
	"$(TARGET_DIR)/release/caiping" serve

## Every test: domain unit tests, HTTP integration tests on SQLite and PostgreSQL, browser tests
test: tools test-deps test-unit test-integration test-e2e

tools:
	rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then
	  cargo install cargo-leptos --locked --version "$(CARGO_LEPTOS_VERSION)"
	fi
	# cargo-leptos runs whatever wasm-bindgen is on PATH: it must match the crate pinned in Cargo.toml.
	if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then
	  cargo install wasm-bindgen-cli --version "$(WASM_BINDGEN_VERSION)"
	fi

test-deps:
	missing=""
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"
	command -v zip >/dev/null || missing="$$missing zip"
	if [ -n "$$missing" ]; then
	  apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing
	fi
	cd end2end && if [ ! -d node_modules/@playwright/test ]; then PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; fi

test-unit:
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo test -p app --features ssr

test-integration:
	pg_url=$$(bash .ci/postgres.sh start)
	trap 'bash .ci/postgres.sh stop' EXIT
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" CAIPING_TEST_PG_URL="$$pg_url" cargo test -p server

build-debug:
	cargo leptos build

test-e2e: build-debug
	cd end2end && CAIPING_BIN="$(TARGET_DIR)/debug/caiping" npx playwright test

clean-data:
	rm -rf data
