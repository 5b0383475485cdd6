# The two commands: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local
# pytest-xdist: two workers; the browser tests share one of them (tests/conftest.py).
# A serial run: make pytest PYTEST_ARGS="-n 0"
PYTEST_ARGS ?= -n 2 --dist loadgroup

# The CI gates of SECURITY.md check 48, also run by `make lint`. bandit: no finding of medium
# or high severity in the app's code. pip-audit (.ci/pip_audit_gate.py): no known vulnerability
# in any installed package; packages it could not look up (the vulnerability service
# unreachable) are reported as NOT audited, and fail the gate with PIP_AUDIT_REQUIRED=1.
BANDIT := $(VENV)/bin/bandit -c pyproject.toml -ll -q -r sifasuo config

.PHONY: run test install keys migrate seed static lint bandit pip-audit typecheck pytest messages \
	clean bench fault

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
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
	$(BANDIT)
	@$(MAKE) --no-print-directory pip-audit

bandit: install
	$(BANDIT)

pip-audit: install
	VENV=$(VENV) $(PY) .ci/pip_audit_gate.py

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

# The fault test (bench/fault.py, SECURITY.md check 44): a private PostgreSQL cluster on
# 127.0.0.1:5439 (initdb as the postgres OS user; never the machine's cluster), gunicorn
# under load, the app's backends terminated and PostgreSQL restarted mid-run. Needs root.
FAULT_ARGS ?=

fault: static
	$(PY) -m bench.fault $(FAULT_ARGS)

clean:
	rm -rf $(VENV) var
