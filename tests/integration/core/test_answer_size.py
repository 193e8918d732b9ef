"""An answer's size is capped, and adding to it costs the same however long it is.

Later messages in a prompt's window append parts to one answer. Without a cap one member
could grow an answer without end (and everyone's digest reads the community's answers);
and an append that re-reads every earlier part gets slower with each part. Real SQLite and
PostgreSQL (the `db` fixture). Statements are counted on the engine, never timed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.reflections import MAX_ANSWER_CHARS, MAX_MESSAGE_CHARS
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.models import Answer, AnswerPart
from tests.support.actors import member

ALICE = member("alice")


async def joined_and_prompted(core: PlnCore) -> None:
    await core.handle_command(ALICE, "join")
    await Runner(core).advance(timedelta(days=7))  # the weekly prompt arrives


async def stored(core: PlnCore) -> tuple[int, int, int]:
    """(answers, parts, characters) in the store."""

    async def read(session: AsyncSession) -> tuple[int, int, int]:
        answers = await session.scalar(select(func.count()).select_from(Answer))
        parts = await session.scalar(select(func.count()).select_from(AnswerPart))
        chars = await session.scalar(
            select(func.coalesce(func.sum(func.length(AnswerPart.text)), 0))
        )
        return int(answers or 0), int(parts or 0), int(chars or 0)

    return await core.db.run(read)


async def say(core: PlnCore, text: str) -> str:
    (reply,) = await core.handle_message(ALICE, text)
    return reply.text


async def test_an_addition_beyond_the_cap_is_refused_and_the_answer_stays_as_it_was(
    core: PlnCore,
) -> None:
    await joined_and_prompted(core)
    full = MAX_ANSWER_CHARS // MAX_MESSAGE_CHARS  # whole messages that fit
    for number in range(full):
        await say(core, chr(ord("a") + number) * MAX_MESSAGE_CHARS)
    before = await stored(core)
    assert before == (1, full, full * MAX_MESSAGE_CHARS)

    room = MAX_ANSWER_CHARS - full * MAX_MESSAGE_CHARS
    refused = await say(core, "z" * (room + 1))
    assert "not saved" in refused and f"{MAX_ANSWER_CHARS:,}" in refused
    assert f"{room + 1:,} characters" in refused, "the member is told the size of what was refused"
    assert await stored(core) == before, "nothing of it was stored, nothing earlier lost"

    if room:  # an addition that fits exactly is still kept
        assert (await say(core, "y" * room)).startswith("Added to your answer")
        assert await stored(core) == (1, full + 1, MAX_ANSWER_CHARS)
    assert "not saved" in await say(core, "one more word")
    assert (await stored(core))[2] == MAX_ANSWER_CHARS


@dataclass
class Tally:
    statements: int = 0
    parts_loaded: int = 0


@contextmanager
def tallied(core: PlnCore) -> Iterator[Tally]:
    """Counts SQL statements on the core's engine and answer parts loaded into the ORM."""
    tally = Tally()
    engine = core.db.engine.sync_engine

    def on_statement(*_args: Any) -> None:
        tally.statements += 1

    def on_load(*_args: Any) -> None:
        tally.parts_loaded += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(AnswerPart, "load", on_load)
    try:
        yield tally
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(AnswerPart, "load", on_load)


async def test_each_of_200_additions_costs_the_same_few_statements_and_reads_no_earlier_part(
    core: PlnCore,
) -> None:
    await joined_and_prompted(core)
    assert (await say(core, "The first thought of a long answer.")).startswith("Saved")
    costs: list[tuple[int, int]] = []
    for number in range(200):
        with tallied(core) as tally:
            reply = await say(core, f"Addition {number}: one more sentence about the week.")
        assert reply.startswith("Added to your answer"), reply
        costs.append((tally.statements, tally.parts_loaded))

    assert {loaded for _, loaded in costs} == {0}, "an addition never reads the earlier parts"
    statements = {count for count, _ in costs}
    assert len(statements) == 1, f"the same statements for the 2nd and the 201st part: {costs}"
    assert await stored(core) == (1, 201, (await stored(core))[2])
