"""Alembic owns the schema: migrations build it from nothing and match the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database
from bot.store.migrate import alembic_config, upgrade
from bot.store.schema import metadata


def test_upgrade_builds_every_table_on_a_fresh_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "pln.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert {
        "community",
        "member",
        "schedule",
        "delivery",
        "answer",
        "answer_part",
        "free_note",
    } <= tables
    assert mode == "wal"


def test_downgrade_then_upgrade_round_trips(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pln.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    upgrade(url)


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    database = Database(database_url)

    def differences(sync_connection: object) -> list[object]:
        context = MigrationContext.configure(sync_connection)  # type: ignore[arg-type]
        return list(compare_metadata(context, metadata))

    try:
        async with database.engine.connect() as connection:
            assert isinstance(connection, AsyncConnection)
            diff = await connection.run_sync(differences)
    finally:
        await database.dispose()
    assert diff == []
