# Two commands for everyone: `make book` and `make test`. Both build the
# virtual environment first, so a fresh clone needs nothing else installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: book test test-fast lint check bench clean system-deps book-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# In a git checkout with a release tag, a published value changed since that release without a
# row in data/corrections.csv fails the build too (after rendering, so the change report is seen).
book: $(STAMP) book-deps
	$(BIN)/swbook render
	@tag=$$(git describe --tags --abbrev=0 2>/dev/null) || exit 0; \
	$(BIN)/python -m swsurveys.changes "$$tag"

check: $(STAMP)
	$(BIN)/swbook check

# What the book needs to build: the PDF's sans and its charts are set in Liberation Sans
# (fonts-liberation); its serif ships inside Typst.
book-deps:
	@{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -q LiberationSans; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation fontconfig >/dev/null; \
	  else echo "the PDF needs Debian's fonts-liberation: run 'sudo apt-get install fonts-liberation' once" >&2; exit 1; fi; }

# The browser tests drive Debian's Chromium (never a downloaded browser build); the PDF tests read
# the PDF with poppler (pdfinfo, pdftotext), a second reader beside the build's own (PDFium).
system-deps: book-deps
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "make test needs Debian's chromium and poppler-utils: run 'sudo apt-get install chromium poppler-utils' once" >&2; exit 1; fi; }

# axe-core from the npm registry, injected into pages by the browser tests.
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

# Everything, as CI runs it: lint and format check, then every test (unit, renders, browser, PDF).
test: $(STAMP) system-deps $(AXE) lint
	AXE_CORE=$(AXE) $(BIN)/python -m pytest

# The quick loop while editing: the unit tests, no whole-book render, no browser, spread over
# every core (pytest-xdist). `make test` stays in one process: its tests share one rendered book.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not e2e and not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests _scripts bench
	$(BIN)/ruff format --check src tests _scripts bench

# A benchmark, not a test: medians of whole builds, written to bench/results.md.
bench: $(STAMP) book-deps
	$(BIN)/python bench/bench.py

clean:
	rm -rf _book .swbook-cache
