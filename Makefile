# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install demo test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	@for f in samples/*.txt; do \
	  echo "== $$f"; \
	  $(VENV)/bin/extractor extract "$$f" --summary || exit 1; \
	done
	@echo "(full JSON: $(VENV)/bin/extractor extract samples/<file> --pretty)"

test: $(VENV)/.test-installed
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei) \
	  || echo "chromium not installed: browser test will skip"
	$(VENV)/bin/ruff check extractor tests $(wildcard benchmarks)
	$(PY) -m pytest

bench: $(VENV)/.test-installed
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
