# Two commands set up and run everything on a fresh machine (Python >= 3.11 and make):
#   make run    validate the data package and summarise its tables
#   make test   run the whole test suite
# Documentation: `make docs` builds the site into site/ (strict: any broken link fails);
# `make serve-docs` serves it at http://127.0.0.1:8000/ and rebuilds on every change.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: run test setup hash generate bench docs serve-docs release-artifacts clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(VENV)/bin/japus-data validate
	$(VENV)/bin/japus-data list

test: setup
	$(PY) -m pytest

# For contributors: after editing any CSV or the schema, record everything derived from them:
# each resource's sources list, hashes and sizes (japus-data hash), and the pandera models and
# loaders (japus-data generate). The one command of the "add a survey year" walkthrough.
hash: setup
	$(VENV)/bin/japus-data hash
	$(VENV)/bin/japus-data generate

generate: setup
	$(VENV)/bin/japus-data generate

bench: setup
	$(PY) benchmarks/run.py

# The files attached to a GitHub release (see RELEASING.md): wheel, sdist and the exports.
release-artifacts: setup
	rm -rf dist
	$(VENV)/bin/japus-data validate
	$(PY) -m build --no-isolation --outdir dist
	$(PY) -m twine check --strict dist/*.whl dist/*.tar.gz
	for format in parquet sqlite xlsx json; do \
	  $(VENV)/bin/japus-data export --format $$format --out dist/exports/$$format || exit 1; \
	done
	$(PY) -m zipfile -c dist/japus-data-$$($(PY) -c "import japus_data; print(japus_data.__version__)")-parquet.zip dist/exports/parquet/

docs: setup
	$(PY) -m mkdocs build --strict --site-dir site

# The preview's own address as site_url: mkdocs serve would otherwise serve under the
# published site's path (/japus-data/).
serve-docs: setup
	JAPUS_SITE_URL=http://127.0.0.1:8000/ $(PY) -m mkdocs serve

clean:
	rm -rf $(VENV) dist build site test-artifacts .pytest_cache .mypy_cache .ruff_cache
