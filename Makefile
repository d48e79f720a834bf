# Two commands matter (see README): `make run` and `make test`.
# Both set everything up from a fresh clone first.

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup assets run report test test-browser test-postgres lint typecheck clean system-packages

# uv installs the locked dependencies (uv.lock) into .venv on Python 3.12
# (.python-version selects it on the development and CI machines). Bytecode is compiled
# once here: with PYTHONDONTWRITEBYTECODE=1 (set on these machines) Python would otherwise
# compile pandas, scipy, Django... from source at every start (issue 15: `collabdx score`
# took 42 s instead of 11 s on a loaded machine).
$(BIN)/collabdx: pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then $(PYTHON) -m pip install --quiet --disable-pip-version-check uv; fi
	uv sync --frozen --all-extras --python 3.12 --quiet --compile-bytecode
	$(BIN)/python -m compileall -q src >/dev/null
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

# The Debian packages the tests need (Chromium, poppler-utils), installed with apt-get
# where missing: as root, or through passwordless sudo; otherwise it says what to
# install and stops. .ci/run uses the same script (with --ci).
system-packages:
	bash scripts/system-packages.sh

# Everything, including the browser tests (tests/browser: `collabdx serve` driven by
# Debian's Chromium, /usr/bin/chromium, with axe-core from node_modules).
test: system-packages setup assets
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# The browser tests alone: keyboard, no-JavaScript and 375px journeys, axe-core
# (WCAG 2.2 AA tags) on every page. Screenshots: test-artifacts/screenshots/.
test-browser: system-packages setup assets
	$(BIN)/python -m pytest -q -m browser tests/browser

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

# The web and security tests again on PostgreSQL. Needs a server and TEST_DATABASE_URL,
# e.g. postgres://collabdx:collabdx@127.0.0.1:5432/collabdx (.ci/run sets this up).
test-postgres: setup assets
	DATABASE_URL=$${TEST_DATABASE_URL:?set TEST_DATABASE_URL} $(BIN)/python -m pytest -q tests/web tests/security

# Security checks (docs/security.md): bandit on src/ (medium and high severity; B704 is
# ruff's S704, see pyproject.toml), then pip-audit on exactly what uv.lock pins. The audit
# fails (exit 2) when PyPI's advisory data is out of reach instead of passing unchecked;
# PIP_AUDIT_OFFLINE_OK=1 turns that case into a loud warning. Vulnerabilities always fail.
.PHONY: security audit
security: setup
	$(BIN)/bandit -c pyproject.toml -r src -ll -q
	$(MAKE) audit

audit: setup
	$(BIN)/python scripts/audit_dependencies.py

# Load, SIGKILL-during-submit and bad-input checks, short version (docs/reliability.md has
# the full run: $(BIN)/python -m reliability.run). Needs PostgreSQL on 127.0.0.1 as
# test-postgres does; exits non-zero if a response is lost, duplicated or partial, or on a 5xx.
.PHONY: reliability-quick
reliability-quick: setup assets
	$(BIN)/ruff check reliability
	$(BIN)/mypy reliability
	$(BIN)/python -m reliability.run --quick

# Benchmarks (issue 8): collabdx score, the report model and the web app, each against
# a floor measured side by side; writes the results into docs/benchmarks.md. The web part
# needs PostgreSQL on 127.0.0.1 as test-postgres does. About 40 minutes; bench-quick
# about 12. Timings need a quiet machine: other work shows in the load averages it records.
.PHONY: bench bench-quick
bench: setup assets
	$(BIN)/python -m benchmarks.run

bench-quick: setup assets
	$(BIN)/python -m benchmarks.run --quick
