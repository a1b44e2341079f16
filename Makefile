# PyTorch Nyumon: `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Jupyter refuses to run as root without this flag (containers, CI, Colab-like VMs).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Two workers: notebooks and unit tests share the machine's cores. One thread per worker:
# the course's small models run several times slower when two workers' threads compete.
JOBS   ?= 2

.PHONY: lab reset check prose test book colab floor bench build assignments format clean-venv classroom classroom-setup classroom-load

# Where the first `make lab` takes PyTorch from (tools/lab_install.py): auto = PyTorch's CPU
# wheel index on a machine without an NVIDIA GPU, else PyPI; off = PyPI only; cuda = PyPI (its
# Linux builds are the CUDA ones); or an index URL. An NYUMON_TORCH_INDEX in the environment
# wins. The test paths (check, test, book, …) never use PyTorch's index: they install with off.
TORCH_INDEX ?= auto
INSTALL := $(BIN)/python -m tools.lab_install

$(BIN)/python:
	@$(PYTHON) tools/lab_install.py --announce-venv
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	NYUMON_TORCH_INDEX="$${NYUMON_TORCH_INDEX:-$(TORCH_INDEX)}" $(INSTALL) ".[lab]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	NYUMON_TORCH_INDEX=off $(INSTALL) ".[lab,test,nbgrader,book]"
	touch $@ $(VENV)/.installed-lab $(VENV)/.installed-book

$(VENV)/.installed-book: pyproject.toml | $(BIN)/python
	NYUMON_TORCH_INDEX=off $(INSTALL) ".[lab,book]"
	touch $@ $(VENV)/.installed-lab

# MathJax and axe-core for the web book: the versions of book/package-lock.json.
book/node_modules/.package-lock.json: book/package-lock.json
	cd book && npm ci --no-audit --no-fund --loglevel=error

# `make lab LANG=ja` (or LANG=en) asks for that JupyterLab language whatever the system's is.
LAB_LANG := $(if $(filter command line,$(origin LANG)),NYUMON_LAB_LANG="$(LANG)",)

## lab: start JupyterLab on 127.0.0.1 with a token, opened on the course. Sets up git's view of
## the course notebooks first (tools/nbstrip.py): outputs stay in the files, not in git.
lab: $(VENV)/.installed-lab
	@$(BIN)/python tools/nbstrip.py --install
	$(LAB_LANG) JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter_config" $(BIN)/jupyter lab $(AS_ROOT)

## reset: put a chapter back as shipped, keeping yours in my-notes/: `make reset CHAPTER=03`.
reset: $(VENV)/.installed-lab
	$(BIN)/python -m tools.reset $(CHAPTER)

## classroom: JupyterHub for a class on this machine (as root; see classroom/README.md). Sets up
## what is missing (course runtime, proxy, secrets), prints the hub URL and a link per chapter,
## then runs the hub until Ctrl-C.
classroom: $(VENV)/.installed-lab
	$(BIN)/python -m classroom start

## classroom-setup: only the set-up part of `make classroom` (CI runs it before the tests).
classroom-setup: $(VENV)/.installed-lab
	$(BIN)/python -m classroom setup

## classroom-load: a simulated class on a throwaway hub, with its report (as root; loopback
## only; NYUMON_LOAD_STUDENTS students, default 6). See classroom/README.md, "Sizing".
classroom-load: $(VENV)/.installed-test
	$(BIN)/python -m classroom setup
	$(BIN)/python -m bench bench_classroom_load

## check: the edit loop (about a minute): generated files current, prose (make prose), lint,
## types, and the tests that need no server, browser, hub or notebook run (tests/widgets,
## tests/course, tests/tooling and the chapter checks). `make test` stays the whole gate.
CHECK_SKIP := --ignore=tests/servers --ignore=tests/browser --ignore=tests/classroom \
	--ignore=tests/portability
check: $(VENV)/.installed-test
	$(BIN)/python -m tools.build --check
	$(BIN)/python -m tools.prose
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -m "not notebooks" \
		$(CHECK_SKIP) tests

## prose: the prose checks (prose/README.md): textlint on the Japanese (npm ci in prose/ on first
## use), codespell on the English.
prose: $(VENV)/.installed-test
	$(BIN)/python -m tools.prose

## book: the web book in build/book (book/README.md): both languages, from the notebooks `make test`
## executed (test-output/executed), executing through a cache those it lacks. `make book
## SOLUTIONS=1` publishes the solutions too; `make book HUB=https://hub.example.org` adds
## "Open in JupyterLab" buttons (nbgitpuller links to that hub).
BOOK_ENV = NYUMON_BOOK_SOLUTIONS=$(if $(filter 1,$(SOLUTIONS)),1,0) NYUMON_BOOK_HUB="$(HUB)"
book: $(VENV)/.installed-book book/node_modules/.package-lock.json
	$(BOOK_ENV) $(BIN)/python -m tools.book

## test: prose, lint, types, unit tests, every notebook (nbval, keeping what it ran for the book),
## the servers, browser and classroom tests, the web book and its check in Chromium, then the
## widget tests again under ipywidgets 7.7.1 (what Colab ships).
test: $(VENV)/.installed-test book/node_modules/.package-lock.json
	$(BIN)/python -m tools.build --check
	$(BIN)/python -m tools.prose
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	rm -rf test-output/executed
	NYUMON_EXECUTED_DIR=test-output/executed OMP_NUM_THREADS=1 $(BIN)/python -m pytest \
		-n $(JOBS) --dist loadfile -p tests.support.timing -m "not book" \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=180 \
		tests chapters solutions
	$(BOOK_ENV) $(BIN)/python -m tools.book --executed test-output/executed
	$(BOOK_ENV) $(BIN)/python -m pytest -p no:xdist -m book tests/browser/test_book.py
	$(BIN)/python -m tools.ipywidgets7_run

## colab: run the course as on Google Colab: Colab's Python and packages, read from its published
## pip freeze (../shared/reference/), every Japanese chapter through its own install cell and every
## English solution. `make colab COLAB_ARGS="--python 3.12"`: Colab's fallback runtime.
colab: $(VENV)/.installed-test
	$(BIN)/python -m tools.colab_run $(COLAB_ARGS)

## floor: the English solutions and the widget tests on the oldest versions the course supports
## ([tool.nyumon.floor] in pyproject.toml), in their own venv.
floor: $(VENV)/.installed-test
	$(BIN)/python -m tools.floor_run $(FLOOR_ARGS)

## bench: print the performance table (figures, never pass/fail).
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

## build: regenerate notebooks, the README chapter table and the nbgrader course from chapters/src.
build: $(VENV)/.installed-test
	$(BIN)/python -m tools.build
	$(BIN)/python -m tools.assignments

## assignments: regenerate only the nbgrader course (classroom/nbgrader/source).
assignments: $(VENV)/.installed-test
	$(BIN)/python -m tools.assignments

## format: apply ruff's formatter and safe fixes.
format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-venv:
	rm -rf $(VENV)
