"""History with short ids, and deleting one of your own answers after confirming.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture).
Another member's answer id gets exactly the reply an unknown id gets: nothing leaks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import answer_number, answer_value
from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.data_rights import DELETE_CONFIRM_ACTION
from bot.core.messages import ButtonStyle
from bot.core.reflections import REVISIT_DAY_OFFSET
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.core.sharing import SHARE_ACTION
from bot.prompts.library import default_library
from bot.store import numbering
from bot.store.database import Database
from bot.store.models import (
    Answer,
    AnswerPart,
    AnswerShare,
    Community,
    Delivery,
    Member,
    Schedule,
    ScheduleKind,
)
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


def _number(value: str) -> int:
    """The member's answer number a button carries (`n3`)."""
    found = answer_number(value)
    assert found is not None, value
    return found


ALICE = member("alice")
BOB = member("bob")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")
ALICE_ON_DISCORD = member("alice#1", CommunityRef("discord", "guild-1", "Guild"))

FIRST = "Week one: the Quokkaville timetable pilot started."
SECOND = "Week two: parents asked about the Zygomorphic app."
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def texts(replies: object) -> str:
    result = await replies  # type: ignore[misc]
    return "\n".join(message.text for message in result)


async def answer(core: PlnCore, actor: object, text: str) -> int:
    (saved,) = await core.handle_message(actor, text)  # type: ignore[arg-type]
    return _number(saved.buttons[0].value)


async def two_answers(core: PlnCore) -> tuple[int, int]:
    """alice and bob join; alice answers two weekly prompts and bob one."""
    for actor in (ALICE, BOB, MODERATOR):
        await core.handle_command(actor, "join")
    await core.handle_command(MODERATOR, "channel here")
    await Runner(core).advance(timedelta(days=7))
    first = await answer(core, ALICE, FIRST)
    await answer(core, BOB, "Bob's own reflection.")
    await Runner(core).advance(timedelta(days=7))
    return first, await answer(core, ALICE, SECOND)


async def stored_answers(db: Database) -> dict[int, str]:
    async def work(session: AsyncSession) -> dict[int, str]:
        return {a.id: a.text for a in await session.scalars(select(Answer))}

    return await db.run(work)


async def count(db: Database, model: type[object]) -> int:
    async def work(session: AsyncSession) -> int:
        return len(list(await session.scalars(select(model))))

    return await db.run(work)


# --- history -------------------------------------------------------------------------------------


async def test_history_shows_short_ids_newest_first_whether_shared_and_how_to_act(
    core: PlnCore,
) -> None:
    first, second = await two_answers(core)
    await core.handle_action(ALICE, SHARE_ACTION, answer_value(first))

    history = await texts(core.handle_command(ALICE, "history"))

    lines = history.splitlines()
    assert f"`/pln delete #{second}` removes one; `/pln share #<number>` shares" in lines[0]
    entries = [line for line in lines if line.startswith("#")]
    assert entries[0].startswith(f"#{second} · ") and "· private ·" in entries[0]
    assert entries[1].startswith(f"#{first} · ") and "· shared with the PLN ·" in entries[1]
    assert FIRST in history and SECOND in history
    one = await texts(core.handle_command(ALICE, "history 1"))
    assert SECOND in one and FIRST not in one


async def test_history_reads_every_linked_identity(
    core: PlnCore,
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    db: Database,
) -> None:
    discord = make_core(RecordingMessenger(platform="discord"))
    await core.handle_command(ALICE, "join")
    await discord.handle_command(ALICE_ON_DISCORD, "join")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await core.run_due_work()
    await discord.run_due_work()
    await answer(core, ALICE, FIRST)
    clock.advance(timedelta(minutes=1))
    await answer(discord, ALICE_ON_DISCORD, SECOND)
    await link(db, "alice", "alice#1")
    on_console, on_discord = 1, 2  # as `/pln link` numbers them again: oldest first

    for side, actor in ((core, ALICE), (discord, ALICE_ON_DISCORD)):
        history = await texts(side.handle_command(actor, "history"))
        assert FIRST in history and SECOND in history
        assert f"#{on_console} " in history and f"#{on_discord} " in history
    # deleting works from either identity: it is one person's answer
    await core.handle_command(ALICE, f"delete #{on_discord} confirm")
    assert list((await stored_answers(db)).values()) == [FIRST]


