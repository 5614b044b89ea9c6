# The two quick-start commands, and a few more. Each sets up .venv on first use.
#   make serve   build the site and preview it at http://127.0.0.1:8000/, rebuilding on save
#   make test    lint, format check and the whole test suite, browser and checkers included

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: serve build deploy check test lint format clean bench ingest-score

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $(STAMP)

# The Nu Html Checker and axe-core, pinned in package-lock.json. Without npm the tests
# that need them skip, loudly.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the HTML and accessibility checks will be skipped"; fi

serve: $(STAMP)
	$(BIN)/python build.py serve

# BASE_URL=https://USER.github.io/REPO/ stands in for site.yaml's base_url (the Pages workflow sets it).
build: $(STAMP)
	$(BIN)/python build.py build $(if $(BASE_URL),--base-url "$(BASE_URL)")

# Builds afresh and publishes to the gh-pages branch of origin (README: Publishing to GitHub Pages).
deploy: $(STAMP)
	$(BIN)/python build.py deploy $(if $(BASE_URL),--base-url "$(BASE_URL)")

check: $(STAMP)
	$(BIN)/python build.py check

# Races Hugo and Pelican on generated corpora and writes bench/RESULTS.md (bench/README.md);
# about 40 minutes at the default N = 1,000 and 10,000. BENCH_ARGS="--sizes 200 --runs 1" for a quick look.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Runs ingest on every capture a gold file lists, scores the drafts against it and writes
# bench/INGEST.md (bench/README.md, "Scoring ingest"). GOLD=... scores another gold file.
GOLD ?= ../shared/ingest-dev/gold.yaml
ingest-score: $(STAMP)
	$(BIN)/python bench/ingest_score.py $(GOLD)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint $(NODE_STAMP)
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf _site test-output .pytest_cache .ruff_cache
