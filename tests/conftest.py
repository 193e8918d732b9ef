"""Fixtures every test can take: `clock`, `database_url`, `db`, `messenger`, `make_core`;
and, from the stand-in plugins, `discord_standin_factory` and `slack_standin_factory`."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.ports import Messenger
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.migrate import upgrade
from tests.support.databases import (
    POSTGRES_URL_ENV,
    postgres_required,
    postgres_url,
    reset_postgres_schema,
    truncate_all,
    worker_postgres_url,
)
from tests.support.messenger import RecordingMessenger
from tests.support.web_browser import BROWSER_SKIP

# Plugins may only be registered here, in the root conftest.
pytest_plugins = [
    "tests.support.discord_standin.plugin",
    "tests.support.slack_standin.plugin",
]

POSTGRES_SKIP = f"PostgreSQL test needs {POSTGRES_URL_ENV} (run .ci/run, or see README)"


@pytest.fixture
def clock() -> SimulatedClock:
    """Friday 20 November 2026, 10:00 UTC: the next weekly prompt is Monday the 23rd."""
    return SimulatedClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """The PostgreSQL database of this run (of this xdist worker, when `-n` splits the run:
    each has its own database, see `worker_postgres_url`), migrated from nothing."""
    url = postgres_url()
    if url is not None:
        url = worker_postgres_url(url, os.environ.get("PYTEST_XDIST_WORKER", ""))
        reset_postgres_schema(url)
    yield url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `sqlite_only` (long simulations of time: a school year, a year of clock
    changes; a digest's language analysis or an LLM stand-in's failures) run on SQLite
    alone. Their SQL is the same as that of the shorter tests beside them, which run on
    both; on PostgreSQL they would only add minutes to every CI run."""
    items[:] = [
        item
        for item in items
        if not (
            item.get_closest_marker("sqlite_only")
            and getattr(getattr(item, "callspec", None), "params", {}).get("database_url")
            == "postgres"
        )
    ]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
) -> str:
    """A migrated, empty database: a real SQLite file, or the real PostgreSQL server."""
    if request.param == "sqlite":
        path = tmp_path / "pln-bot.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    postgres_database: str | None = request.getfixturevalue("postgres_database")
    if postgres_database is None:
        if postgres_required():
            pytest.fail(POSTGRES_SKIP)
        pytest.skip(POSTGRES_SKIP)
    return postgres_database


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    if database.dialect == "postgresql":
        await truncate_all(database)
    yield database
    await database.dispose()


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def config() -> CoreConfig:
    return CoreConfig(moderators=frozenset({"console:mod"}))


@pytest.fixture
def make_core(db: Database, clock: SimulatedClock, config: CoreConfig) -> Callable[..., PlnCore]:
    """A core on the test's database; a second call is a second process on the same data."""

    def make(messenger: Messenger, *, database: Database | None = None) -> PlnCore:
        return PlnCore(database or db, clock, messenger, config)

    return make


@pytest.fixture
def core(make_core: Callable[..., PlnCore], messenger: RecordingMessenger) -> PlnCore:
    return make_core(messenger)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # counted from the reports, which xdist workers send to the main process too
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if POSTGRES_SKIP in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} PostgreSQL tests SKIPPED: set {POSTGRES_URL_ENV} "
            "or run `bash .ci/run` to test against a real server",
            red=True,
            bold=True,
        )
    browser_skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if BROWSER_SKIP in str(getattr(report, "longrepr", ""))
    ]
    if browser_skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(browser_skipped)} browser tests SKIPPED: no /usr/bin/chromium "
            "(apt-get install chromium, or run `bash .ci/run`)",
            red=True,
            bold=True,
        )
