"""What members type that the bot must survive: mistakes, edge sizes, odd text, wrong roles.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture),
and time moves only through the simulated clock (`Runner.advance`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.prompt_messages import ANSWER_FORM_ACTION
from bot.core.runner import Runner
from bot.core.service import DATABASE_DOWN, NOT_JOINED, PlnCore
from bot.store.database import Database
from bot.store.models import (
    Answer,
    AnswerPart,
    Base,
    Delivery,
    FreeNote,
    Member,
    Schedule,
    ScheduleKind,
)
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

ALICE = member("alice")
BOB = member("bob")
MODERATOR = member("mod")  # console:mod is a moderator in the `config` fixture
LIMIT = 40_000


# --- helpers ---------------------------------------------------------------------------------


async def count(db: Database, model: type[Base]) -> int:
    async def work(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return await db.run(work)


async def stored_rows(db: Database) -> dict[str, int]:
    """How many answers, answer parts and free notes exist: what members' words left behind."""
    return {
        "answers": await count(db, Answer),
        "parts": await count(db, AnswerPart),
        "notes": await count(db, FreeNote),
    }


async def part_texts(db: Database) -> list[str]:
    async def work(session: AsyncSession) -> list[str]:
        rows = await session.scalars(select(AnswerPart.text).order_by(AnswerPart.id))
        return list(rows)

    return await db.run(work)


async def note_texts(db: Database) -> list[str]:
    async def work(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(FreeNote.text).order_by(FreeNote.id)))

    return await db.run(work)


async def stored_zone(db: Database, user_id: str) -> str | None:
    async def work(session: AsyncSession) -> str | None:
        return await session.scalar(
            select(Member.timezone).where(Member.platform_user_id == user_id)
        )

    return await db.run(work)


async def reply_text(replies: Any) -> str:
    """The one reply a call answered with."""
    result = await replies
    assert len(result) == 1, result
    return str(result[0].text)


async def join(core: PlnCore, *actors: Any) -> None:
    for actor in actors:
        await core.handle_command(actor, "join")


async def next_prompt(core: PlnCore) -> None:
    """Move on a week: every member gets the weekly prompt that falls due on the way."""
    await Runner(core).advance(timedelta(days=7))


def latest_delivery_id(messenger: RecordingMessenger, user_id: str) -> int:
    prompts = [m for r, m in messenger.sent if r.platform_user_id == user_id and m.kind == "prompt"]
    return int(prompts[-1].metadata["delivery_id"])


@contextmanager
def failing_statements(db: Database, times: int, *, only: str | None = None) -> Iterator[list[int]]:
    """Make the next `times` SQL statements (containing `only`, if given) fail the way a locked
    SQLite file does; yields a list that records how many failures were raised."""
    raised: list[int] = []

    def fail(
        _conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool
    ) -> None:
        if len(raised) < times and (only is None or only in statement):
            raised.append(1)
            raise OperationalError(
                statement, params, sqlite3.OperationalError("database is locked")
            )

    event.listen(db.engine.sync_engine, "before_cursor_execute", fail)
    try:
        yield raised
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", fail)


# --- commands --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["frobnicate", "prompt later", "digets week"])
async def test_an_unknown_command_gets_a_friendly_reply_that_points_to_help(
    core: PlnCore, text: str
) -> None:
    reply = await reply_text(core.handle_command(ALICE, text))

    assert "`/pln help`" in reply
    assert "I don't know the command" in reply
    assert "Traceback" not in reply


async def test_an_unknown_time_zone_is_refused_with_an_example_and_the_stored_zone_kept(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await core.handle_command(ALICE, "tz America/Toronto")

    reply = await reply_text(core.handle_command(ALICE, "tz Mars/Base"))

    assert "Mars/Base" in reply
    assert "`/pln tz " in reply or "Europe/" in reply, "the refusal shows an example"
    assert await stored_zone(db, "alice") == "America/Toronto"
    assert "America/Toronto" in await reply_text(core.handle_command(ALICE, "tz"))


# --- message size and content ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " ", "   \t  ", "\n\n", "\u00a0\u3000"],
    ids=["empty", "space", "tabs", "newlines", "unicode-spaces"],
)
async def test_an_empty_or_whitespace_only_message_gets_a_hint_and_stores_nothing(
    core: PlnCore, db: Database, text: str
) -> None:
    await join(core, ALICE)
    await next_prompt(core)  # an open prompt: anything stored would become an answer

    reply = await reply_text(core.handle_message(ALICE, text))

    assert "empty" in reply
    assert "/pln help" in reply
    assert await stored_rows(db) == {"answers": 0, "parts": 0, "notes": 0}


