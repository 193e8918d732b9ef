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


def test_0007_numbers_what_each_person_wrote_oldest_first(tmp_path: Path) -> None:
    """Answers and notes written before per-person numbers get them: one sequence per
    person (linked identities together), oldest first."""
    path = tmp_path / "pln.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "0006")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO community (id, platform, external_id, name, created_at, delivery_mode,"
            " track, llm_summaries) VALUES (1, 'console', 'local', '', '2026-01-01', 'dm',"
            " 'all', 0)"
        )
        for member_id, user, person in ((1, "alice", 1), (2, "alice-2", 1), (3, "bob", None)):
            db.execute(
                "INSERT INTO member (id, community_id, platform, platform_user_id, display_name,"
                " joined_at, active, person_id, digest_cadence) VALUES"
                " (?, 1, 'console', ?, '', '2026-01-01', 1, ?, 'monthly')",
                (member_id, user, person),
            )
        db.execute(
            "INSERT INTO schedule (id, community_id, kind, active, created_at)"
            " VALUES (1, 1, 'weekly_prompt', 1, '2026-01-01')"
        )
        for delivery_id, member_id, day in ((1, 1, "05"), (2, 3, "05"), (3, 2, "12")):
            db.execute(
                "INSERT INTO delivery (id, schedule_id, member_id, due_local_date, due_at,"
                " prompt_id, prompt_text, status, claimed_at, attempts) VALUES"
                f" (?, 1, ?, '2026-01-{day}', '2026-01-{day}', 'p', 'q', 'sent',"
                f" '2026-01-{day}', 0)",
                (delivery_id, member_id),
            )
            db.execute(
                "INSERT INTO answer (id, delivery_id, member_id, created_at, updated_at)"
                f" VALUES (?, ?, ?, '2026-01-{day} 10:00', '2026-01-{day}')",
                (delivery_id, delivery_id, member_id),
            )
        db.execute(
            "INSERT INTO free_note (id, member_id, text, created_at)"
            " VALUES (1, 1, 'a note', '2026-01-08 10:00')"
        )
    upgrade(url)
    with sqlite3.connect(path) as db:
        answers = dict(db.execute("SELECT id, number FROM answer").fetchall())
        notes = dict(db.execute("SELECT id, number FROM free_note").fetchall())
        every_weeks = {row[0] for row in db.execute("SELECT every_weeks FROM member")}
    assert answers == {1: 1, 2: 1, 3: 3} and notes == {1: 2}
    assert every_weeks == {1}
