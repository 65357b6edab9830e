# Every target makes its own virtualenv from the pinned requirements on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The TypeScript compiler and cdktf the CDKTF type-check tests compile fixes against (tests only).
TOOLCHAIN := tests/cdktf_toolchain/node_modules/.package-lock.json

.PHONY: demo test docs bench clean lock

$(STAMP): requirements/runtime.txt requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements/runtime.txt -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps -r requirements/runtime.txt setuptools==84.2.1 -w $(VENV)/wheelhouse
	touch $@

$(TOOLCHAIN): tests/cdktf_toolchain/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/cdktf_toolchain --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the CDKTF type-check and synth tests will be skipped (they fail under CI=true)"; \
	fi

lock:
	bash requirements/lock.sh

demo: $(STAMP)
	-$(BIN)/backend-guard check examples/
	$(BIN)/backend-guard fix --diff examples/

test: $(STAMP) $(TOOLCHAIN)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

docs: $(STAMP)
	$(BIN)/python -m backend_guard.docs > docs/rules.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
