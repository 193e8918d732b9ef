"""The snapshot that several slow tests start from (tests/support/snapshots.py) gives back
exactly what was built: every row, and the ids that come next.

On a real SQLite file and the real PostgreSQL server (the `db` fixture).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.models import Answer, Base
from tests.support.actors import member
from tests.support.databases import truncate_all
from tests.support.snapshots import restore, take

ALICE, BOB = member("alice"), member("bob")


async def empty(db: Database) -> None:
    if db.dialect == "postgresql":
        await truncate_all(db)  # restarts the sequences too
        return
    async with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))


async def test_a_restored_snapshot_holds_every_row_and_the_next_ids(
    core: PlnCore, db: Database, clock: SimulatedClock
) -> None:
    for actor in (ALICE, BOB):
        await core.handle_command(actor, "join")
    await Runner(core).advance(timedelta(days=7))
    await core.handle_message(ALICE, "The trolleys are labelled at last.")
    await core.handle_message(BOB, "Inventory done.")
    built = await take(db, clock.now())
    assert dict(built.rows)["answer"], "the snapshot holds the answers"

    await empty(db)
    await restore(db, built)

    assert await take(db, clock.now()) == built
    await Runner(core).advance(timedelta(days=7))
    await core.handle_message(ALICE, "A new week's answer.")
    ids = list(await db.run(lambda s: s.scalars(select(Answer.id).order_by(Answer.id))))
    assert ids == sorted(set(ids)) and len(ids) == 3, "new rows take the next ids"
