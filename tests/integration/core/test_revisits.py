"""Revisits: some weeks after an answer, the member's own words come back to them, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.reflections import REVISIT_DAY_OFFSET
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.prompts.library import LibraryPrompt, default_library
from bot.store.models import Community, Delivery, Schedule, ScheduleKind
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

ANSWER = "I will run a two-week pilot of shared planning docs with the science team."


def a_prompt_with_a_revisit() -> LibraryPrompt:
    return next(p for p in default_library().prompts if p.revisit is not None)


async def send_fixed_prompt(core: PlnCore, clock: SimulatedClock, prompt_id: str) -> None:
    """A one-off occurrence of a chosen prompt, sent now (as `prompt now` with a prompt)."""

    async def create(session: AsyncSession) -> None:
        community = (await session.scalars(select(Community))).one()
        session.add(
            Schedule(
                community_id=community.id,
                kind=ScheduleKind.PROMPT_NOW,
                fire_at=clock.now(),
                prompt_id=prompt_id,
                active=True,
                created_at=clock.now(),
            )
        )

    await core.db.run(create)
    await core.run_due_work()


async def test_an_answer_is_quoted_back_once_after_the_revisit_weeks(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    alice = member("alice")
    await core.handle_command(alice, "join")
    await core.handle_command(member("bob"), "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(alice, ANSWER)
    runner = Runner(core)
    weeks = prompt.revisit.after_weeks  # then mid-week: never with the weekly prompt
    await runner.advance(timedelta(weeks=weeks, days=REVISIT_DAY_OFFSET) - timedelta(hours=1))
    assert not any(m.heading == "Looking back" for _, m in messenger.sent)
    await runner.advance(timedelta(hours=2))
    revisits = [(r, m) for r, m in messenger.sent if m.heading == "Looking back"]
    assert len(revisits) == 1
    recipient, message = revisits[0]
    assert recipient.platform_user_id == "alice", "only the author sees their words again"
    assert ANSWER.rstrip(".") in message.text
    await runner.advance(timedelta(weeks=30))
    assert len([m for _, m in messenger.sent if m.heading == "Looking back"]) == 1


async def test_a_deleted_answer_is_never_revisited(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(alice, ANSWER, message_ref="m-1")
    await core.handle_message_delete(alice, "m-1")
    await Runner(core).advance(
        timedelta(weeks=prompt.revisit.after_weeks + 1, days=REVISIT_DAY_OFFSET)
    )
    assert not any(m.heading == "Looking back" for _, m in messenger.sent)


async def test_deleting_the_message_after_its_revisit_leaves_no_quote_stored(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(alice, ANSWER, message_ref="m-1")
    await Runner(core).advance(
        timedelta(weeks=prompt.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    )
    quoted = ANSWER.rstrip(".")
    assert any(quoted in m.text for _, m in messenger.sent if m.heading == "Looking back")

    await core.handle_message_delete(alice, "m-1")

    async def stored_prompts(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Delivery.prompt_text)))

    assert not any(quoted in text for text in await core.db.run(stored_prompts))


async def _answer_of(core: PlnCore, delivery_id: int) -> str | None:
    from bot.store import reflections as reflection_store

    async def read(session: AsyncSession) -> str | None:
        answer = await reflection_store.answer_for_delivery(session, delivery_id)
        return None if answer is None else answer.text

    return await core.db.run(read)


async def test_a_revisit_never_takes_a_plain_reply_from_the_weeks_prompt(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """The revisit arrives mid-week, after that week's prompt: a plain message still
    answers the week's prompt; the revisit is answered by a reply to it (issue 14)."""
    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(alice, ANSWER)
    await Runner(core).advance(
        timedelta(weeks=prompt.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    )
    sent = [(n, m) for n, (_, m) in enumerate(messenger.sent, start=1)]
    (revisit_n, revisit) = next((n, m) for n, m in sent if m.heading == "Looking back")
    weekly_n, weekly = [(n, m) for n, m in sent if m.heading == "This week's reflection"][-1]
    assert weekly_n < revisit_n, "the week's prompt came first, then the revisit"
    assert "a plain message goes to this week's prompt" in revisit.text
    assert [b.label for b in revisit.buttons] == ["Answer", "Done", "Partly", "Not yet", "Dropped"]

    week = "This week I finally sat down with the science team to plan the pilot."
    (said,) = await core.handle_message(alice, week, message_ref="a-1")
    assert "Saved as your answer" in said.text
    assert await _answer_of(core, int(weekly.metadata["delivery_id"])) == week
    assert await _answer_of(core, int(revisit.metadata["delivery_id"])) is None

    looking_back = "The pilot ran; two of five teachers kept the shared docs going."
    await core.handle_message(alice, looking_back, message_ref="a-2", reply_to=f"msg-{revisit_n}")
    assert await _answer_of(core, int(revisit.metadata["delivery_id"])) == looking_back
    assert await _answer_of(core, int(weekly.metadata["delivery_id"])) == week


async def test_a_prompt_stays_open_a_week_then_text_is_a_note_and_the_bot_says_so(
    core: PlnCore, clock: SimulatedClock
) -> None:
    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, a_prompt_with_a_revisit().id)
    await core.handle_command(alice, "pause")  # no weekly prompt will follow it
    clock.advance(timedelta(days=6, hours=23))
    (said,) = await core.handle_message(alice, "Still thinking about this one.")
    assert "Saved as your answer" in said.text
    clock.advance(timedelta(hours=2))
    (said,) = await core.handle_message(alice, "A thought for later: ask the Year 9 team.")
    assert said.text.startswith("Your last prompt closed a week after it came")
    assert "private note" in said.text


GOAL_ANSWER = (
    "Budget meeting today: the governors want numbers before they fund more carts. "
    "I will bring the device-loan figures to the next budget meeting. "
    "The rest was about the timetable."
)


async def test_a_goal_is_revisited_quoted_whole_and_its_outcome_reaches_the_digest(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """Issue 14: the revisit quotes the goal sentence (not the answer's first lines), asks
    what became of it with one button per outcome, and the digest lists it with it."""
    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(alice, GOAL_ANSWER)
    await Runner(core).advance(
        timedelta(weeks=prompt.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    )
    revisit = next(m for _, m in messenger.sent if m.heading == "Looking back")
    assert "I will bring the device-loan figures to the next budget meeting" in revisit.text
    assert "governors want numbers" not in revisit.text, "the goal, not the first lines"
    labels = [b.label for b in revisit.buttons]
    assert labels == ["Answer", "Done", "Partly", "Not yet", "Dropped"]

    partly = next(b for b in revisit.buttons if b.label == "Partly")
    (noted,) = await core.handle_action(alice, partly.action_id, partly.value)
    assert noted.text.startswith("Noted: partly done")
    digest = "\n".join(r.text for r in await core.handle_command(alice, "digest term"))
    goal_line = next(line for line in digest.splitlines() if "I will bring" in line)
    assert "partly" in goal_line.casefold(), goal_line


async def test_a_revisit_of_an_answer_without_a_goal_has_no_outcome_buttons(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    prompt = a_prompt_with_a_revisit()
    assert prompt.revisit is not None
    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, prompt.id)
    await core.handle_message(alice, "The Year 8 team shared their planning folder with me.")
    await Runner(core).advance(
        timedelta(weeks=prompt.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    )
    revisit = next(m for _, m in messenger.sent if m.heading == "Looking back")
    assert [b.label for b in revisit.buttons] == ["Answer", "Skip"]
