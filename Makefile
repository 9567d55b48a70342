# Two commands matter on a fresh machine:
#   make demo   set up (.venv) and review the bundled sample article
#   make test   set up with the model, PostgreSQL and browser extras and run the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: setup setup-dev demo test lint

$(VENV)/.core: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.core
	# CPU build of torch from local disk first: an unpinned torch pulls a multi-GB CUDA build.
	$(PIP) install -q "torch==2.13.0"
	$(PIP) install -q -e ".[mt,ct2,lm,postgres,ui,datasets,bench,ray,e5,onnx,dev]"
	bash scripts/install-system.sh
	touch $@

setup: $(VENV)/.core
setup-dev: $(VENV)/.dev

demo: setup
	$(VENV)/bin/mtreview review data/samples/seed.en.txt data/samples/seed.ja.txt --format text --out out/seed.review.json

test: setup-dev
	$(PY) -m pytest

lint: setup-dev
	$(VENV)/bin/ruff check mtreview tests bench app.py
