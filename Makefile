# Daily tasks. `make run` and `make test` are the two set-up commands of the README:
# each creates the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## the bot on the console adapter, SQLite at ./data/pln-bot.db
	$(BIN)/pln-bot run --adapter console $(ARGS)

# one pytest-xdist worker per core (each with its own PostgreSQL database); TEST_WORKERS=0
# runs the suite in one process
TEST_WORKERS ?= auto

# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE=1):
# each worker collects every test module and the e2e and fault tests start dozens of bot
# processes; without a cache each of them compiles bot/ and the tests from source again.
test: $(STAMP)  ## the whole test suite (PostgreSQL tests skip loudly without PLN_TEST_POSTGRES_URL)
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

typecheck: $(STAMP)
	$(BIN)/mypy bot

check: lint typecheck test

bench: $(STAMP)  ## figures for the README
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/digest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
