# Two commands matter (see README): `make run` and `make test`.
# Both set everything up from a fresh clone first.

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup assets run report test test-postgres lint typecheck clean

# uv installs the locked dependencies (uv.lock) into .venv on Python 3.12
# (.python-version selects it on the development and CI machines).
$(BIN)/collabdx: pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then $(PYTHON) -m pip install --quiet --disable-pip-version-check uv; fi
	uv sync --frozen --all-extras --python 3.12 --quiet
	@touch $@

setup: $(BIN)/collabdx

assets: package.json package-lock.json
	bash scripts/assets.sh

# Main job: the web app on http://127.0.0.1:8000 with a demo collaboration
# (synthetic data). Sign in as "demo" with password "demo-collabdx-2023".
run: setup assets
	$(BIN)/collabdx serve --demo

# The command-line group report on the bundled synthetic demo data.
report: setup
	$(BIN)/collabdx report demo -o out/report.html --json out/report.json

test: setup assets
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests

typecheck: setup
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

# The web tests again on PostgreSQL. Needs a server and TEST_DATABASE_URL, e.g.
# postgres://collabdx:collabdx@127.0.0.1:5432/collabdx (.ci/run sets this up).
test-postgres: setup assets
	DATABASE_URL=$${TEST_DATABASE_URL:?set TEST_DATABASE_URL} $(BIN)/python -m pytest -q tests/web
