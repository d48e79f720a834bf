# Two commands matter (see README): `make run` and `make test`.
# Both set everything up from a fresh clone first.

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run report test lint typecheck clean

# uv installs the locked dependencies (uv.lock) into .venv on Python 3.12
# (.python-version selects it on the development and CI machines).
$(BIN)/collabdx: pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then $(PYTHON) -m pip install --quiet --disable-pip-version-check uv; fi
	uv sync --frozen --all-extras --python 3.12 --quiet
	@touch $@

setup: $(BIN)/collabdx

# Main job: the group report on the bundled synthetic demo data.
run: setup
	$(BIN)/collabdx report demo -o out/report.html --json out/report.json
	@echo "Open out/report.html in a browser."

test: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests

typecheck: setup
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
