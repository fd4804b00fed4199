# 诉前辅导助手 — the two commands are `make run` and `make test`; everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install fonts lint typecheck eval-legal eval-retrieval eval-outcomes eval-similar bench-retrieval eval-causes bench ingest clean-data chromium

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build of torch first: this machine image carries it; an unpinned torch would pull CUDA (GBs).
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## Start the bot (/wechat, /chat), the assessment API and the workbench on http://127.0.0.1:8000
run: install fonts
	HF_HUB_OFFLINE=1 $(VENV)/bin/uvicorn server:create_app --factory --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

chromium:
	@bash scripts/ensure-chromium.sh

## The CJK font the complaint's PDF embeds (Debian's fonts-noto-cjk)
fonts:
	@bash scripts/ensure-fonts.sh

## The gates, then the whole test suite (PostgreSQL tests run when TEST_DATABASE_URL's server answers;
## REQUIRE_POSTGRES=1 makes them mandatory, REQUIRE_BROWSER=1 likewise for the browser tests)
test: install fonts chromium lint typecheck
	HF_HUB_OFFLINE=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
typecheck: install
	$(VENV)/bin/mypy core app bot knowledge retrieval casework web evals bench/retrieval.py server.py

## Cause recognition on the clean held-out sets with the shipped embedder (other sets: python -m evals.causes -h):
## the 18 deep causes (holdout4), the whole catalogue on the held-out lay stories, leave-one-out on the judgments
eval-causes: install
	HF_HUB_OFFLINE=1 $(PY) -m evals.causes --set holdout4 --embedder auto
	HF_HUB_OFFLINE=1 $(PY) -m evals.causes --catalogue --split holdout --embedder auto --neighbours bm25
	HF_HUB_OFFLINE=1 $(PY) -m evals.causes --judgments --embedder auto --neighbours bm25
## The legal regression table (knowledge/eval/legal): pass rate per area; --split holdout gives the clean figure
eval-legal: install
	HF_HUB_OFFLINE=1 $(PY) -m evals.legal
eval-retrieval: install
	HF_HUB_OFFLINE=1 $(PY) -m evals.retrieval
## What each common cause's assessment shows under 类似案例 (real index; the first run ingests the default corpus)
eval-similar: install
	HF_HUB_OFFLINE=1 $(PY) -m evals.similar
## Outcome extractor vs the hand labels (knowledge/eval/outcomes), per split; ARGS="--split dev -v" lists disagreements
eval-outcomes: install
	HF_HUB_OFFLINE=1 $(PY) -m evals.outcomes $(ARGS)
bench-retrieval: install
	HF_HUB_OFFLINE=1 $(PY) -m bench.retrieval
bench: install
	HF_HUB_OFFLINE=1 $(PY) -m bench.load

## Ingest a court's own judgments: make ingest CORPUS=/path/to/judgments.jsonl
ingest: install
	HF_HUB_OFFLINE=1 $(PY) -m retrieval.ingest $(CORPUS)

clean-data:
	rm -rf var/
