# The two commands: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local
# pytest-xdist: two workers; the browser tests share one of them (tests/conftest.py).
# A serial run: make pytest PYTEST_ARGS="-n 0"
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: run test install keys migrate seed static lint typecheck pytest messages clean bench

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

keys: install
	@mkdir -p var
	$(PY) -m config.devkeys

migrate: keys
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

static: keys
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: seed static
	$(PY) manage.py show_demo_accounts
	$(VENV)/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore='.venv/*' --ignore='static/vendor/*'
	$(PY) -m config.compilemessages

# The benchmark (bench/README.md): city-scale data into PostgreSQL once, then gunicorn
# driven by wrk over loopback. BENCH_NATIONAL_URL, if set, adds the 10-million-case ledger.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sifasuo_bench
BENCH_NATIONAL_URL ?=
BENCH_DURATION ?= 30

bench: static
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput --verbosity 0
	$(PY) -m bench.generate --scale city --database-url $(BENCH_DATABASE_URL)
	$(PY) -m bench.run --database-url $(BENCH_DATABASE_URL) --duration $(BENCH_DURATION) \
		$(if $(BENCH_NATIONAL_URL),--national-url $(BENCH_NATIONAL_URL))

clean:
	rm -rf $(VENV) var