async def link(db: Database, *user_ids: str) -> None:
    """Join identities into one person as `/pln link` does (the person id is shared, and
    what they wrote is numbered again across both)."""

    async def work(session: AsyncSession) -> None:
        ids = list(
            await session.scalars(select(Member.id).where(Member.platform_user_id.in_(user_ids)))
        )
        await session.execute(update(Member).where(Member.id.in_(ids)).values(person_id=min(ids)))
        first = await session.get(Member, min(ids))
        assert first is not None
        await session.refresh(first)
        await numbering.renumber_person(session, first)

    await db.run(work)


# --- delete --------------------------------------------------------------------------------------


async def test_delete_asks_first_with_a_danger_button_and_the_typed_hint(
    core: PlnCore, db: Database
) -> None:
    first, _ = await two_answers(core)

    (ask,) = await core.handle_command(ALICE, f"delete #{first}")

    assert f"/pln delete #{first} confirm" in ask.text
    (button,) = ask.buttons
    assert (button.label, button.action_id, button.value) == (
        "Delete",
        DELETE_CONFIRM_ACTION,
        answer_value(first),
    )
    assert button.style == ButtonStyle.DANGER
    assert FIRST in ask.sections[0].body, "she sees which answer she is deleting"
    assert first in await stored_answers(db), "nothing is deleted before confirming"


async def test_confirming_deletes_the_answer_and_its_parts_for_good(
    core: PlnCore, db: Database
) -> None:
    first, second = await two_answers(core)
    await core.handle_message(ALICE, "A second part of the second answer.")
    parts_before = await count(db, AnswerPart)

    by_button = await texts(core.handle_action(ALICE, DELETE_CONFIRM_ACTION, answer_value(second)))
    typed = await texts(core.handle_command(ALICE, f"delete #{first} confirm"))

    assert by_button == f"Deleted #{second} for good."
    assert typed == f"Deleted #{first} for good."
    remaining = await stored_answers(db)
    assert FIRST not in remaining.values() and SECOND not in remaining.values()
    assert await count(db, AnswerPart) == parts_before - 3
    history = await texts(core.handle_command(ALICE, "history"))
    assert FIRST not in history and SECOND not in history
    again = await texts(core.handle_command(ALICE, f"delete #{first} confirm"))
    assert "couldn't find a #" in again


async def test_numbers_are_each_members_own_and_never_reach_anyone_elses_answer(
    core: PlnCore, db: Database
) -> None:
    """Issue 14: Alice's #1 and #2 are hers; Bob's first answer is his #1, whatever Alice
    wrote, so a number tells nobody how much others wrote, and no number of Bob's reaches
    Alice's answers."""
    first, second = await two_answers(core)
    assert (first, second) == (1, 2)
    bobs = await texts(core.handle_command(BOB, "history"))
    assert "\n#1 · " in bobs and "#2 · " not in bobs, "Bob's first answer is his #1"

    for number in (first, second, 1000):
        for suffix in ("", " confirm"):
            said = await texts(core.handle_command(BOB, f"delete #{number}{suffix}"))
            assert FIRST not in said and SECOND not in said
    pressed = await texts(core.handle_action(BOB, DELETE_CONFIRM_ACTION, answer_value(second)))
    assert "couldn't find" in pressed
    assert {FIRST, SECOND} <= set((await stored_answers(db)).values())


