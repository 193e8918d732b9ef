"""What a member controls: pause and resume, snooze, threads, duplicates, edits and deletes,
and the home view.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture).
Time moves only through the simulated clock (`clock.set` / `clock.advance`, then
`run_due_work`). What members wrote is checked in the store, never printed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor
from bot.core.clock import SimulatedClock
from bot.core.home import (
    JOIN_ACTION,
    PAUSE_ACTION,
    RESUME_ACTION,
    TIMEZONE_ACTION,
    TIMEZONE_FORM_ACTION,
)
from bot.core.messages import OutgoingMessage
from bot.core.prompt_messages import ANSWER_ACTION, SKIP_ACTION, SNOOZE_ACTION
from bot.core.runner import Runner
from bot.core.service import DATABASE_DOWN, INTERNAL_ERROR, NOT_JOINED, PlnCore
from bot.store.database import Database
from bot.store.models import (
    Answer,
    AnswerPart,
    Delivery,
    DeliveryStatus,
    FreeNote,
    Member,
    Schedule,
    ScheduleKind,
)
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

ALICE = member("alice")
BOB = member("bob")
CAROL = member("carol")  # never joins

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the first weekly prompt (UTC members)
NEXT_MONDAY_9 = MONDAY_9 + timedelta(days=7)
SNOOZE = timedelta(days=1)


# --- moving time -------------------------------------------------------------------------------


async def at(core: PlnCore, clock: SimulatedClock, when: datetime) -> None:
    """Move the clock to `when` and run whatever fell due."""
    clock.set(when)
    await core.run_due_work()


async def after(core: PlnCore, clock: SimulatedClock, delta: timedelta) -> None:
    clock.advance(delta)
    await core.run_due_work()


async def join(core: PlnCore, *actors: Actor) -> None:
    for actor in actors:
        await core.handle_command(actor, "join")


async def prompted(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, *actors: Actor
) -> int:
    """The actors join and get Monday's prompt; returns the first actor's delivery id."""
    await join(core, *actors)
    await at(core, clock, MONDAY_9)
    return delivery_id_of(sent_to(messenger, actors[0].user_id)[-1])


# --- what was sent -----------------------------------------------------------------------------


def sent_to(
    messenger: RecordingMessenger, user_id: str, kind: str = "prompt"
) -> list[OutgoingMessage]:
    return [
        message
        for recipient, message in messenger.sent
        if recipient.platform_user_id == user_id and message.kind == kind
    ]


def delivery_id_of(message: OutgoingMessage) -> int:
    return int(message.metadata["delivery_id"])


def platform_ref_of(messenger: RecordingMessenger, message: OutgoingMessage) -> str:
    """The reference RecordingMessenger answered for this send ("msg-<n>")."""
    for number, (_, sent) in enumerate(messenger.sent, start=1):
        if sent is message:
            return f"msg-{number}"
    raise AssertionError("message was not sent")


async def reply_text(replies: Any) -> str:
    """The one reply a call answered with."""
    result = await replies
    assert len(result) == 1, [message.kind for message in result]
    return str(result[0].text)


# --- what the store holds ----------------------------------------------------------------------


async def answers(db: Database) -> dict[int, list[str]]:
    """Stored answers: delivery id -> the answer's part texts in order."""

    async def work(session: AsyncSession) -> dict[int, list[str]]:
        rows = await session.execute(
            select(Answer.delivery_id, AnswerPart.text)
            .join(AnswerPart, AnswerPart.answer_id == Answer.id)
            .order_by(Answer.delivery_id, AnswerPart.position)
        )
        grouped: dict[int, list[str]] = {}
        for delivery_id, text in rows.tuples():
            grouped.setdefault(delivery_id, []).append(text)
        return grouped

    return await db.run(work)


async def answer_rows(db: Database) -> int:
    async def work(session: AsyncSession) -> int:
        return len(list(await session.scalars(select(Answer.id))))

    return await db.run(work)


async def notes(db: Database) -> list[str]:
    async def work(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(FreeNote.text).order_by(FreeNote.id)))

    return await db.run(work)


async def delivery(db: Database, delivery_id: int) -> Delivery:
    async def work(session: AsyncSession) -> Delivery:
        found = await session.get(Delivery, delivery_id)
        assert found is not None
        return found

    return await db.run(work)


