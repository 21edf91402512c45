# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock.txt | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install run serve test test-fast lint browser-deps bench messages clean prod-check audit-deps

$(STAMP): requirements.lock.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate the SQLite default, load the small demo district once, serve.
run: install browser-deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --scale small --if-empty
	$(BIN)/python manage.py demo_accounts
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Chromium (Debian's) for the browser tests and CJK fonts for PDFs; best effort when not root.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium or a CJK font missing and cannot be installed here: browser and PDF tests will be skipped"; fi; fi

lint: install
	$(BIN)/ruff check .

## make test: install what tests need, then lint, migrations check and the whole suite.
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	# Test databases are created from the models (the line above proves they match the migrations):
	# replaying every migration cost each worker 30-120 s per pass (docs/decisions.md).
	# --dist loadfile: a file runs on one worker, so its module-scoped fixtures (the shared test tree,
	# the seeded demo of the seed and security suites) are built once, not once per worker.
	$(BIN)/pytest -n 2 --dist loadfile -q --nomigrations --durations=25 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 --dist loadfile -q --nomigrations -m "not browser" $(PYTEST_ARGS)

## Regenerate the per-app zh_Hans catalogues after adding strings (needs GNU gettext);
## translate the new entries, then run it again to compile the .mo files (committed).
APPS := core accounts orgs members bargaining congress innovation grassroots competitions honours training services welfare voice publicity reports portal
messages: install
	for app in $(APPS); do (cd gonghui/$$app && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans --no-obsolete --no-location); done
	for app in $(APPS); do msgfmt --check-format -o gonghui/$$app/locale/zh_Hans/LC_MESSAGES/django.mo gonghui/$$app/locale/zh_Hans/LC_MESSAGES/django.po; done

## make bench: benchmarks (see bench/README.md); district-scale data is generated, not committed.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## make prod-check: the production stack (gunicorn, Celery worker and beat) on this machine against
## the local PostgreSQL and Redis, a smoke test through it, then everything stopped (docs/deploy.md).
prod-check: install
	$(BIN)/python deploy/prod_check.py

## make audit-deps: known vulnerabilities in the pinned requirements (pip-audit; SECURITY.md).
audit-deps: install
	$(BIN)/python deploy/audit_deps.py

clean:
	rm -rf $(VENV) db.sqlite3* media staticfiles
