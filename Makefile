# mtfix: `make demo` sets up and repairs the sample; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SAMPLE := samples/wechat-ecommerce-2014

.PHONY: setup demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# The CPU build of torch first: a bare `torch` requirement can pull a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[model,dev]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	@mkdir -p out
	$(VENV)/bin/mtfix fix $(SAMPLE).mt.txt -o out/$(notdir $(SAMPLE)).fixed.txt
	$(VENV)/bin/mtfix fix $(SAMPLE).mt.txt --format diff --quiet | head -n 40
	@echo "--- input vs reference:"
	@$(VENV)/bin/mtfix score $(SAMPLE).mt.txt $(SAMPLE).ref.txt
	@echo "--- repaired vs reference:"
	@$(VENV)/bin/mtfix score out/$(notdir $(SAMPLE)).fixed.txt $(SAMPLE).ref.txt

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check mtfix tests
	$(VENV)/bin/mypy mtfix

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info
