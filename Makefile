# Clarion: `make run` starts everything locally (no AWS account); `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv clean bench package lint lint-types lint-template deploy-check cold-start generate

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m local.stack

# The browser tests drive Debian's chromium: installed here when it is missing (root, as on CI).
test: $(STAMP) lint lint-types
	bash scripts/ensure_browser.sh
	$(PY) -m pytest -q

# The static gate: ruff (ruff.toml) on every Python file of the repo.
lint: $(STAMP)
	$(VENV)/bin/ruff check .

# mypy --strict on chalicelib/ and app.py (mypy.ini), with the pydantic plugin and boto3's stubs.
lint-types: $(STAMP)
	$(VENV)/bin/mypy

# What the platforms' specifications (chalicelib/channels/*.py: SPECS) generate: the platform
# index, the IAM policies and .chalice/config.json (chalicelib/infra/generate.py; --check in the tests).
generate: $(STAMP)
	$(PY) -m chalicelib.infra.generate

# The deployable template: build/$(STAGE)/sam.json and deployment.zip (docs/deploy.md).
STAGE ?= dev

package: $(STAMP)
	$(PY) -m chalicelib.infra.cloudformation package $(STAGE)

lint-template: package
	$(PY) -m chalicelib.infra.cloudformation lint build/$(STAGE)/sam.json

# Everything CI checks about deploying, for both stages (the tests package and lint them too).
deploy-check: $(STAMP)
	$(MAKE) lint-template STAGE=dev
	$(MAKE) lint-template STAGE=prod
	$(PY) -m pytest -q tests/test_packaging.py tests/test_iam.py tests/test_observability.py

# Import time of app.py and of each handler's import path, against `import boto3`.
cold-start: $(STAMP)
	$(PY) bench/cold_start.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build
