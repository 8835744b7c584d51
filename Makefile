# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install install-dev lint bench-quick clean

# uv comes from PyPI into a private folder, so the machine's Python stays untouched.
$(UV):
	@$(PYTHON) -m venv $(TOOLS) 2>/dev/null && $(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION) \
	  || (rm -rf $(TOOLS) && $(PYTHON) -m pip install --quiet --break-system-packages \
	        --target $(TOOLS)/lib uv==$(UV_VERSION) && mkdir -p $(TOOLS)/bin \
	        && ln -sf ../lib/bin/uv $(UV))

install: $(UV)
	$(UV) sync --frozen --no-dev

install-dev: $(UV)
	$(UV) sync --frozen

run: install
	$(VENV)/bin/frontdesk serve

test: install-dev
	$(VENV)/bin/pytest

lint: install-dev
	$(VENV)/bin/ruff check src tests bench migrations
	$(VENV)/bin/ruff format --check src tests bench migrations

bench-quick: install-dev
	$(VENV)/bin/python bench/ingest.py --quick
	$(VENV)/bin/python bench/retrieval.py --quick

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache
