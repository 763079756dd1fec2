# Quick start: `make demo` (install, demo data on SQLite, serve on PORT, default 5000) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
JINGSAI := APP_ENV=development $(VENV)/bin/jingsai
PORT ?= 5000

.PHONY: install translations demo serve test test-postgres messages screenshots bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

# .po files are committed; the compiled .mo files are built here, at install.
translations: install
	$(VENV)/bin/pybabel compile -d app/translations

# .env makes `.venv/bin/jingsai` in this checkout a development one, as the README's examples expect.
demo: translations .env
	$(JINGSAI) db upgrade
	$(JINGSAI) demo --if-absent
	@echo "Jingsai: open http://127.0.0.1:$(PORT)/ and log in as organizer / jingsai-demo (more accounts in README.md)"
	@# The task queue's worker (bulk certificates) runs beside the web server and stops with it.
	$(JINGSAI) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(JINGSAI) run --host 127.0.0.1 --port $(PORT)

.env:
	echo "APP_ENV=development" > $@

# Both cores by default (TEST_WORKERS=0 runs in one process): a module's tests stay on one worker.
TEST_WORKERS ?= 2
test: translations
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile

test-postgres: translations
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(VENV)/bin/pytest -q -m "not browser"

# After adding or changing user-facing text: refresh the catalogue, then translate the new entries.
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k msg -k problem:2 -k refuse -k Refusal -k exact_number -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

screenshots: translations
	$(PY) docs/screenshots/take.py

bench: install
	$(VENV)/bin/python benchmarks/results_scale.py
	$(VENV)/bin/python benchmarks/tablet_sync.py
	$(VENV)/bin/python benchmarks/certificates_bulk.py
	$(VENV)/bin/python benchmarks/certificates_queue.py
	$(VENV)/bin/python benchmarks/scale.py
	$(VENV)/bin/python benchmarks/release_burst.py
