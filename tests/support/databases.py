"""Real databases for tests: a migrated SQLite file per test, and a real PostgreSQL server.

PostgreSQL comes from PLN_TEST_POSTGRES_URL (`.ci/run` starts one). Without it those tests
skip, loudly; with PLN_REQUIRE_POSTGRES=1 (set by CI) a missing server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import re

from sqlalchemy import make_url, text

from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.models import Base

POSTGRES_URL_ENV = "PLN_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "PLN_REQUIRE_POSTGRES"


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


def postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES_ENV, "") not in ("", "0", "false")


def worker_postgres_url(url: str, worker: str) -> str:
    """The database of one pytest-xdist worker ("gw0", "gw1"): `<name>_gw0` on the same
    server, created on first use (the test role has CREATEDB), so workers running at once
    never truncate each other's tables. Without xdist (worker "master") `url` itself."""
    if not re.fullmatch(r"gw\d+", worker):
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"

    async def create() -> None:
        server = Database(url)
        async with server.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            found = await autocommit.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if found.scalar() is None:
                await autocommit.execute(text(f'CREATE DATABASE "{name}"'))
        await server.dispose()

    asyncio.run(create())
    return base.set(database=name).render_as_string(hide_password=False)


def reset_postgres_schema(url: str) -> None:
    """Drop everything, then migrate from nothing: every run proves the migrations work."""

    async def drop() -> None:
        db = Database(url)
        async with db.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await db.dispose()

    asyncio.run(drop())
    upgrade(url)


async def truncate_all(db: Database) -> None:
    """Empty every table and restart every sequence, as `TRUNCATE ... RESTART IDENTITY` would.

    DELETE, children first, in one round trip: a test leaves a few rows, and TRUNCATE of 25
    tables (new files for each table and index) took 0.3-0.4 s, before every PostgreSQL test.
    """
    deletes = "".join(
        f'DELETE FROM "{table.name}"; ' for table in reversed(Base.metadata.sorted_tables)
    )
    restart = (
        "FOR s IN SELECT schemaname, sequencename FROM pg_sequences "
        "WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP "
        "EXECUTE format('ALTER SEQUENCE %I.%I RESTART', s.schemaname, s.sequencename); "
        "END LOOP;"
    )
    async with db.engine.begin() as connection:
        await connection.execute(text(f"DO $$ DECLARE s record; BEGIN {deletes}{restart} END $$"))
