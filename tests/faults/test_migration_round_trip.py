"""Alembic upgrade to head, downgrade to base, upgrade to head again, on SQLite and on
PostgreSQL: every migration can be undone and redone, and the schema ends as the models say.

PostgreSQL runs on a scratch database of its own, since base drops every table."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database
from bot.store.migrate import alembic_config, upgrade
from bot.store.schema import metadata


async def _tables_and_differences(url: str) -> tuple[set[str], list[object]]:
    database = Database(url)

    def read(sync_connection: object) -> tuple[set[str], list[object]]:
        context = MigrationContext.configure(sync_connection)  # type: ignore[arg-type]
        tables = set(inspect(sync_connection).get_table_names())  # type: ignore[union-attr]
        return tables, list(compare_metadata(context, metadata))

    try:
        async with database.engine.connect() as connection:
            assert isinstance(connection, AsyncConnection)
            return await connection.run_sync(read)
    finally:
        await database.dispose()


async def test_upgrade_downgrade_to_base_and_upgrade_again(fresh_database_url: str) -> None:
    url = fresh_database_url
    await asyncio.to_thread(upgrade, url)
    head_tables, _ = await _tables_and_differences(url)
    assert {"community", "member", "delivery", "answer"} <= head_tables

    await asyncio.to_thread(command.downgrade, alembic_config(url), "base")
    base_tables, _ = await _tables_and_differences(url)
    assert base_tables <= {"alembic_version"}

    await asyncio.to_thread(upgrade, url)
    tables, differences = await _tables_and_differences(url)
    assert tables == head_tables
    assert differences == []
