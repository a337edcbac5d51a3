# Two commands for a fresh machine:
#   make demo   set up .venv, replay a bundled fight, say where the results are
#   make test   set up .venv if needed, run the whole test suite (headless GL); what CI runs
# and, for the edit loop:
#   make check  the quick tests only (not marked slow): under a minute on 2 cores
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PREVIS := $(VENV)/bin/previs
# Headless: pygame opens a real OpenGL context on Mesa llvmpipe without a screen.
HEADLESS := SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
DEMO_LEVEL ?= levels/corridor.tmx
DEMO_OUT   ?= out/corridor

.PHONY: demo test check venv bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "previs needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,rehearsal]'
	@touch $@

demo: venv
	$(PREVIS) check levels/*.tmx
	$(HEADLESS) $(PREVIS) replay $(DEMO_LEVEL) -o $(DEMO_OUT)
	@echo
	@echo "Results are in $(DEMO_OUT)/ : open $(DEMO_OUT)/report.html in a browser;"
	@echo "shotplan.otio / .xml / .edl go to your editor, camera.usda / .nk / .chan to your 3D tool,"
	@echo "shotlist.csv to the assistant director."
	@echo "Walk the fight yourself:   $(PREVIS) walk $(DEMO_LEVEL)"
	@echo "Watch it as a film:        $(PREVIS) render $(DEMO_LEVEL) -o $(DEMO_OUT)/animatic.mp4"

test: venv
	$(HEADLESS) $(PY) -m pytest -n 2 -q

# Skips the tests marked slow (full renders, subprocesses, fuzzing, whole-level replays);
# `make test` still runs everything before a commit.
check: venv
	$(HEADLESS) $(PY) -m pytest -n 2 -q -m "not slow"

bench: venv
	$(HEADLESS) $(PY) benchmarks/replay.py

clean:
	rm -rf out takes .pytest_cache
