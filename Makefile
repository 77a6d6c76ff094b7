# The two set-up commands of the README are `make run` and `make test`; each installs
# what it needs first, from the lock file.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: install catalogs messages run worker test lint format bench prod clean screenshots

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Dependencies are installed with their bytecode compiled: a worker that compiles its
# modules from source at start (no .pyc, as with PYTHONDONTWRITEBYTECODE=1 or a read-only
# install) keeps the compiler's memory: 14 MiB more per worker with Redis, 2 to 3 without
# (docs/benchmarks.md, "Memory").
install: $(UV)
	$(UV) sync --locked --quiet --compile-bytecode

# The compiled catalogs (.mo) are committed beside their sources, so that any install
# of the code (`uv sync`, pip, a container build) answers in every language; a missing
# or stale one fails `check --deploy` (core/checks.py) and a test. Babel's pure-Python
# compiler builds them without GNU gettext, byte for byte the same each time.
## Compile locale/*/LC_MESSAGES/django.po into the .mo files (commit both)
catalogs: install
	$(VENV)/pybabel --quiet compile --domain django --directory locale

## Collect the translatable strings of the code into locale/ar (needs GNU gettext)
messages: install
	$(VENV)/python manage.py makemessages --locale ar --add-location file \
		--ignore '.venv/*' --ignore '.tools/*'
	$(MAKE) catalogs

## Run the service on the embedded default (SQLite) at http://127.0.0.1:8000, with the
## email worker beside it printing every message it sends (see docs/lifecycle.md)
run: install
	bin/dev

## Run only the background worker that sends email (production: one or more of these)
worker: install
	$(VENV)/python manage.py db_worker

## Lint, type-check, check migrations and run the whole test suite
test: install lint
	$(VENV)/python -m pytest

lint: install
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy accounts core config mfa pages conftest.py
	$(VENV)/lint-imports --no-cache
	$(VENV)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-$$(printf 'x%.0s' $$(seq 60)) SITE_URL=https://accounts.example.com \
		$(VENV)/python manage.py check --deploy --fail-level WARNING

## Retake the screenshots of the account pages in docs/screenshots/ (the browser tests
## take them on every run; this run keeps them). Needs Debian's chromium.
screenshots: install
	UPDATE_SCREENSHOTS=1 $(VENV)/python -m pytest pages/tests/test_browser.py pages/tests/test_browser_factors.py -q

format: install
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .

## Measure throughput and latency under gunicorn (see docs/benchmarks.md)
bench: install
	$(VENV)/python bench/run.py

## Run under gunicorn with the environment's settings (see README, "Production"): refuse
## a deployment that fails its checks, compile the service's bytecode, collect the static
## files (hashed, compressed) into STATIC_ROOT for WhiteNoise to serve, migrate, serve
prod: install
	$(VENV)/python manage.py check --deploy
	$(VENV)/python -m compileall -q accounts core config mfa pages
	$(VENV)/python manage.py collectstatic --noinput --verbosity 0
	$(VENV)/python manage.py migrate --noinput
	$(VENV)/gunicorn -c config/gunicorn.py

clean:
	rm -rf .venv .tools db.sqlite3* .test-db*
