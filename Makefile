# modelops: `make run` trains and evaluates on the bundled data; `make test` runs every test.
# Both create .venv on first use, with only Python 3.11 and git on the machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# DVC, GTO and dvclive send usage data unless told not to.
export DO_NOT_TRACK := 1
export PATH := $(abspath $(BIN)):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help install run report serve simulate simulate-fast bench-scale test test-fast lint format clean lock

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

# uv, when it is on PATH, installs the same pins in seconds (it links files from its cache);
# pip otherwise, so a fresh clone needs only Python and git. The act tests put uv on the jobs'
# PATH: their `make install` took 1-3 min each with pip.
UV := $(shell command -v uv 2>/dev/null)
PIP := $(if $(UV),$(UV) pip install --quiet --python $(BIN)/python,\
	$(BIN)/python -m pip install --quiet --disable-pip-version-check)

# The .pth line puts the venv's bin first on PATH for every Python process the venv runs, so
# `.venv/bin/dvc repro` finds the stages' `modelops` without activating the venv.
VENV_PATH_LINE := import os, sys; d = os.path.dirname(sys.executable); p = os.environ.get("PATH", ""); os.environ["PATH"] = p if p.split(os.pathsep)[0] == d else d + os.pathsep + p

$(BIN)/modelops: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo '$(VENV_PATH_LINE)' > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/modelops-venv-path.pth"
	$(PIP) --upgrade pip
	$(PIP) -c constraints.txt -e .
	@deploy/feedback_folder.sh
	@touch $@

$(VENV)/.dev: $(BIN)/modelops
	$(PIP) -c constraints.txt -e '.[dev]'
	@touch $@

lock: $(VENV)/.dev ## Pin constraints.txt to what .venv holds (then rebuild: dvc repro)
	@{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
	  | grep -v '^modelops'; } > constraints.txt.new && mv constraints.txt.new constraints.txt

install: $(BIN)/modelops ## Create .venv and install the package (no dev extras)

# same-model: when this machine's floats give the model other last bits than dvc.lock's, it
# says so, with the largest difference in the answers (exit 1 only for another model).
run: $(BIN)/modelops ## Create .venv, install, run the pipeline (dvc repro) and print the result
	deploy/feedback_folder.sh
	$(BIN)/dvc repro
	@echo
	@$(BIN)/modelops summary
	@echo
	@$(BIN)/modelops same-model || test $$? -eq 1

BASELINE ?= main
report: $(BIN)/modelops ## After make run: gate and reports/report.md against BASELINE (main)
	-$(BIN)/modelops gate --baseline $(BASELINE)
	$(BIN)/modelops report
	@echo "open reports/report.md"

serve: $(BIN)/modelops ## After make run: the prediction service on 127.0.0.1:8000 (docs at /docs)
	$(BIN)/modelops serve

simulate: $(VENV)/.dev ## The feedback loop run for real in a temporary clone of HEAD (~10-15 min)
	$(BIN)/python benchmarks/feedback_loop.py

# ARGS, e.g. ARGS='--world stable --set train.original_weight=0.5'
simulate-fast: $(VENV)/.dev ## The loop in one process: 5 seeds, 3 arms, the project's functions (~1 min)
	$(BIN)/python benchmarks/loop_fast.py $(ARGS)

bench-scale: $(VENV)/.dev ## The pipeline on 100k, 300k and 1M rows in a clone of HEAD (a benchmark)
	$(BIN)/python benchmarks/scale.py

# pytest keeps its assertion-rewritten test modules as bytecode, unless the environment says
# not to write any: that is 4 s of rewriting in every worker of every run.
PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

# xdist would hand out the files with the most tests first, which puts the act files (a few
# tests, minutes each) last; --no-loadscope-reorder keeps tests/conftest.py's order: them first.
# A fresh clone has no data/feedback (dvc add keeps it out of git); the tests copy and check
# the project as `make run` prepares it.
test: $(VENV)/.dev lint ## Create .venv with dev extras, lint, and run every test
	deploy/feedback_folder.sh
	$(PYTEST) -n 2 --dist loadfile --no-loadscope-reorder --durations=15

test-fast: $(VENV)/.dev ## The inner loop: every test but the slow tier (no act, no full repro)
	deploy/feedback_folder.sh
	$(PYTEST) -m "not slow" -q -n 2

lint: $(VENV)/.dev ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove .venv and caches (pipeline outputs stay: dvc checkout restores them)
	rm -rf $(VENV) .pytest_cache .ruff_cache src/*.egg-info