def text_of_length(length: int) -> str:
    """Words of reflection that end with a marker, `length` characters in all."""
    body = ("Our staff learned a lot from the pilot this term. " * (length // 50 + 1))[: length - 4]
    return body + " END"


async def test_a_message_of_exactly_40000_characters_is_stored_whole(
    core: PlnCore, db: Database
) -> None:
    text = text_of_length(LIMIT)
    assert len(text) == LIMIT
    await join(core, ALICE)
    await next_prompt(core)

    reply = await reply_text(core.handle_message(ALICE, text))

    assert reply.startswith("Saved as your answer")
    assert await part_texts(db) == [text]


async def test_a_free_note_of_exactly_40000_characters_is_stored_whole(
    core: PlnCore, db: Database
) -> None:
    text = text_of_length(LIMIT)
    await join(core, ALICE)

    await core.handle_message(ALICE, text)

    assert await note_texts(db) == [text]


@pytest.mark.parametrize("path", ["message", "form"])
async def test_a_message_of_40001_characters_is_refused_and_nothing_is_stored(
    core: PlnCore, db: Database, messenger: RecordingMessenger, path: str
) -> None:
    text = text_of_length(LIMIT + 1)
    await join(core, ALICE)
    await next_prompt(core)
    await core.handle_message(ALICE, "A first, short part.")
    before = await stored_rows(db)

    if path == "message":
        reply = await reply_text(core.handle_message(ALICE, text))
    else:
        delivery = str(latest_delivery_id(messenger, "alice"))
        reply = await reply_text(
            core.handle_form(ALICE, ANSWER_FORM_ACTION, delivery, {"answer": text})
        )

    assert "40,001" in reply and "40,000" in reply
    assert "Nothing was saved" in reply
    assert await stored_rows(db) == before
    assert await part_texts(db) == ["A first, short part."]


UNICODE_SAMPLES = {
    "emoji": "Pilot went 🚀🎉 — the kids 👩🏽‍💻 loved it 💯",
    "rtl-arabic": "التعلم المهني المستمر يساعد المعلمين على التطور",
    "mixed-bidi": "We used \u202bشبكة التعلم\u202c with \u200fRTL\u200f marks",
    "cjk": "学习共同体的反思 — 日本語のテキスト — 한국어 문장",
    "combining-marks": "Cafe\u0301 sessions, man\u0303ana, Zu\u0308rich, a\u0338",
    "zero-width-joiner": "Family 👨\u200d👩\u200d👧\u200d👦 and flag 🏳️\u200d🌈 and zero\u200bwidth",
}


@pytest.mark.parametrize("text", UNICODE_SAMPLES.values(), ids=UNICODE_SAMPLES.keys())
async def test_unicode_answers_are_stored_and_shown_in_history_byte_for_byte(
    core: PlnCore, db: Database, text: str
) -> None:
    await join(core, ALICE)
    await next_prompt(core)

    await core.handle_message(ALICE, text)
    history = await reply_text(core.handle_command(ALICE, "history 1"))

    assert [stored.encode("utf-8") for stored in await part_texts(db)] == [text.encode("utf-8")]
    assert history.splitlines()[-1].encode("utf-8") == text.encode("utf-8")


MENTIONS = ["@everyone", "@here", "<!channel>", "<!here|here>", "<@U123>", "<@&987654>"]


async def test_mentions_in_an_answer_are_stored_verbatim_and_never_sent_to_anyone(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    text = "Heads up " + " ".join(MENTIONS) + " — the rollout is done"
    await join(core, ALICE, BOB)
    await next_prompt(core)
    sent_before = len(messenger.sent)

    reply = await reply_text(core.handle_message(ALICE, text))

    assert await part_texts(db) == [text]
    assert len(messenger.sent) == sent_before, "answering sends nothing to anyone"
    for recipient, message in messenger.sent:
        for mention in MENTIONS:
            assert mention not in message.text, recipient.platform_user_id
    assert not any(mention in reply for mention in MENTIONS), "the reply does not echo them"


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("history", ["never-joined", "left"])
async def test_a_non_members_message_is_not_stored_and_gets_the_join_hint(
    core: PlnCore, db: Database, history: str
) -> None:
    if history == "left":
        await join(core, ALICE)
        await core.handle_command(ALICE, "leave")

    replies = await core.handle_message(ALICE, "Something I want to keep")

    assert replies == [NOT_JOINED]
    assert "/pln join" in replies[0].text
    assert await stored_rows(db) == {"answers": 0, "parts": 0, "notes": 0}


async def test_a_member_asking_for_prompt_now_is_politely_refused_and_nothing_is_sent(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await join(core, ALICE, BOB)

    reply = await reply_text(core.handle_command(ALICE, "prompt now"))

    assert "moderator" in reply.lower()
    assert messenger.sent == []
    assert await count(db, Delivery) == 0

    async def one_offs(session: AsyncSession) -> int:
        query = select(func.count()).where(Schedule.kind == ScheduleKind.PROMPT_NOW)
        return int(await session.scalar(query) or 0)

    assert await db.run(one_offs) == 0


async def test_a_moderators_prompt_now_reaches_every_active_member_once_per_request(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await join(core, ALICE, BOB, member("carol"), member("dave"))
    await core.handle_command(member("dave"), "leave")

    first = await reply_text(core.handle_command(MODERATOR, "prompt now"))

    assert messenger.counts() == {"alice": 1, "bob": 1, "carol": 1}
    assert "3 members" in first

    await core.handle_command(MODERATOR, "prompt now")

    assert messenger.counts() == {"alice": 2, "bob": 2, "carol": 2}, "a second occurrence"
    assert all(message.kind == "prompt" for _, message in messenger.sent)


# --- where a message goes --------------------------------------------------------------------


async def test_a_message_after_skip_is_kept_as_a_free_note_with_a_friendly_reply(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await next_prompt(core)
    await core.handle_command(ALICE, "skip")

    reply = await reply_text(core.handle_message(ALICE, "Not this week, but a thought anyway"))

    assert "skipped" in reply and "note" in reply
    assert await note_texts(db) == ["Not this week, but a thought anyway"]
    assert await count(db, Answer) == 0


async def test_messages_in_one_prompts_window_append_to_one_answer(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await next_prompt(core)

    first = await reply_text(core.handle_message(ALICE, "First thought."))
    second = await reply_text(core.handle_message(ALICE, "Second thought."))

    assert first.startswith("Saved as your answer")
    assert second.startswith("Added to your answer")
    assert await count(db, Answer) == 1
    assert await part_texts(db) == ["First thought.", "Second thought."]


async def test_after_the_next_weeks_prompt_a_message_answers_the_new_prompt(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await join(core, ALICE)
    await next_prompt(core)
    await core.handle_message(ALICE, "Week one, part one.")
    await core.handle_message(ALICE, "Week one, part two.")
    await next_prompt(core)

    reply = await reply_text(core.handle_message(ALICE, "Week two."))

    assert reply.startswith("Saved as your answer")

    async def parts_by_delivery(session: AsyncSession) -> dict[int, list[str]]:
        rows = await session.execute(
            select(Answer.delivery_id, AnswerPart.text)
            .join(AnswerPart, AnswerPart.answer_id == Answer.id)
            .order_by(AnswerPart.id)
        )
        grouped: dict[int, list[str]] = {}
        for delivery_id, text in rows.tuples():
            grouped.setdefault(delivery_id, []).append(text)
        return grouped

    week_two = latest_delivery_id(messenger, "alice")
    grouped = await db.run(parts_by_delivery)
    assert len(grouped) == 2
    assert grouped[week_two] == ["Week two."]
    assert ["Week one, part one.", "Week one, part two."] in grouped.values()


async def test_a_message_before_any_prompt_becomes_a_free_note(core: PlnCore, db: Database) -> None:
    await join(core, ALICE)

    reply = await reply_text(core.handle_message(ALICE, "Thinking ahead about next term"))

    assert "no open prompt" in reply and "note" in reply
    assert "Mon 23 Nov 09:00" in reply, "it says when the first prompt comes"
    assert await note_texts(db) == ["Thinking ahead about next term"]
    assert await count(db, Answer) == 0


# --- a database that is busy or gone ---------------------------------------------------------


@pytest.mark.parametrize("fails_at", [None, "INSERT INTO answer_part"], ids=["first-read", "write"])
async def test_a_locked_database_on_the_first_attempt_is_retried_and_the_answer_saved_once(
    core: PlnCore, db: Database, fails_at: str | None
) -> None:
    await join(core, ALICE)
    await next_prompt(core)

    with failing_statements(db, 1, only=fails_at) as raised:
        reply = await reply_text(core.handle_message(ALICE, "Saved despite the lock."))

    assert raised == [1], "the first attempt really failed"
    assert reply.startswith("Saved as your answer")
    assert await part_texts(db) == ["Saved despite the lock."]
    assert await count(db, Answer) == 1


async def test_a_locked_database_on_the_first_attempt_still_runs_the_command(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)

    with failing_statements(db, 1) as raised:
        reply = await reply_text(core.handle_command(ALICE, "tz Europe/Berlin"))

    assert raised == [1]
    assert reply.startswith("Time zone set to Europe/Berlin")
    assert await stored_zone(db, "alice") == "Europe/Berlin"


async def test_a_database_that_stays_unavailable_gets_the_friendly_reply_not_an_error(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await next_prompt(core)

    with failing_statements(db, 1_000) as raised:
        replies = await core.handle_message(ALICE, "This cannot be saved right now.")

    assert len(raised) > 1, "it was retried"
    assert replies == [DATABASE_DOWN]
    assert await stored_rows(db) == {"answers": 0, "parts": 0, "notes": 0}


# --- races and odd characters ---------------------------------------------------------------


async def test_a_message_containing_a_nul_character_is_kept_on_every_database(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await next_prompt(core)

    reply = await reply_text(core.handle_message(ALICE, "before\x00after"))

    assert reply.startswith("Saved as your answer")
    assert await part_texts(db) == ["before\ufffdafter"]  # NUL shown as U+FFFD, nothing lost


async def test_messages_arriving_at_the_same_moment_are_all_kept_in_the_answer(
    core: PlnCore, db: Database
) -> None:
    await join(core, ALICE)
    await next_prompt(core)
    await core.handle_message(ALICE, "The first part.")
    parts = [f"Part {number} of a long answer split by the platform." for number in range(8)]

    replies = await asyncio.gather(*(core.handle_message(ALICE, part) for part in parts))

    assert all(reply[0].text.startswith("Added to your answer") for reply in replies)
    assert sorted(await part_texts(db)) == sorted(["The first part.", *parts])
