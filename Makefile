# Two commands work on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= kg.db

.PHONY: demo test bench install clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/kg build seeds/ --store $(STORE)
	$(BIN)/kg facts --store $(STORE) --format table
	$(BIN)/kg query wechat-applications --store $(STORE)
	$(BIN)/kg query fines-by-regulator --store $(STORE)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(STORE) build *.egg-info