async def deliveries_of(db: Database, user_id: str) -> list[Delivery]:
    async def work(session: AsyncSession) -> list[Delivery]:
        rows = await session.scalars(
            select(Delivery)
            .join(Member, Member.id == Delivery.member_id)
            .where(Member.platform_user_id == user_id)
            .order_by(Delivery.due_at)
        )
        return list(rows)

    return await db.run(work)


async def membership(db: Database, user_id: str) -> bool | None:
    """Whether the user is an active member; None when they never joined."""

    async def work(session: AsyncSession) -> bool | None:
        return await session.scalar(select(Member.active).where(Member.platform_user_id == user_id))

    return await db.run(work)


async def stored_zone(db: Database, user_id: str) -> str | None:
    async def work(session: AsyncSession) -> str | None:
        return await session.scalar(
            select(Member.timezone).where(Member.platform_user_id == user_id)
        )

    return await db.run(work)


# --- the home view -----------------------------------------------------------------------------


def fields_of(view: OutgoingMessage) -> dict[str, str]:
    return {field.label: field.value for section in view.sections for field in section.fields}


def actions_of(view: OutgoingMessage) -> list[str]:
    return [button.action_id for button in view.buttons]


def strings_in(value: object) -> list[str]:
    """Every string anywhere inside a message: text, headings, sections, buttons, metadata."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in strings_in(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for item in value.items() for s in strings_in(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings_in(item)]
    return []


async def home_of(core: PlnCore, actor: Actor) -> OutgoingMessage:
    view = await core.home(actor)
    assert view is not None and view.kind == "home"
    return view


# === 1. pause and resume =======================================================================


async def test_a_paused_member_gets_no_weekly_prompt_while_the_others_do(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    await join(core, ALICE, BOB)

    reply = await reply_text(core.handle_command(ALICE, "pause"))
    await at(core, clock, MONDAY_9)

    assert reply.startswith("Paused")
    assert messenger.counts() == {"bob": 1}
    assert await deliveries_of(db, "alice") == [], "nothing was even claimed for her"


async def test_after_resume_next_weeks_prompt_arrives(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join(core, ALICE, BOB)
    await core.handle_command(ALICE, "pause")
    await at(core, clock, MONDAY_9)
    clock.advance(timedelta(days=1))  # Tuesday

    reply = await reply_text(core.handle_command(ALICE, "resume"))
    await at(core, clock, NEXT_MONDAY_9)

    assert reply.startswith("Welcome back")
    assert "Mon 30 Nov 09:00" in reply, "it says when the next prompt comes"
    assert messenger.counts() == {"alice": 1, "bob": 2}
    assert len(sent_to(messenger, "alice")) == 1


async def test_a_member_paused_between_claim_and_send_is_not_sent_to(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    await join(core, ALICE, BOB)
    clock.set(MONDAY_9)
    await core.deliveries.claim_due()
    await core.handle_command(ALICE, "pause")

    await core.deliveries.send()

    assert messenger.counts() == {"bob": 1}
    assert [d.status for d in await deliveries_of(db, "alice")] == [DeliveryStatus.FAILED]


async def test_resuming_on_prompt_day_after_the_hour_waits_for_next_week_as_promised(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join(core, ALICE)
    await core.handle_command(ALICE, "pause")
    await at(core, clock, MONDAY_9)
    clock.advance(timedelta(hours=1))  # Monday 10:00: this week's prompt was skipped over

    reply = await reply_text(core.handle_command(ALICE, "resume"))
    await core.run_due_work()

    assert "Mon 30 Nov 09:00" in reply
    assert messenger.sent == [], "no prompt before the time the reply named"


async def test_pausing_twice_and_resuming_when_not_paused_get_friendly_replies(
    core: PlnCore,
) -> None:
    await join(core, ALICE)

    not_paused = await reply_text(core.handle_command(ALICE, "resume"))
    await core.handle_command(ALICE, "pause")
    paused_again = await reply_text(core.handle_command(ALICE, "pause"))
    await core.handle_command(ALICE, "resume")
    resumed_again = await reply_text(core.handle_command(ALICE, "resume"))

    assert "aren't paused" in not_paused and "/pln pause" in not_paused
    assert "already paused" in paused_again and "/pln resume" in paused_again
    assert resumed_again == not_paused


async def test_rejoining_after_pause_and_leave_gets_the_prompt_the_welcome_promises(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    for command in ("join", "pause", "leave"):
        await core.handle_command(ALICE, command)

    welcome = await reply_text(core.handle_command(ALICE, "join"))
    await at(core, clock, MONDAY_9)

    assert "Mon 23 Nov 09:00" in welcome
    assert messenger.counts() == {"alice": 1}


@pytest.mark.parametrize("command", ["pause", "resume"])
async def test_a_non_member_who_pauses_or_resumes_gets_the_not_joined_reply(
    core: PlnCore, db: Database, command: str
) -> None:
    replies = await core.handle_command(CAROL, command)

    assert replies == [NOT_JOINED]
    assert await membership(db, "carol") is None, "nothing was stored for her"


# === 2. snooze =================================================================================


async def snooze(core: PlnCore, actor: Actor, delivery_id: int) -> str:
    return await reply_text(core.handle_action(actor, SNOOZE_ACTION, str(delivery_id)))


async def test_snooze_says_when_and_sends_one_reminder_a_day_later(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    question = (await delivery(db, delivery_id)).prompt_text

    reply = await snooze(core, ALICE, delivery_id)
    await after(core, clock, timedelta(hours=23))
    nothing_yet = sent_to(messenger, "alice", "reminder")
    await after(core, clock, timedelta(hours=1, minutes=1))

    assert reply.startswith("Snoozed") and "Tue 24 Nov 09:00" in reply
    assert nothing_yet == []
    reminders = sent_to(messenger, "alice", "reminder")
    assert len(reminders) == 1
    assert delivery_id_of(reminders[0]) == delivery_id
    assert question in reminders[0].text, "the whole question, in one message"
    assert reminders[0].sections[0].body == question
    assert {button.value for button in reminders[0].buttons} == {str(delivery_id)}
    assert messenger.counts() == {"alice": 2}, "the prompt, then the reminder"


async def test_running_due_work_again_sends_no_second_reminder(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)
    await after(core, clock, SNOOZE + timedelta(minutes=1))

    await core.run_due_work()
    await after(core, clock, timedelta(days=2))

    assert len(sent_to(messenger, "alice", "reminder")) == 1
    assert messenger.counts() == {"alice": 2}


async def test_reminder_loops_running_at_once_send_the_reminder_once(
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    messenger: RecordingMessenger,
    database_url: str,
) -> None:
    core = make_core(messenger)
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)
    other = make_core(messenger, database=Database(database_url))
    clock.advance(SNOOZE + timedelta(minutes=1))
    try:
        await asyncio.gather(*(process.deliveries.send() for process in (core, other, core, other)))
        await core.run_due_work()
    finally:
        await other.db.dispose()

    assert len(sent_to(messenger, "alice", "reminder")) == 1


async def test_next_due_time_reports_the_reminder(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    assert await core.next_due_time() == NEXT_MONDAY_9

    await snooze(core, ALICE, delivery_id)

    assert await core.next_due_time() == MONDAY_9 + SNOOZE


async def test_answering_before_the_reminder_time_means_no_reminder(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)
    clock.advance(timedelta(hours=3))

    await core.handle_message(ALICE, "Answered after the snooze.", message_ref="a-1")
    await after(core, clock, SNOOZE)

    assert sent_to(messenger, "alice", "reminder") == []
    assert await answers(db) == {delivery_id: ["Answered after the snooze."]}


async def test_an_answered_snoozed_prompt_leaves_no_due_time_behind(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)
    await core.handle_message(ALICE, "Answered after the snooze.", message_ref="a-1")

    await after(core, clock, SNOOZE + timedelta(hours=1))

    assert await core.next_due_time() == NEXT_MONDAY_9


@pytest.mark.parametrize("how", ["button", "command"])
async def test_skipping_a_snoozed_prompt_cancels_the_reminder(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, how: str
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)

    if how == "button":
        reply = await reply_text(core.handle_action(ALICE, SKIP_ACTION, str(delivery_id)))
    else:
        reply = await reply_text(core.handle_command(ALICE, "skip"))
    await after(core, clock, SNOOZE + timedelta(hours=1))

    assert reply.startswith("Skipped")
    assert sent_to(messenger, "alice", "reminder") == []
    assert await core.next_due_time() == NEXT_MONDAY_9


async def test_a_refused_reminder_is_put_back_and_sent_once_later(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)
    messenger.refuse_next = 1  # the platform answers 429 to the reminder
    clock.advance(SNOOZE + timedelta(minutes=1))

    report = await core.run_due_work()
    retry_at = await core.next_due_time()

    assert report.deferred == 1 and report.sent == 0
    assert sent_to(messenger, "alice", "reminder") == []
    assert retry_at is not None and clock.now() < retry_at < NEXT_MONDAY_9
    await at(core, clock, retry_at)
    await after(core, clock, timedelta(hours=1))
    reminders = sent_to(messenger, "alice", "reminder")
    assert len(reminders) == 1 and delivery_id_of(reminders[0]) == delivery_id


async def test_a_paused_member_gets_no_reminder(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await snooze(core, ALICE, delivery_id)
    await core.handle_command(ALICE, "pause")

    await after(core, clock, SNOOZE + timedelta(hours=1))

    assert sent_to(messenger, "alice", "reminder") == []


async def test_snooze_is_refused_for_an_answered_prompt_and_for_someone_elses(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    alice_delivery = await prompted(core, clock, messenger, ALICE, BOB)
    bob_delivery = delivery_id_of(sent_to(messenger, "bob")[-1])
    await core.handle_message(ALICE, "My answer.", message_ref="a-1")

    answered = await snooze(core, ALICE, alice_delivery)
    not_hers = await snooze(core, ALICE, bob_delivery)
    await after(core, clock, SNOOZE + timedelta(hours=1))

    assert "already answered" in answered
    assert "couldn't find" in not_hers
    assert (await delivery(db, bob_delivery)).remind_at is None
    assert sent_to(messenger, "alice", "reminder") == sent_to(messenger, "bob", "reminder") == []


async def test_a_non_member_pressing_snooze_gets_the_not_joined_reply(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)

    replies = await core.handle_action(CAROL, SNOOZE_ACTION, str(delivery_id))

    assert replies == [NOT_JOINED]
    assert (await delivery(db, delivery_id)).remind_at is None


# === 3. replies in a prompt's thread ===========================================================


async def two_weeks_of_prompts(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> tuple[OutgoingMessage, OutgoingMessage]:
    """alice and bob get two weekly prompts; returns alice's older and newer prompt."""
    await prompted(core, clock, messenger, ALICE, BOB)
    await at(core, clock, NEXT_MONDAY_9)
    older, newer = sent_to(messenger, "alice")
    return older, newer


