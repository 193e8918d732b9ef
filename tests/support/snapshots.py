"""An expensive database state built once per test process, then copied into each test's
own database: the test still starts on a fresh database of its own, holding the same rows.

A simulated term of answers runs the real core through thirteen weeks of the simulated
clock, seconds of work each time; a dozen digest tests need the very same term. The first
test (in each pytest-xdist worker, on each kind of database) builds it through the core as
before; `take` then copies every row (and where the ids would go next), and the others get
those rows back with `restore` and the clock set to the moment the term ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.clock import SimulatedClock
from bot.store.database import Database
from bot.store.models import Base


@dataclass(frozen=True)
class Snapshot:
    """Every table's rows (parents first) and each id sequence's position, at `now`."""

    rows: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    sequences: tuple[tuple[str, int | None], ...]
    now: datetime


_BUILT: dict[Hashable, Snapshot] = {}


async def _sequences(connection: AsyncConnection) -> tuple[tuple[str, int | None], ...]:
    """PostgreSQL's sequences (where the next id comes from); SQLite's `sqlite_sequence`
    rows where a table has AUTOINCREMENT (else its next id is simply the largest plus one)."""
    if connection.dialect.name == "postgresql":
        found = await connection.execute(
            text(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = current_schema() ORDER BY sequencename"
            )
        )
        return tuple((name, value) for name, value in found.tuples())
    exists = await connection.scalar(
        text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
    )
    if not exists:
        return ()
    found = await connection.execute(text("SELECT name, seq FROM sqlite_sequence ORDER BY name"))
    return tuple((name, seq) for name, seq in found.tuples())


async def take(db: Database, now: datetime) -> Snapshot:
    """Copy every row of `db` (and its sequences), as it is at `now`."""
    async with db.engine.connect() as connection:
        rows = []
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(select(table))
            rows.append((table.name, tuple(dict(row) for row in result.mappings())))
        sequences = await _sequences(connection)
    return Snapshot(tuple(rows), sequences, now)


async def restore(db: Database, snapshot: Snapshot) -> None:
    """Put the snapshot's rows into `db`, which must be empty (a test's fresh database)."""
    tables = Base.metadata.tables
    async with db.engine.begin() as connection:
        for name, _ in snapshot.rows:
            count = await connection.scalar(select(func.count()).select_from(tables[name]))
            assert count == 0, f"restore needs an empty database; {name} has {count} rows"
        for name, rows in snapshot.rows:
            if rows:
                await connection.execute(insert(tables[name]), list(rows))
        if connection.dialect.name == "postgresql":
            for sequence, value in snapshot.sequences:
                if value is not None:
                    await connection.execute(
                        text("SELECT setval(CAST(:name AS regclass), :value, true)"),
                        {"name": sequence, "value": value},
                    )
        elif snapshot.sequences:
            await connection.execute(text("DELETE FROM sqlite_sequence"))
            for table_name, seq in snapshot.sequences:
                await connection.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                    {"name": table_name, "seq": seq},
                )


async def built_once(
    key: Hashable, db: Database, clock: SimulatedClock, build: Callable[[], Awaitable[None]]
) -> None:
    """`build()` on `db` the first time `key` is asked for in this process (on this kind of
    database: the dialect is part of the key); after that, the rows it left, restored into
    `db`, and `clock` moved to when it finished. `key` must name everything `build` depends
    on (the clock's start time is added here)."""
    full_key = (db.dialect, clock.now(), key)
    snapshot = _BUILT.get(full_key)
    if snapshot is None:
        await build()
        _BUILT[full_key] = await take(db, clock.now())
        return
    await restore(db, snapshot)
    clock.set(snapshot.now)
