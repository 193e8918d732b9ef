"""A member of two Discord guilds has one DM with the bot: what she writes or presses there
belongs to the community of what it refers to, not to the guild she joined last.

Discord DMs carry no guild, so the adapter hands the core a `DirectUser`; the core routes
it. Runs on a real SQLite file and on the real PostgreSQL server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.events import (
    ButtonPressed,
    CommandEntered,
    DirectUser,
    FormSubmitted,
    MessageEdited,
    MessagePosted,
)
from bot.core.prompt_messages import ANSWER_FORM_ACTION, SKIP_ACTION
from bot.core.service import PlnCore
from bot.store.database import Database
from tests.support.messenger import RecordingMessenger

GUILD_A = CommunityRef("discord", "1001", "Northside ICT leads")
GUILD_B = CommunityRef("discord", "2002", "EdTech coaches")
ALICE_IN = {g: Actor(g, "42", "alice") for g in (GUILD_A, GUILD_B)}
MOD_A = Actor(GUILD_A, "7", "mo", platform_admin=True)
ALICE_DM = DirectUser("discord", "42", "alice")

ANSWER = "We moved the device sign-out to the library desk; fewer lost chargers this week."


async def _alice_prompted_in_a_then_joins_b(core: PlnCore, messenger: RecordingMessenger) -> int:
    """Alice joins A, gets A's prompt, then joins B: B is now her most recent guild."""
    await core.handle_command(ALICE_IN[GUILD_A], "join")
    said = await core.handle_command(MOD_A, "prompt now")
    assert "Sent" in said[0].text
    assert isinstance(core.clock, SimulatedClock)
    core.clock.advance(timedelta(hours=1))  # B is joined later: her most recent guild
    await core.handle_command(ALICE_IN[GUILD_B], "join")
    (recipient, prompt) = messenger.sent[-1]
    assert recipient.community_external_id == GUILD_A.external_id
    return int(prompt.metadata["delivery_id"])


async def _answers(db: Database, community: CommunityRef) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.store.models import Answer, Community, Member

    async def read(session: AsyncSession) -> list[str]:
        answers = await session.scalars(
            select(Answer)
            .join(Member, Member.id == Answer.member_id)
            .join(Community, Community.id == Member.community_id)
            .where(Community.external_id == community.external_id)
        )
        return [answer.text for answer in answers]

    return await db.run(read)


async def test_a_plain_dm_reply_answers_the_open_prompt_of_its_guild(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    messenger = RecordingMessenger(platform="discord")
    core = make_core(messenger)
    await _alice_prompted_in_a_then_joins_b(core, messenger)
    outcome = await core.handle(MessagePosted(ALICE_DM, ANSWER, "dm-1"))
    assert "Saved as your answer" in outcome.replies[0].text
    assert await _answers(db, GUILD_A) == [ANSWER]
    assert await _answers(db, GUILD_B) == []


async def test_a_reply_to_a_prompt_goes_to_that_prompts_guild_and_edits_follow(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    messenger = RecordingMessenger(platform="discord")
    core = make_core(messenger)
    await _alice_prompted_in_a_then_joins_b(core, messenger)
    prompt_ref = f"msg-{len(messenger.sent)}"
    await core.handle(MessagePosted(ALICE_DM, ANSWER, "dm-1", reply_to=prompt_ref))
    assert await _answers(db, GUILD_A) == [ANSWER]
    edited = ANSWER + " Next: a sign-out sheet for the trolleys."
    outcome = await core.handle(MessageEdited(ALICE_DM, "dm-1", edited))
    assert await _answers(db, GUILD_A) == [edited], outcome


async def test_the_prompts_buttons_and_form_work_from_the_dm_for_any_guild(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    messenger = RecordingMessenger(platform="discord")
    core = make_core(messenger)
    delivery = await _alice_prompted_in_a_then_joins_b(core, messenger)
    answered = await core.handle(
        FormSubmitted(ALICE_DM, ANSWER_FORM_ACTION, str(delivery), {"answer": ANSWER})
    )
    assert "couldn't find" not in answered.replies[0].text
    assert await _answers(db, GUILD_A) == [ANSWER]
    skipped = await core.handle(ButtonPressed(ALICE_DM, SKIP_ACTION, str(delivery)))
    assert "couldn't find" not in skipped.replies[0].text


async def test_someone_elses_delivery_id_routes_nowhere(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    """A forged press naming another member's delivery does not reach their guild."""
    messenger = RecordingMessenger(platform="discord")
    core = make_core(messenger)
    delivery = await _alice_prompted_in_a_then_joins_b(core, messenger)
    mallory = DirectUser("discord", "666", "mallory")
    await core.handle_command(Actor(GUILD_B, "666", "mallory"), "join")
    outcome = await core.handle(
        FormSubmitted(mallory, ANSWER_FORM_ACTION, str(delivery), {"answer": "forged"})
    )
    assert await _answers(db, GUILD_A) == []
    assert "couldn't find" in outcome.replies[0].text


async def test_a_command_in_the_dm_of_a_member_of_two_guilds_asks_where_instead_of_guessing(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    messenger = RecordingMessenger(platform="discord")
    core = make_core(messenger)
    await _alice_prompted_in_a_then_joins_b(core, messenger)

    asked = await core.handle(CommandEntered(ALICE_DM, "pause"))

    (reply,) = asked.replies
    assert "2 PLNs" in reply.text and GUILD_A.name in reply.text and GUILD_B.name in reply.text
    still = await core.handle(CommandEntered(Actor(GUILD_A, "42", "alice"), "tz"))
    assert "paused" not in still.replies[0].text.casefold()
    helped = await core.handle(CommandEntered(ALICE_DM, "help"))
    assert helped.replies[0].text.startswith("Commands:")


async def test_a_command_in_the_dm_of_a_member_of_one_guild_just_runs(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    messenger = RecordingMessenger(platform="discord")
    core = make_core(messenger)
    await core.handle_command(ALICE_IN[GUILD_A], "join")
    outcome = await core.handle(CommandEntered(ALICE_DM, "pause"))
    assert "Paused" in outcome.replies[0].text or "paused" in outcome.replies[0].text
