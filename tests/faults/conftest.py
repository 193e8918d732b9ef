"""Fixtures for the fault tests: a fresh database per test, SQLite file or PostgreSQL.

The PostgreSQL database is a scratch one beside PLN_TEST_POSTGRES_URL's (see
`bot_fleet.scratch_postgres`): these tests kill connections and run several bot
processes, which must not touch the schema the other tests share.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.bot_fleet import scratch_postgres
from tests.support.databases import POSTGRES_URL_ENV, postgres_required, postgres_url


def scratch_suffix() -> str:
    """`fault`, and the pytest-xdist worker's id ("fault_gw1") when `-n` splits the run: two
    workers' fault tests at once must not drop each other's scratch database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"fault_{worker}" if worker else "fault"


def postgres_base_url() -> str:
    """The server's URL, or a skip (a failure where CI requires PostgreSQL)."""
    url = postgres_url()
    if url is None:
        message = f"PostgreSQL fault test needs {POSTGRES_URL_ENV} (run .ci/run, or see README)"
        if postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
async def postgres_scratch_url() -> AsyncIterator[str]:
    async with scratch_postgres(postgres_base_url(), scratch_suffix()) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the test's own; the test migrates it."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}"
        return
    async with scratch_postgres(postgres_base_url(), scratch_suffix()) as url:
        yield url
