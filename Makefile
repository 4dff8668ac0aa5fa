# Two commands for everyone: `make book` and `make test`. Both build the
# virtual environment first, so a fresh clone needs nothing else installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/swbook render

check: $(STAMP)
	$(BIN)/swbook check

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf _book .swbook-cache
