"""Each answer is analysed once and its analysis kept (bot/core/digest_analyses.py), and a
kept analysis is used only while it still matches the answer.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture);
time moves only through the simulated clock. The answers are a coordinator's own words.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.context import Context
from bot.core.digest_analyses import complete
from bot.core.digest_requests import DigestRequest, gather_period
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store import analyses
from bot.store.analysis_models import AnswerAnalysis
from bot.store.database import Database
from bot.store.models import Answer
from tests.support.actors import member

ALICE = member("alice")
BOB = member("bob")
# console:mod is a moderator in the `config` fixture
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")

ALICE_WEEKS = [
    "The visualiser rota in the science block finally works. Technicians book the "
    "visualisers a day ahead and nobody queues at the prep room door any more.",
    "Two heads of department asked to join the visualiser rota for their mock exams. "
    "I will ask the technician to add a second trolley before half term.",
    "The visualiser rota survived parents' evening week. Next step is a one page guide "
    "for supply teachers, who still carry their own cables around.",
]


async def answered_weeks(core: PlnCore) -> list[str]:
    """alice answers three weekly prompts; the message refs of her answers. (No monthly
    digest DM: each test says when a digest is made.)"""
    for actor in (ALICE, BOB, MODERATOR):
        await core.handle_command(actor, "join")
        await core.handle_command(actor, "digest schedule off")
    runner = Runner(core)
    refs = []
    for week, text in enumerate(ALICE_WEEKS):
        await runner.advance(timedelta(days=7))
        refs.append(f"alice-week-{week}")
        await core.handle_message(ALICE, text, refs[-1])
    return refs


async def gathered(core: PlnCore, period: str = "all") -> DigestRequest:
    """What alice's `/pln digest <period>` reads, before any phrases are found."""

    async def read(ctx: Context) -> DigestRequest:
        return await gather_period(ctx, period)

    return await core._with_context(ALICE, read)


async def kept(db: Database) -> dict[int, str]:
    """answer id -> fingerprint of every kept analysis."""

    async def read(session: AsyncSession) -> dict[int, str]:
        rows = await session.execute(select(AnswerAnalysis.answer_id, AnswerAnalysis.fingerprint))
        return dict(rows.tuples().all())

    return await db.run(read)


def themes_of(text: str) -> str:
    return text.split("Themes", 1)[1].split("\n\n", 1)[0].casefold()


async def test_the_first_digest_keeps_each_answers_phrases_and_the_next_reads_them(
    core: PlnCore, db: Database
) -> None:
    await answered_weeks(core)
    assert len((await gathered(core)).unanalysed) == 3, "nothing analysed before the digest"

    (digest,) = await core.handle_command(ALICE, "digest all")

    assert len(await kept(db)) == 3
    gathered_request = await gathered(core)
    assert gathered_request.unanalysed == ()
    assert all(r.analysis for r in gathered_request.source.reflections)
    (again,) = await core.handle_command(ALICE, "digest all")
    assert themes_of(again.text) == themes_of(digest.text)
    assert "visualiser rota" in themes_of(digest.text)


async def test_an_answer_edited_at_the_same_moment_is_analysed_again(
    core: PlnCore, db: Database
) -> None:
    """The fingerprint of the text, not a timestamp, tells a kept analysis is stale: an
    edit in the same second (the clock does not move here) still counts."""
    refs = await answered_weeks(core)
    (before,) = await core.handle_command(ALICE, "digest all")
    assert "visualiser rota" in themes_of(before.text)

    for ref, text in zip(refs, ALICE_WEEKS, strict=True):
        edited = text.replace("visualiser rota", "laptop trolley rota").replace(
            "visualisers", "laptops"
        )
        await core.handle_message_edit(ALICE, ref, edited)

    request = await gathered(core)
    assert sorted(item.index for item in request.unanalysed if item.own) == [0, 1, 2]
    (after,) = await core.handle_command(ALICE, "digest all")
    assert "laptop trolley rota" in themes_of(after.text)
    assert "visualiser" not in themes_of(after.text)
    texts = [r.text for r in (await gathered(core)).source.reflections]
    assert sorted((await kept(db)).values()) == sorted(analyses.fingerprint(t) for t in texts)


async def test_an_earlier_answer_edited_later_is_analysed_again_as_background(
    core: PlnCore, db: Database, clock: SimulatedClock
) -> None:
    """Background answers are checked by the answer's `updated_at` (their text is not read
    when their phrases are kept): an edit moves it, so the next digest analyses it again."""
    refs = await answered_weeks(core)
    await core.handle_command(ALICE, "digest all")  # keeps the phrases of all three
    clock.advance(timedelta(hours=1))  # her first two answers are now over a week old
    week = await gathered(core, "week")
    assert week.unanalysed == ()
    first, second = week.source.background
    assert isinstance(first, frozenset) and "visualiser rota" in first

    edited = ALICE_WEEKS[0].replace("visualiser rota", "laptop trolley rota")
    await core.handle_message_edit(ALICE, refs[0], edited)

    request = await gathered(core, "week")
    assert [(item.own, item.index) for item in request.unanalysed] == [(False, 0)]
    completed = await complete(db, request)
    keys = completed.source.background[0]
    assert isinstance(keys, frozenset)
    assert "laptop trolley rota" in keys and "visualiser rota" not in keys
    assert completed.source.background[1] == second
    assert (await gathered(core, "week")).unanalysed == (), "the fresh analysis was kept"


async def test_a_new_analyser_version_analyses_every_answer_again(
    core: PlnCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answered_weeks(core)
    await core.handle_command(ALICE, "digest all")
    assert (await gathered(core)).unanalysed == ()

    monkeypatch.setattr(analyses, "ANALYSER_VERSION", analyses.ANALYSER_VERSION + 1)

    assert len((await gathered(core)).unanalysed) == 3


async def test_a_deleted_answer_takes_its_kept_phrases_with_it(core: PlnCore, db: Database) -> None:
    refs = await answered_weeks(core)
    await core.handle_command(ALICE, "digest all")
    assert len(await kept(db)) == 3

    await core.handle_message_delete(ALICE, refs[1])

    async def answers(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Answer)) or 0)

    assert await db.run(answers) == 2
    assert len(await kept(db)) == 2


async def test_a_digest_whose_analyses_cannot_be_kept_still_goes_out(
    core: PlnCore, db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Keeping analyses is a cache: when the database refuses the write, the member still
    gets the digest, the log names only the error's class, and the next digest analyses
    the answers again."""
    await answered_weeks(core)

    async def refuse(session: AsyncSession, fresh: object) -> None:
        raise OperationalError("INSERT INTO answer_analysis ...", {}, Exception("disk I/O"))

    monkeypatch.setattr(analyses, "keep", refuse)
    (digest,) = await core.handle_command(ALICE, "digest all")

    assert "visualiser rota" in themes_of(digest.text)
    assert await kept(db) == {}
    (line,) = [r.getMessage() for r in caplog.records if "answer analyses" in r.getMessage()]
    assert line == "could not keep 3 answer analyses: OperationalError"
    assert len((await gathered(core)).unanalysed) == 3
