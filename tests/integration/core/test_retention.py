"""Retention: a community's old answers and notes are purged daily, and nothing else.

Real SQLite and PostgreSQL (the `db` fixture); time moves only on the simulated clock,
through `Runner.advance`. What members wrote is checked in the store, never printed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.reflections import REVISIT_DAY_OFFSET
from bot.core.retention import CONFIRM_ACTION, NOTICE, RetentionJob
from bot.core.runner import Runner
from bot.core.service import MODERATORS_ONLY, PlnCore
from bot.store.database import Database
from bot.store.models import (
    Answer,
    AnswerPart,
    AnswerShare,
    AuditEvent,
    Delivery,
    FreeNote,
    Member,
)
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger
from tests.support.snapshots import built_once

MOD = member("mod")  # a moderator (PLN_MODERATORS in the test config); not a member
ALICE = member("alice")
OLD_NOTE = "A note from before any prompt: budget worries."
OLD_ANSWER = "Our network refresh slipped because procurement took longer than planned."
NEW_ANSWER = "This week I shadowed the data manager and learnt how census returns work."
FIRST_PROMPT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LATER_PROMPT = FIRST_PROMPT + timedelta(weeks=4)  # Monday 21 December
BOB = member("bob")


@pytest.fixture
def config() -> CoreConfig:
    """Short settings (1 day) are allowed here, as an operator may with
    PLN_RETENTION_MIN_DAYS; the floor itself has its own test."""
    return CoreConfig(moderators=frozenset({"console:mod"}), retention_min_days=1)


async def confirmed(core: PlnCore, days: int) -> str:
    """The moderator sets `days` with the typed confirmation (the console's way)."""
    (reply,) = await core.handle_command(MOD, f"retention {days} confirm")
    assert "Done: nothing is purged before" in reply.text, reply.text
    return reply.text


async def advance_to(runner: Runner, clock: SimulatedClock, when: datetime) -> None:
    await runner.advance(when - clock.now())


async def texts(db: Database) -> set[str]:
    """Every stored answer part and note (to check in the store, never to print)."""

    async def read(session: AsyncSession) -> set[str]:
        parts = await session.scalars(select(AnswerPart.text))
        notes = await session.scalars(select(FreeNote.text))
        return {*parts, *notes}

    return await db.run(read)


async def audit(db: Database) -> list[AuditEvent]:
    return list(await db.run(lambda s: s.scalars(select(AuditEvent).order_by(AuditEvent.id))))


async def count(db: Database, model: type[Delivery] | type[Answer] | type[AnswerShare]) -> int:
    return int(await db.run(lambda s: s.scalar(select(func.count()).select_from(model))) or 0)


async def old_and_new_reflections(core: PlnCore, clock: SimulatedClock, runner: Runner) -> None:
    """A note on 20 Nov, an answer on 23 Nov, and an answer on 21 Dec."""
    await core.handle_command(ALICE, "join")
    await core.handle_message(ALICE, OLD_NOTE)  # no prompt yet: a free note
    await advance_to(runner, clock, FIRST_PROMPT + timedelta(minutes=5))
    await core.handle_message(ALICE, OLD_ANSWER)
    await advance_to(runner, clock, LATER_PROMPT + timedelta(minutes=5))
    await core.handle_message(ALICE, NEW_ANSWER)


async def old_and_new_reflections_once(core: PlnCore, clock: SimulatedClock) -> None:
    """`old_and_new_reflections` on an empty database, built through the core once per test
    process and database kind (and config), then copied into each test's own fresh database
    (tests/support/snapshots.py); nothing the tests check is sent while it is built."""

    async def build() -> None:
        await old_and_new_reflections(core, clock, Runner(core))

    await built_once(("old_and_new_reflections", core.config), core.db, clock, build)


async def share(core: PlnCore, answer_text: str) -> None:
    """Alice shares one of her answers in the PLN channel with `/pln share`."""

    async def find(session: AsyncSession) -> tuple[int, int]:
        part = (
            await session.scalars(select(AnswerPart).where(AnswerPart.text == answer_text))
        ).one()
        answer = await session.get(Answer, part.answer_id)
        assert answer is not None and answer.number is not None
        return part.answer_id, answer.number

    answer_id, number = await core.db.run(find)
    await core.handle_command(member("mod", channel_id="C-PLN"), "channel here")
    await core.handle_command(ALICE, f"share #{number}")  # her own number for it
    assert await core.db.run(
        lambda s: s.scalar(select(AnswerShare.id).where(AnswerShare.answer_id == answer_id))
    ), "shared"


async def test_old_answers_and_notes_are_purged_daily_and_recent_ones_kept(
    make_core: Callable[..., PlnCore], clock: SimulatedClock
) -> None:
    messenger = RecordingMessenger()  # also a ChannelMessenger: it records channel posts
    core = make_core(messenger)
    runner = Runner(core)
    await old_and_new_reflections_once(core, clock)
    await share(core, OLD_ANSWER)
    await share(core, NEW_ANSWER)
    old_post, new_post = (post.ref for post in messenger.visible_channel_posts())
    deliveries = await count(core.db, Delivery)

    reply = await confirmed(core, 36)  # on Mon 21 Dec, 09:05: in force from 28 Dec, 09:05
    assert "older than 36 days are deleted every day" in reply
    await runner.advance(NOTICE + timedelta(minutes=1))  # the first purge: cutoff 22 Nov, 09:05
    assert OLD_NOTE not in await texts(core.db)
    assert OLD_ANSWER in await texts(core.db), "23 November is not 36 days old yet"

    await advance_to(runner, clock, datetime(2026, 12, 31, 12, 0, tzinfo=UTC))
    assert await texts(core.db) == {NEW_ANSWER}
    assert messenger.deleted_refs == [old_post], "its channel post was taken down"
    assert [post.ref for post in messenger.visible_channel_posts()] == [new_post]
    assert await count(core.db, AnswerShare) == 1, "the recent share stays"
    assert await count(core.db, Delivery) >= deliveries, "deliveries stay: figures need them"

    events = await audit(core.db)
    assert [(e.kind, e.count) for e in events] == [("retention_purge", 1), ("retention_purge", 1)]
    assert all(e.community_id is not None for e in events)
    # the audit row holds a kind, a count and a time: no member's words
    columns = set(AuditEvent.__table__.columns.keys())
    assert columns == {"id", "community_id", "kind", "count", "happened_at"}


async def test_a_post_that_cannot_be_deleted_does_not_stop_the_purge(
    make_core: Callable[..., PlnCore], clock: SimulatedClock
) -> None:
    messenger = RecordingMessenger()
    core = make_core(messenger)
    runner = Runner(core)
    await old_and_new_reflections_once(core, clock)
    await share(core, OLD_ANSWER)
    messenger.fail_channel_deletes = 1  # the platform will not delete it
    await confirmed(core, 7)
    await runner.advance(NOTICE + timedelta(minutes=1))
    assert OLD_ANSWER not in await texts(core.db)
    assert await count(core.db, AnswerShare) == 0
    assert messenger.deleted_refs == []


async def test_only_moderators_set_retention_and_replies_never_show_answers(
    core: PlnCore, clock: SimulatedClock
) -> None:
    await old_and_new_reflections_once(core, clock)
    assert await core.handle_command(ALICE, "retention 30") == [MODERATORS_ONLY]
    assert await core.handle_command(ALICE, "retention") == [MODERATORS_ONLY]
    (shown,) = await core.handle_command(MOD, "retention")
    assert "off" in shown.text and "/pln retention 365" in shown.text
    (wrong,) = await core.handle_command(MOD, "retention forever")
    assert "number of days" in wrong.text

    await confirmed(core, 1)
    await Runner(core).advance(NOTICE + timedelta(minutes=1))
    (shown,) = await core.handle_command(MOD, "retention")
    assert "older than 1 day are deleted" in shown.text and "So far 3 " in shown.text
    for reply in (shown, *await core.handle_command(MOD, "retention 2")):
        assert not any(words in reply.text for words in (OLD_NOTE, OLD_ANSWER, NEW_ANSWER))


async def test_off_stops_the_purge(core: PlnCore, clock: SimulatedClock) -> None:
    runner = Runner(core)
    await core.handle_command(ALICE, "join")
    await advance_to(runner, clock, FIRST_PROMPT + timedelta(minutes=5))
    await core.handle_message(ALICE, OLD_ANSWER)
    await confirmed(core, 30)
    await runner.advance(NOTICE + timedelta(days=2))
    (reply,) = await core.handle_command(MOD, "retention off")
    assert "retention is off" in reply.text
    job = next(job for job in core.jobs if isinstance(job, RetentionJob))
    assert await job.next_due(clock.now()) is None, "no community keeps a setting: no wake"

    await runner.advance(timedelta(days=60))
    assert OLD_ANSWER in await texts(core.db)
    assert await audit(core.db) == []


async def test_two_processes_purge_once_a_day(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    core = make_core(messenger)
    await old_and_new_reflections_once(core, clock)
    await confirmed(core, 10)
    clock.advance(NOTICE)
    other = make_core(RecordingMessenger())
    await core.run_due_work()
    await other.run_due_work()
    assert [e.count for e in await audit(core.db)] == [2]
    job = next(job for job in other.jobs if isinstance(job, RetentionJob))
    assert await job.next_due(clock.now()) == clock.now() + timedelta(days=1)


async def test_retention_purges_only_its_own_community(
    core: PlnCore, clock: SimulatedClock
) -> None:
    """Members of another community (another workspace) keep their words."""
    elsewhere = CommunityRef("console", "other", "Other")
    bob = member("bob", elsewhere)
    await core.handle_command(bob, "join")
    await core.handle_message(bob, OLD_NOTE + " (bob)")
    await old_and_new_reflections(core, clock, Runner(core))
    await confirmed(core, 1)
    await Runner(core).advance(NOTICE + timedelta(minutes=1))
    stored = await texts(core.db)
    assert OLD_NOTE + " (bob)" in stored and OLD_NOTE not in stored
    bob_row = await core.db.run(
        lambda s: s.scalar(select(Member).where(Member.platform_user_id == "bob"))
    )
    assert bob_row is not None and bob_row.active


async def test_the_purge_takes_the_quote_out_of_a_sent_revisit(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """A revisit prompt quotes the answer in what it stored as sent: that copy goes too."""
    from tests.integration.core.test_revisits import a_prompt_with_a_revisit, send_fixed_prompt

    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    runner = Runner(core)
    await core.handle_command(ALICE, "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(ALICE, OLD_ANSWER)
    await runner.advance(
        timedelta(weeks=prompt.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    )
    assert any(
        OLD_ANSWER.rstrip(".") in m.text for _, m in messenger.sent if m.heading == "Looking back"
    )

    await confirmed(core, 7)
    await runner.advance(NOTICE + timedelta(days=1))

    async def stored_prompts(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Delivery.prompt_text)))

    assert not any(OLD_ANSWER.rstrip(".") in text for text in await core.db.run(stored_prompts))
    assert OLD_ANSWER not in await texts(core.db)


# --- asking first, a floor, and members' notice (issue 13) ---------------------------------


async def bob_keeps_a_note(core: PlnCore) -> None:
    await core.handle_command(BOB, "join")
    await core.handle_message(BOB, OLD_NOTE + " (bob)")


def notices(messenger: RecordingMessenger) -> list[str]:
    """Who got the retention notice by DM."""
    return [
        recipient.platform_user_id
        for recipient, message in messenger.sent
        if message.heading == "Retention notice"
    ]


async def test_a_number_of_days_deletes_nothing_and_asks_first_with_counts(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await bob_keeps_a_note(core)
    await old_and_new_reflections(core, clock, Runner(core))  # now Mon 21 Dec, 09:05
    before = await texts(core.db)

    (asked,) = await core.handle_command(MOD, "retention 1")
    assert "1 answer and 2 notes of 2 members" in asked.text, asked.text
    assert "Nothing is deleted yet" in asked.text and "Mon 28 Dec 2026" in asked.text
    assert "/pln retention 1 confirm" in asked.text
    (button,) = asked.buttons
    assert (button.action_id, button.value) == (CONFIRM_ACTION, "1")
    assert not any(words in asked.text for words in (OLD_NOTE, OLD_ANSWER, NEW_ANSWER))

    await Runner(core).advance(timedelta(days=30))
    assert await texts(core.db) == before, "asking deleted nothing"
    assert await audit(core.db) == []
    assert notices(messenger) == []
    (shown,) = await core.handle_command(MOD, "retention")
    assert "Retention is off" in shown.text


async def test_a_setting_below_the_operators_floor_is_refused_with_the_floor_named(
    db: Database, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    core = PlnCore(db, clock, messenger, CoreConfig(moderators=frozenset({"console:mod"})))
    await old_and_new_reflections_once(core, clock)
    for refused in (
        await core.handle_command(MOD, "retention 29"),
        await core.handle_command(MOD, "retention 29 confirm"),
        await core.handle_action(MOD, CONFIRM_ACTION, "29"),  # a forged or old button
    ):
        (reply,) = refused
        assert "can't be shorter than 30 days" in reply.text, reply.text
        assert "PLN_RETENTION_MIN_DAYS" in reply.text and reply.buttons == ()
    (shown,) = await core.handle_command(MOD, "retention")
    assert "Retention is off" in shown.text
    assert notices(messenger) == []
    (asked,) = await core.handle_command(MOD, "retention 30")
    assert asked.buttons and "Nothing is deleted yet" in asked.text


async def test_after_confirm_members_are_told_and_nothing_goes_for_seven_days(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    runner = Runner(core)
    await bob_keeps_a_note(core)
    await old_and_new_reflections(core, clock, runner)  # now Mon 21 Dec, 09:05
    before = await texts(core.db)
    (asked,) = await core.handle_command(MOD, "retention 1")
    (button,) = asked.buttons

    (done,) = await core.handle_action(MOD, button.action_id, button.value)
    assert "nothing is purged before Mon 28 Dec 2026" in done.text, done.text
    assert "I'm telling 2 members by DM now" in done.text
    await core.run_due_work()  # as the alarm does after a change of schedule
    assert sorted(notices(messenger)) == ["alice", "bob"]
    notice = next(m for _, m in messenger.sent if m.heading == "Retention notice")
    assert "1 day" in notice.text and "Mon 28 Dec 2026" in notice.text
    assert "/pln export" in notice.text
    (again,) = await core.handle_action(MOD, button.action_id, button.value)
    assert "already confirmed" in again.text
    await core.run_due_work()
    assert len(notices(messenger)) == 2, "a second press tells nobody twice"
    (shown,) = await core.handle_command(MOD, "retention")
    assert "starts Mon 28 Dec 2026" in shown.text and "every member told" in shown.text

    await runner.advance(NOTICE - timedelta(minutes=1))
    assert await texts(core.db) == before, "nothing goes during the notice"
    assert await audit(core.db) == []

    await runner.advance(timedelta(minutes=2))
    assert await texts(core.db) == set(), "then everything older than a day goes"
    assert [(e.kind, e.count) for e in await audit(core.db)] == [("retention_purge", 4)]


async def test_members_who_cannot_be_reached_are_counted_for_the_moderator(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """Bob's DMs are closed: his notice stays owed, the moderator sees it, and he is told
    once he talks to the bot again."""
    await bob_keeps_a_note(core)
    await core.handle_command(ALICE, "join")
    messenger.unreachable.add("bob")
    (done,) = await core.handle_command(MOD, "retention 400 confirm")
    assert "I'm telling 2 members by DM now" in done.text
    await core.run_due_work()
    assert notices(messenger) == ["alice"]
    (shown,) = await core.handle_command(MOD, "retention")
    assert "1 member still to be told" in shown.text and "can't reach by DM" in shown.text

    messenger.unreachable.discard("bob")
    await core.handle_command(BOB, "tz")  # Bob talks to the bot again
    await core.run_due_work()
    assert sorted(notices(messenger)) == ["alice", "bob"]
    (shown,) = await core.handle_command(MOD, "retention")
    assert "every member told" in shown.text


async def test_a_notice_the_platform_refuses_for_now_is_sent_later_and_only_once(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """A 429 (or a 500) on a notice loses nobody's: it is tried again after the delay."""
    await bob_keeps_a_note(core)
    await core.handle_command(ALICE, "join")
    messenger.refuse_next = 1
    await core.handle_command(MOD, "retention 400 confirm")
    await core.run_due_work()
    assert len(notices(messenger)) == 1
    await Runner(core).advance(timedelta(minutes=5))
    assert sorted(notices(messenger)) == ["alice", "bob"]
    await Runner(core).advance(timedelta(days=1))
    assert len(notices(messenger)) == 2


async def test_a_setting_cancelled_before_its_notices_go_sends_none(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await bob_keeps_a_note(core)
    await core.handle_command(MOD, "retention 400 confirm")
    await core.handle_command(MOD, "retention off")
    await core.run_due_work()
    assert notices(messenger) == []
