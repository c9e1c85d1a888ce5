# flowmap: two commands on a fresh machine with Python 3.11 and make.
#   make demo   create .venv, install, run the main job on the bundled example
#   make test   install with test extras, run ruff, mypy --strict and pytest

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test install install-test lint typecheck pytest bench golden clean bpmn-js

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dask,mining]'

demo: install
	@mkdir -p $(OUT)
	$(BIN)/flowmap validate examples/ec_order_ja.xlsx
	$(BIN)/python examples/demo.py $(OUT)

lint: install-test
	$(BIN)/ruff check src tests benchmarks examples

typecheck: install-test
	$(BIN)/mypy

pytest: install-test
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory bpmn-js; \
	else echo "npm not found: the BPMN browser tests will skip (.ci/run installs npm)"; fi
	$(BIN)/python -m pytest

test: lint typecheck pytest

# bpmn-js for tests/test_bpmn_browser.py (node_modules is not committed)
bpmn-js: tests/bpmn/viewer/node_modules/bpmn-js/package.json

tests/bpmn/viewer/node_modules/bpmn-js/package.json: tests/bpmn/viewer/package.json
	cd tests/bpmn/viewer && npm install --no-save --no-audit --no-fund --loglevel=error

golden: install-test
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

bench: install-test
	$(BIN)/python benchmarks/import.py
	$(BIN)/python benchmarks/analyze.py
	$(BIN)/python benchmarks/simulate.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/scale.py
	cd benchmarks && ../$(BIN)/python view.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