async def test_deleting_a_shared_answer_takes_its_post_down_first(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    first, _ = await two_answers(core)
    await core.handle_command(ALICE, f"share #{first}")
    (post,) = messenger.channel_posts

    ask = await texts(core.handle_command(ALICE, f"delete #{first}"))
    done = await texts(core.handle_command(ALICE, f"delete #{first} confirm"))

    assert "taken down too" in ask
    assert done.startswith("Deleted")
    assert messenger.deleted_refs == [post.ref]
    assert await count(db, AnswerShare) == 0


async def test_when_the_post_cannot_be_taken_down_nothing_is_deleted(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    first, _ = await two_answers(core)
    await core.handle_command(ALICE, f"share #{first}")
    messenger.fail_channel_deletes = 1

    refused = await texts(core.handle_command(ALICE, f"delete #{first} confirm"))
    retried = await texts(core.handle_command(ALICE, f"delete #{first} confirm"))

    assert "deleted nothing" in refused
    assert retried.startswith("Deleted") and first not in await stored_answers(db)
    assert messenger.visible_channel_posts() == []


async def test_deleting_an_answer_removes_its_quote_from_a_revisit_already_sent(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock, db: Database
) -> None:
    answer_id = await _a_revisit_quoting(core, clock, db, ("m-1", FIRST))
    assert any(
        FIRST.rstrip(".") in m.text for _, m in messenger.sent if m.heading == "Looking back"
    )

    await core.handle_command(ALICE, f"delete #{answer_id} confirm")

    async def prompt_texts(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Delivery.prompt_text)))

    assert not any(FIRST.rstrip(".") in text for text in await db.run(prompt_texts))
    history = await texts(core.handle_command(ALICE, "history 50"))
    assert FIRST not in history


async def _a_revisit_quoting(
    core: PlnCore, clock: SimulatedClock, db: Database, *parts: tuple[str, str]
) -> int:
    """Alice answers a prompt that has a revisit with messages (ref, text); weeks later the
    revisit quoting that answer is sent. Returns the answer's id."""
    prompt = next(p for p in default_library().prompts if p.revisit is not None)
    assert prompt.revisit is not None
    await core.handle_command(ALICE, "join")

    async def one_off(session: AsyncSession) -> None:
        community = (await session.scalars(select(Community))).one()
        session.add(
            Schedule(
                community_id=community.id,
                kind=ScheduleKind.PROMPT_NOW,
                fire_at=clock.now(),
                prompt_id=prompt.id,
                active=True,
                created_at=clock.now(),
            )
        )

    await db.run(one_off)
    await core.run_due_work()
    answer_ids = []
    for ref, text in parts:
        (saved, *_more) = await core.handle_message(ALICE, text, ref)
        answer_ids += [_number(button.value) for button in saved.buttons]  # the first has Share
    await Runner(core).advance(
        timedelta(weeks=prompt.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    )
    return answer_ids[0]


async def _revisit_texts(db: Database) -> list[str]:
    async def work(session: AsyncSession) -> list[str]:
        return list(
            await session.scalars(
                select(Delivery.prompt_text)
                .join(Schedule, Schedule.id == Delivery.schedule_id)
                .where(Schedule.kind == ScheduleKind.REVISIT)
            )
        )

    return await db.run(work)


async def test_editing_a_quoted_answer_requotes_the_revisit_already_sent(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    await _a_revisit_quoting(core, clock, db, ("m-1", FIRST))
    (quoted,) = await _revisit_texts(db)
    assert "Quokkaville" in quoted

    edited = "Week one: the timetable pilot started in two year groups."
    assert await core.handle_message_edit(ALICE, "m-1", edited) == []

    (requoted,) = await _revisit_texts(db)
    assert "Quokkaville" not in requoted
    assert "two year groups" in requoted


async def test_deleting_one_message_of_a_quoted_answer_takes_its_words_out_of_the_revisit(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    await _a_revisit_quoting(core, clock, db, ("m-1", FIRST), ("m-2", SECOND))
    (quoted,) = await _revisit_texts(db)
    assert "Zygomorphic" in quoted

    await core.handle_message_delete(ALICE, "m-2")

    (requoted,) = await _revisit_texts(db)
    assert "Zygomorphic" not in requoted
    assert "timetable pilot" in requoted


async def test_an_edit_that_would_overfill_the_answer_is_refused_and_nothing_changes(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    await core.handle_command(ALICE, "join")
    await Runner(core).advance(timedelta(days=3, hours=1))  # Monday's prompt
    for n, size in enumerate((39_000, 39_000, 20_000)):  # 98,006 characters in all
        await core.handle_message(ALICE, f"{n} " + "x" * size, f"m-{n}")
    stored = await stored_answers(db)

    (reply,) = await core.handle_message_edit(ALICE, "m-2", "y" * 39_999)

    assert "kept the text from before the edit" in reply.text
    assert await stored_answers(db) == stored