async def test_a_reply_in_an_older_prompts_thread_answers_that_prompt(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    older, newer = await two_weeks_of_prompts(core, clock, messenger)
    older_ref = platform_ref_of(messenger, older)
    assert (await delivery(db, delivery_id_of(older))).platform_message_ref == older_ref

    reply = await reply_text(
        core.handle_message(ALICE, "About last week.", message_ref="t-1", reply_to=older_ref)
    )
    await core.handle_message(ALICE, "About this week.", message_ref="t-2")

    assert reply.startswith("Saved as your answer")
    assert await answers(db) == {
        delivery_id_of(older): ["About last week."],
        delivery_id_of(newer): ["About this week."],
    }


async def test_a_reply_to_an_unknown_message_answers_the_latest_prompt(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    _, newer = await two_weeks_of_prompts(core, clock, messenger)

    await core.handle_message(ALICE, "In some other thread.", message_ref="t-1", reply_to="zzz")

    assert await answers(db) == {delivery_id_of(newer): ["In some other thread."]}


async def test_a_reply_to_another_members_prompt_never_answers_it(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    _, alice_newer = await two_weeks_of_prompts(core, clock, messenger)
    bob_older = sent_to(messenger, "bob")[0]

    await core.handle_message(
        ALICE,
        "Not bob's prompt.",
        message_ref="t-1",
        reply_to=platform_ref_of(messenger, bob_older),
    )

    assert await answers(db) == {delivery_id_of(alice_newer): ["Not bob's prompt."]}


async def test_a_reply_in_a_reminders_thread_answers_the_reminded_prompt(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    older, _ = await two_weeks_of_prompts(core, clock, messenger)
    await snooze(core, ALICE, delivery_id_of(older))  # the old prompt's button, a week on
    await after(core, clock, SNOOZE)
    (reminder,) = sent_to(messenger, "alice", "reminder")

    await core.handle_message(
        ALICE,
        "Answering the reminder.",
        message_ref="t-1",
        reply_to=platform_ref_of(messenger, reminder),
    )

    assert await answers(db) == {delivery_id_of(older): ["Answering the reminder."]}


# === 4. a platform delivering the same message more than once =================================


async def test_a_duplicated_answer_is_stored_once_and_answered_once(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)

    replies = [await core.handle_message(ALICE, "Said once.", message_ref="ev-1") for _ in range(4)]

    assert len(replies[0]) == 1 and replies[0][0].text.startswith("Saved as your answer")
    assert replies[1:] == [[], [], []]
    assert await answers(db) == {delivery_id: ["Said once."]}


async def test_a_duplicated_free_note_is_stored_once_and_answered_once(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)  # no prompt yet: the message is a free note

    replies = [
        await core.handle_message(ALICE, "A note, once.", message_ref="ev-1") for _ in range(4)
    ]

    assert len(replies[0]) == 1 and "note" in replies[0][0].text
    assert replies[1:] == [[], [], []]
    assert await notes(db) == ["A note, once."]


@pytest.mark.parametrize("open_prompt", [True, False], ids=["answer", "note"])
async def test_duplicates_arriving_at_once_in_two_processes_are_stored_once(
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    messenger: RecordingMessenger,
    database_url: str,
    db: Database,
    open_prompt: bool,
) -> None:
    core = make_core(messenger)
    if open_prompt:
        await prompted(core, clock, messenger, ALICE)
    else:
        await join(core, ALICE)
    other = make_core(messenger, database=Database(database_url))
    try:
        replies = await asyncio.gather(
            *(
                process.handle_message(ALICE, "Delivered four times.", message_ref="ev-1")
                for process in (core, other, core, other)
            )
        )
    finally:
        await other.db.dispose()

    assert sorted(len(reply) for reply in replies) == [0, 0, 0, 1]
    assert [m for r in replies for m in r if m in (INTERNAL_ERROR, DATABASE_DOWN)] == []
    stored_parts = [text for texts in (await answers(db)).values() for text in texts]
    if open_prompt:
        assert stored_parts == ["Delivered four times."] and await notes(db) == []
    else:
        assert await notes(db) == ["Delivered four times."] and stored_parts == []


# === 5. edits and deletes ======================================================================


async def test_an_edit_changes_the_stored_answer_silently(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "First draft.", message_ref="m-1")
    await core.handle_message(ALICE, "Second part.", message_ref="m-2")

    replies = await core.handle_message_edit(ALICE, "m-1", "First draft, edited.")

    assert replies == []
    assert await answers(db) == {delivery_id: ["First draft, edited.", "Second part."]}


async def test_an_edit_changes_a_stored_free_note(core: PlnCore, db: Database) -> None:
    await join(core, ALICE)
    await core.handle_message(ALICE, "A note.", message_ref="n-1")

    replies = await core.handle_message_edit(ALICE, "n-1", "A note, edited.")

    assert replies == []
    assert await notes(db) == ["A note, edited."]


async def test_editing_a_message_that_was_never_stored_does_nothing(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "Kept as is.", message_ref="m-1")

    replies = await core.handle_message_edit(ALICE, "never-stored", "Something else.")

    assert replies == []
    assert await answers(db) == {delivery_id: ["Kept as is."]}
    assert await notes(db) == []


async def test_an_over_long_edit_keeps_the_old_text_with_a_friendly_reply(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "Short and kept.", message_ref="m-1")

    reply = await reply_text(core.handle_message_edit(ALICE, "m-1", "x" * 40_001))

    assert "40,001" in reply and "kept the text from before" in reply
    assert await answers(db) == {delivery_id: ["Short and kept."]}


async def test_deleting_the_only_part_removes_the_answer_and_reopens_the_week(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "Soon deleted.", message_ref="m-1")

    reply = await reply_text(core.handle_message_delete(ALICE, "m-1"))

    assert "deleted my copy" in reply
    assert await answers(db) == {} and await answer_rows(db) == 0
    assert fields_of(await home_of(core, ALICE))["Answers so far"] == "0"
    again = await reply_text(core.handle_message(ALICE, "A fresh start.", message_ref="m-2"))
    assert again.startswith("Saved as your answer"), "the week is unanswered again"
    assert await answers(db) == {delivery_id: ["A fresh start."]}


async def test_deleting_one_of_two_parts_keeps_the_answer_with_the_other(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "Part one.", message_ref="m-1")
    await core.handle_message(ALICE, "Part two.", message_ref="m-2")

    reply = await reply_text(core.handle_message_delete(ALICE, "m-1"))

    assert "removed it from the answer" in reply
    assert await answers(db) == {delivery_id: ["Part two."]}


async def test_deleting_a_free_note_removes_it(core: PlnCore, db: Database) -> None:
    await join(core, ALICE)
    await core.handle_message(ALICE, "A note.", message_ref="n-1")
    await core.handle_message(ALICE, "Another note.", message_ref="n-2")

    reply = await reply_text(core.handle_message_delete(ALICE, "n-1"))

    assert "deleted a note" in reply
    assert await notes(db) == ["Another note."]


async def test_deleting_a_message_that_was_never_stored_does_nothing(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "Kept.", message_ref="m-1")

    assert await core.handle_message_delete(ALICE, "never-stored") == []
    assert await answers(db) == {delivery_id: ["Kept."]}


async def test_another_member_cannot_edit_or_delete_someone_elses_message(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE, BOB)
    await core.handle_message(ALICE, "Alice's answer.", message_ref="m-1")
    await core.handle_message(ALICE, "Alice's note.", message_ref="n-1")  # a second part
    before = (await answers(db), await notes(db))

    edits = [await core.handle_message_edit(BOB, ref, "Bob was here.") for ref in ("m-1", "n-1")]
    deletes = [await core.handle_message_delete(BOB, ref) for ref in ("m-1", "n-1")]
    outsider = [
        await core.handle_message_edit(CAROL, "m-1", "Carol was here."),
        await core.handle_message_delete(CAROL, "m-1"),
    ]

    assert edits == [[], []] and deletes == [[], []] and outsider == [[], []]
    assert (await answers(db), await notes(db)) == before
    assert before[0] == {delivery_id: ["Alice's answer.", "Alice's note."]}


async def test_another_member_cannot_edit_or_delete_someone_elses_free_note(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE, BOB)
    await core.handle_message(ALICE, "Alice's note.", message_ref="n-1")

    assert await core.handle_message_edit(BOB, "n-1", "Bob was here.") == []
    assert await core.handle_message_delete(BOB, "n-1") == []
    assert await notes(db) == ["Alice's note."]


async def test_a_member_who_left_can_still_edit_and_delete_her_stored_words(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    delivery_id = await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, "Edit me later.", message_ref="m-1")
    await core.handle_message(ALICE, "Delete me later.", message_ref="m-2")
    await core.handle_command(ALICE, "leave")

    edited = await core.handle_message_edit(ALICE, "m-1", "Edited after leaving.")
    reply = await reply_text(core.handle_message_delete(ALICE, "m-2"))

    assert edited == []
    assert "removed it from the answer" in reply
    assert await answers(db) == {delivery_id: ["Edited after leaving."]}
    await core.handle_message_delete(ALICE, "m-1")
    assert await answers(db) == {} and await answer_rows(db) == 0


# === 6. the home view ==========================================================================


async def test_a_non_members_home_offers_join_and_pressing_it_joins(
    core: PlnCore, db: Database
) -> None:
    before = await home_of(core, CAROL)
    assert await membership(db, "carol") is None

    reply = await reply_text(core.handle_action(CAROL, JOIN_ACTION, ""))
    joined = await home_of(core, CAROL)

    assert actions_of(before) == [JOIN_ACTION]
    assert fields_of(before) == {}
    assert reply.startswith("Welcome to the PLN")
    assert PAUSE_ACTION in actions_of(joined) and JOIN_ACTION not in actions_of(joined)
    assert await membership(db, "carol") is True


async def test_a_members_home_shows_next_prompt_streak_time_zone_and_pause(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join(core, ALICE)
    fresh = fields_of(await home_of(core, ALICE))
    await at(core, clock, MONDAY_9)
    await core.handle_message(ALICE, "An answer.", message_ref="m-1")

    view = await home_of(core, ALICE)
    fields = fields_of(view)

    assert fresh["Next prompt"] == "Mon 23 Nov 09:00"
    assert fresh["Streak"].startswith("0 ")
    assert fields["Next prompt"] == "Mon 30 Nov 09:00"
    assert fields["Streak"].startswith("1 ")
    assert fields["Time zone"].startswith("UTC")
    assert PAUSE_ACTION in actions_of(view) and RESUME_ACTION not in actions_of(view)
    assert TIMEZONE_ACTION in actions_of(view)


async def test_after_pause_home_offers_resume_and_says_paused(core: PlnCore) -> None:
    await join(core, ALICE)

    await core.handle_action(ALICE, PAUSE_ACTION, "")
    paused = await home_of(core, ALICE)
    await core.handle_action(ALICE, RESUME_ACTION, "")
    resumed = await home_of(core, ALICE)

    assert fields_of(paused)["Next prompt"] == "Paused"
    assert RESUME_ACTION in actions_of(paused) and PAUSE_ACTION not in actions_of(paused)
    assert fields_of(resumed)["Next prompt"] == "Mon 23 Nov 09:00"
    assert PAUSE_ACTION in actions_of(resumed)


async def test_the_home_view_never_contains_what_the_member_wrote(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    marker, note_marker = "Quillbrook", "Vantreffle"
    await prompted(core, clock, messenger, ALICE)
    await core.handle_message(ALICE, f"The {marker} staff meeting went well.", message_ref="m-1")
    await core.handle_command(ALICE, "skip")  # answered: skip is refused, the answer stays
    await at(core, clock, NEXT_MONDAY_9)
    await core.handle_command(ALICE, "skip")
    await core.handle_message(ALICE, f"Note about {note_marker}.", message_ref="n-1")

    view = await home_of(core, ALICE)
    shown = [text.casefold() for text in strings_in(view)]

    assert fields_of(view)["Answers so far"] == "1", "the answer is there, only not its words"
    assert not [s for s in shown if marker.casefold() in s or note_marker.casefold() in s]


async def test_the_time_zone_button_opens_a_form_whose_submit_sets_the_zone(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)

    (opened,) = await core.handle_action(ALICE, TIMEZONE_ACTION, "")
    assert opened.form is not None
    assert opened.form.submit_action_id == TIMEZONE_FORM_ACTION
    assert [field.input_id for field in opened.form.inputs] == ["zone"]
    reply = await reply_text(
        core.handle_form(ALICE, TIMEZONE_FORM_ACTION, opened.form.value, {"zone": "toronto"})
    )

    assert reply.startswith("Time zone set to America/Toronto")
    assert await stored_zone(db, "alice") == "America/Toronto"
    assert fields_of(await home_of(core, ALICE))["Time zone"].startswith("America/Toronto")
    assert fields_of(await home_of(core, ALICE))["Next prompt"] == "Mon 23 Nov 09:00"


async def test_a_bad_zone_in_the_form_gets_a_friendly_error_and_changes_nothing(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await core.handle_form(ALICE, TIMEZONE_FORM_ACTION, "", {"zone": "toronto"})

    reply = await reply_text(
        core.handle_form(ALICE, TIMEZONE_FORM_ACTION, "", {"zone": "Mars/Base"})
    )

    assert "I don't know the time zone 'Mars/Base'" in reply and "/pln tz" in reply
    assert "Traceback" not in reply
    assert await stored_zone(db, "alice") == "America/Toronto"


async def test_an_ambiguous_zone_is_asked_stores_nothing_and_the_pressed_place_is_kept(
    core: PlnCore, db: Database
) -> None:
    """`/pln tz IST`: India, Ireland or Israel? Nothing changes until one is pressed; then
    the member's zone is that place, whose daylight saving the prompts follow."""
    await core.handle_command(ALICE, "join")
    (question,) = await core.handle_command(ALICE, "tz IST")
    assert [b.value for b in question.buttons] == [
        "Asia/Kolkata",
        "Europe/Dublin",
        "Asia/Jerusalem",
    ]

    async def zone(session: AsyncSession) -> str | None:
        found = await session.scalar(
            select(Member.timezone).where(Member.platform_user_id == "alice")
        )
        return found

    before = await db.run(zone)
    assert before != "Europe/Dublin"
    dublin = next(b for b in question.buttons if b.value == "Europe/Dublin")
    (done,) = await core.handle_action(ALICE, dublin.action_id, dublin.value)
    assert done.text.startswith("Time zone set to Europe/Dublin")
    assert await db.run(zone) == "Europe/Dublin"
    (refused,) = await core.handle_action(ALICE, dublin.action_id, "IST")
    assert "doesn't work" in refused.text and await db.run(zone) == "Europe/Dublin"


async def test_the_home_streak_counts_answered_weeks_and_an_unanswered_revisit_breaks_nothing(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    """Issue 14: the home view's streak is weeks with an answered weekly prompt; a
    "Looking back" prompt left unanswered is not a missed week."""
    await join(core, ALICE)
    runner = Runner(core)
    await at(core, clock, MONDAY_9)
    await core.handle_message(ALICE, "Week one: the trolley rota works.")
    await runner.advance(timedelta(days=7))
    await core.handle_message(ALICE, "Week two: the Year 7 logins are sorted.")
    await core.handle_command(ALICE, "pause")  # no weekly prompt while the revisit waits
    clock.advance(timedelta(days=10))

    async def unanswered_revisit(session: AsyncSession) -> None:
        member = (await session.scalars(select(Member))).one()
        schedule = Schedule(
            community_id=member.community_id,
            kind=ScheduleKind.REVISIT,
            fire_at=clock.now(),
            active=False,
            created_at=clock.now(),
            member_id=member.id,
        )
        session.add(schedule)
        await session.flush()
        session.add(
            Delivery(
                schedule_id=schedule.id,
                member_id=member.id,
                due_local_date=clock.now().date(),
                due_at=clock.now(),
                prompt_id="revisit",
                prompt_text="Looking back: how did it go?",
                status=DeliveryStatus.SENT,
                claimed_at=clock.now(),
                sent_at=clock.now() + timedelta(hours=1),
            )
        )

    await db.run(unanswered_revisit)
    clock.advance(timedelta(days=9))  # long closed, never answered
    assert fields_of(await home_of(core, ALICE))["Streak"].startswith("2 ")


async def test_the_home_streak_ends_when_a_prompt_has_gone_unanswered_for_a_week(
    core: PlnCore, clock: SimulatedClock
) -> None:
    await join(core, ALICE)
    runner = Runner(core)
    await at(core, clock, MONDAY_9)
    await core.handle_message(ALICE, "Week one: the trolley rota works.")
    await runner.advance(timedelta(days=7))
    await core.handle_message(ALICE, "Week two: the Year 7 logins are sorted.")
    await runner.advance(timedelta(days=7))  # week three's prompt arrives, unanswered
    assert fields_of(await home_of(core, ALICE))["Streak"].startswith("2 "), "still open"
    await core.handle_command(ALICE, "pause")
    clock.advance(timedelta(days=8))
    assert fields_of(await home_of(core, ALICE))["Streak"].startswith("0 ")


async def test_after_skip_answering_by_the_prompts_answer_button_unskips_it(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger, db: Database
) -> None:
    """Issue 14: Skip was pressed by mistake, then Answer: the answer is saved and the
    week counts as answered, not skipped."""
    await join(core, ALICE)
    await at(core, clock, MONDAY_9)
    (_, prompt) = messenger.sent[-1]
    delivery_id = prompt.metadata["delivery_id"]
    await core.handle_action(ALICE, SKIP_ACTION, delivery_id)
    (form,) = await core.handle_action(ALICE, ANSWER_ACTION, delivery_id)
    assert form.form is not None
    await core.handle_form(
        ALICE, form.form.submit_action_id, form.form.value, {"answer": "Changed my mind."}
    )

    async def state(session: AsyncSession) -> tuple[bool, int]:
        delivery = await session.get(Delivery, int(delivery_id))
        answers = len(list(await session.scalars(select(Answer))))
        return delivery is not None and delivery.skipped_at is None, answers

    assert await db.run(state) == (True, 1)
