# paylinks — `make dev` serves it locally, `make test` runs every test.
# Both install what they need first (Debian packages and `npm ci`), so they work on a
# fresh machine.

SHELL := /bin/bash
PORT ?= 8787
ANVIL_PORT ?= 8545
JOBS ?= 2
export NODE_PATH := /usr/share/nodejs
export WRANGLER_SEND_METRICS := false
export PORT ANVIL_PORT

APT_PACKAGES := cmake ninja-build g++ clang clang-format emscripten wasi-libc libc++-dev-wasm32 \
  libc++abi-14-dev-wasm32 libclang-rt-dev-wasm32 libclang-rt-14-dev \
  libboost-dev nlohmann-json3-dev catch2 binaryen wabt chromium zbar-tools wrk

WASM := dist/paylinks.wasm
BUNDLE := dist/bundle/worker.js

.PHONY: all deps apt npm build native wasm wasm-nlohmann json-compare wasi bundle contracts dev test test-wasi \
  bench fuzz load pay sweep deploy-contracts format clean

all: build

deps: apt npm

# Installs only what is missing, so a second run costs a dpkg query.
apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || \
	  { echo "paylinks needs Node.js 20 or newer (found $$(node --version))"; exit 1; }

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm: node_modules/.package-lock.json

build: deps native wasm bundle contracts

# Also writes README's and docs/openapi.yaml's lists of statuses, event types, currencies
# and networks from the core's tables (core/catalog), before the wasm build embeds the latter.
native:
	@cmake --preset native >/dev/null
	cmake --build build/native -j$(JOBS)
	@build/native/paylinks_catalog > build/native/catalog.json
	@node scripts/build/catalog-docs.mjs build/native/catalog.json

wasm:
	@cmake --preset emscripten >/dev/null
	cmake --build build/emscripten -j$(JOBS) --target paylinks_wasm paylinks_tools_wasm
	@mkdir -p dist && cp build/emscripten/paylinks.wasm $(WASM)
	@cp build/emscripten/paylinks-tools.wasm dist/paylinks-tools.wasm

# The same module with nlohmann::json as the core's Json, for bench/json_compare.mjs.
wasm-nlohmann: apt
	@cmake --preset emscripten-nlohmann >/dev/null
	cmake --build build/emscripten-nlohmann -j$(JOBS) --target paylinks_wasm
	@mkdir -p dist && cp build/emscripten-nlohmann/paylinks.wasm dist/paylinks-nlohmann.wasm

# Core time per request and sizes, core/util/json against nlohmann::json, interleaved.
json-compare: bundle wasm-nlohmann
	node bench/json_compare.mjs

wasi:
	@cmake --preset wasi >/dev/null
	cmake --build build/wasi -j$(JOBS)

# The exact bundle `wrangler deploy` would upload; the worker tests run it.
bundle: wasm
	@rm -rf dist/bundle
	@WRANGLER_LOG=error node_modules/.bin/wrangler deploy --dry-run --outdir dist/bundle >/dev/null

contracts:
	@node scripts/chain/compile.mjs

dev: build
	node scripts/dev.mjs

test: build
	bash scripts/run-tests.sh

# The unit tests built for wasm32-wasi and run under Node's WASI.
test-wasi: deps wasi
	node tests/unit/run-wasi.mjs build/wasi/paylinks_unit_tests.wasm

bench: build
	node bench/run.mjs

fuzz: deps
	bash scripts/fuzz.sh $${FUZZ_SECONDS:-600}

load: build
	node bench/load.mjs

pay:
	@test -n "$(SESSION)" || { echo "usage: make pay SESSION=cs_… [AMOUNT=12.34] [NETWORK=local-b]"; exit 2; }
	@NETWORK="$(NETWORK)" node scripts/chain/pay.mjs $(SESSION) $(AMOUNT)

# Every fulfilled session's funds to the treasury (or just SESSIONS="cs_… cs_…"); see
# scripts/chain/sweep.mjs for PAYLINKS_URL, API_KEY, RPC_URL, SWEEPER_PRIVATE_KEY.
sweep: npm
	@node scripts/chain/sweep.mjs $(SESSIONS)

# The forwarder contracts on any chain: RPC_URL, TREASURY, DEPLOYER_PRIVATE_KEY (or
# .deployer.key), optionally EXPECTED_CHAIN_ID or NETWORK. Prints the wrangler.toml lines.
deploy-contracts: npm
	@node scripts/chain/deploy-contracts.mjs

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build dist
