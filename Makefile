# Every target makes its own virtualenv from the pinned requirements on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The runtime alone, which is all `make demo` needs; STAMP adds the test and lint tools on top.
RUNTIME := $(VENV)/.runtime
# The virtualenv gets no pip of its own (ensurepip was a third of `make demo`'s time): the pip
# of $(PYTHON) installs into it.
PIP := $(PYTHON) -m pip --python $(BIN)/python --disable-pip-version-check --quiet
# The TypeScript compiler and cdktf the CDKTF type-check tests compile fixes against (tests only).
TOOLCHAIN := tests/cdktf_toolchain/node_modules/.package-lock.json

.PHONY: demo test docs bench clean lock

$(RUNTIME): requirements/runtime.txt
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PIP) install --no-deps --no-compile -r requirements/runtime.txt
	touch $@

$(STAMP): $(RUNTIME) requirements/dev.txt pyproject.toml
	$(PIP) install --no-deps -r requirements/dev.txt
	$(PIP) install --no-deps -e .
	$(PIP) wheel --no-deps -r requirements/runtime.txt setuptools==84.2.1 -w $(VENV)/wheelhouse
	touch $@

$(TOOLCHAIN): tests/cdktf_toolchain/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/cdktf_toolchain --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the CDKTF type-check and synth tests will be skipped (they fail under CI=true)"; \
	fi

lock:
	bash requirements/lock.sh

# The demo runs the package from src/: installing it would build it first. `check` exits 1 on
# findings, which the examples hold on purpose.
demo: $(RUNTIME)
	@PYTHONPATH=src $(BIN)/python -m backend_guard check examples/; [ $$? -eq 1 ]
	@PYTHONPATH=src $(BIN)/python -m backend_guard fix --diff examples/

test: $(STAMP) $(TOOLCHAIN)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

docs: $(STAMP)
	$(BIN)/python -m backend_guard.docs > docs/rules.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
