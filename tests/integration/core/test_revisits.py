"""Revisits: some weeks after an answer, the member's own words come back to them, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
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
    weeks = prompt.revisit.after_weeks
    await runner.advance(timedelta(weeks=weeks) - timedelta(hours=1))
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
    await Runner(core).advance(timedelta(weeks=prompt.revisit.after_weeks + 1))
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
    await Runner(core).advance(timedelta(weeks=prompt.revisit.after_weeks, hours=1))
    quoted = ANSWER.rstrip(".")
    assert any(quoted in m.text for _, m in messenger.sent if m.heading == "Looking back")

    await core.handle_message_delete(alice, "m-1")

    async def stored_prompts(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Delivery.prompt_text)))

    assert not any(quoted in text for text in await core.db.run(stored_prompts))
