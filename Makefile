# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test test-fast install install-dev web openapi chromium livekit-server livekit-sip livekit-dev lint bench-quick clean

# The browser bundle (web/ -> src/frontdesk/static/, read by the server at run time). Rebuilt
# only when missing or older than its sources; npm ci runs only when the lockfile changed.
WEB_BUILT := src/frontdesk/static/.vite/manifest.json
WEB_SOURCES := $(shell find web/src -type f -not -path 'web/src/client/*' 2>/dev/null) \
	web/vite.config.ts web/tsconfig.json web/package.json web/openapi.json web/openapi-ts.config.ts
WEB_MODULES := web/node_modules/.package-lock.json

# uv comes from PyPI into a private folder, so the machine's Python stays untouched.
$(UV):
	@$(PYTHON) -m venv $(TOOLS) 2>/dev/null && $(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION) \
	  || (rm -rf $(TOOLS) && $(PYTHON) -m pip install --quiet --break-system-packages \
	        --target $(TOOLS)/lib uv==$(UV_VERSION) && mkdir -p $(TOOLS)/bin \
	        && ln -sf ../lib/bin/uv $(UV))

$(WEB_MODULES): web/package-lock.json
	@command -v npm >/dev/null || { echo "Building the web bundle needs Node.js 20.19+ and npm." >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund

$(WEB_BUILT): $(WEB_MODULES) $(WEB_SOURCES)
	cd web && npm run build

web: $(WEB_BUILT)

# After changing an endpoint: the OpenAPI document the dashboard's client is generated from.
openapi: install-dev
	$(VENV)/bin/python scripts/export-openapi
	cd web && npm run generate

# Debian's Chromium for tests/browser (installed with apt when missing).
chromium:
	scripts/ensure-chromium

# LiveKit's own server for the tests (built once with the machine's Go, before pytest, so
# the build's minutes do not count against a test's timeout).
livekit-server:
	scripts/ensure-livekit-server >/dev/null

# LiveKit's SIP service, for the tests of calls to a business's number (built the same way;
# Debian's Opus and SoX headers are installed first when missing).
livekit-sip:
	scripts/ensure-livekit-sip >/dev/null

# LiveKit's own server on this machine in dev mode (API key "devkey", secret "secret", on
# 127.0.0.1:7880), built once from the pinned release with the machine's Go: set
# FRONTDESK_LIVEKIT_URL=ws://127.0.0.1:7880, FRONTDESK_LIVEKIT_API_KEY=devkey and
# FRONTDESK_LIVEKIT_API_SECRET=secret for `make run` and `frontdesk agent-worker`.
livekit-dev:
	"$$(scripts/ensure-livekit-server)" --dev --bind 127.0.0.1

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on our CI
# machines) Python never writes it, and every process (the server, each job and agent
# worker, each test that starts one) compiled phonenumbers' data and the rest again: importing
# the app took 14 s instead of 5 s. Later syncs only compile what changed.
install: $(UV) web
	$(UV) sync --frozen --no-dev --compile-bytecode
	$(VENV)/bin/python -m compileall -q src/frontdesk

install-dev: $(UV) web
	$(UV) sync --frozen --compile-bytecode
	$(VENV)/bin/python -m compileall -q src/frontdesk

run: install
	$(VENV)/bin/frontdesk serve

test: install-dev chromium livekit-server livekit-sip
	$(VENV)/bin/pytest --durations=30

# The loop while working: everything but the heavy groups (Chromium, the speech models,
# LiveKit's server, real processes and whole websites; see tests/conftest.py). `make test`
# before committing still runs them all.
test-fast: install-dev
	$(VENV)/bin/pytest -m "not browser and not voice and not livekit and not slow"

lint: install-dev
	$(VENV)/bin/ruff check src tests bench migrations
	$(VENV)/bin/ruff format --check src tests bench migrations
	$(VENV)/bin/mypy src/frontdesk
	cd web && npm run typecheck

bench-quick: install-dev
	$(VENV)/bin/python bench/ingest.py --quick
	$(VENV)/bin/python bench/retrieval.py --quick

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache web/node_modules src/frontdesk/static
