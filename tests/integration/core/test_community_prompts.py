"""Community prompts: moderators add, list and retire their own; they join the rotation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.models import Delivery
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

OWN = (
    "prompts add multipliers/liberator | Which decision did you hand to a colleague "
    "this month? | What will you hand over next?"
)


async def test_moderators_add_list_and_retire_their_own_prompts(core: PlnCore) -> None:
    (refused,) = await core.handle_command(member("alice"), OWN)
    assert "Only moderators" in refused.text
    (added,) = await core.handle_command(member("mod"), OWN)
    assert "Added c1-1 (multipliers/liberator)" in added.text
    (listed,) = await core.handle_command(member("mod"), "prompts list")
    assert "`c1-1`" in listed.text and "hand to a colleague" in listed.text
    (retired,) = await core.handle_command(member("mod"), "prompts retire c1-1")
    assert "Retired c1-1" in retired.text
    (empty,) = await core.handle_command(member("mod"), "prompts list")
    assert "No prompts of your own yet" in empty.text


async def test_a_bad_community_prompt_gets_a_clear_reason(core: PlnCore) -> None:
    cases = {
        "prompts add olf/nowhere | A question that is long enough? | A follow-up here?": (
            "I don't know the element olf/nowhere"
        ),
        "prompts add olf/using-data | Short? | A follow-up here?": "15 to 220 characters",
        "prompts add just one part": "framework/element | question | follow-up",
    }
    for text, reason in cases.items():
        (reply,) = await core.handle_command(member("mod"), text)
        assert reason in reply.text, text


async def test_an_own_prompt_is_sent_through_the_rotation_with_its_follow_up(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(member("mod"), "track multipliers")
    await core.handle_command(member("mod"), OWN)
    alice = member("alice")
    await core.handle_command(alice, "join")
    runner = Runner(core)
    follow_ups: list[str] = []
    for week in range(26):  # 25 library prompts in multipliers + the community's own
        await runner.advance(timedelta(days=7))
        replies = await core.handle_message(alice, f"Week {week} reflection.")
        follow_ups += [r.text for r in replies]

    async def sent(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Delivery.prompt_id)))

    ids = await core.db.run(sent)
    assert "c1-1" in ids, "the community's own prompt joined the rotation"
    assert any("What will you hand over next?" in text for text in follow_ups)
