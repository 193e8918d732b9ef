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
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Outcome,
)
from bot.core.pending_dms import GONE, PLACE_ACTION
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


NOTE = "Idea for the term: a shared folder of device-loan forms, one per year group."


async def _notes(db: Database, community: CommunityRef) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.store.models import Community, FreeNote, Member

    async def read(session: AsyncSession) -> list[str]:
        notes = await session.scalars(
            select(FreeNote)
            .join(Member, Member.id == FreeNote.member_id)
            .join(Community, Community.id == Member.community_id)
            .where(Community.external_id == community.external_id)
        )
        return [note.text for note in notes]

    return await db.run(read)


async def _alice_in_two_guilds_unprompted(core: PlnCore) -> None:
    for guild in (GUILD_A, GUILD_B):
        await core.handle_command(ALICE_IN[guild], "join")


def _choice(outcome: Outcome, guild: CommunityRef) -> str:
    """The value of the button for `guild` in the bot's "which PLN?" question."""
    (question,) = outcome.replies
    (button,) = [b for b in question.buttons if b.label == guild.name]
    assert button.action_id == PLACE_ACTION
    return button.value


async def test_a_dm_with_nothing_to_go_by_waits_for_the_member_to_choose_the_guild(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    """No prompt yet in either guild, no reply to anything: the bot asks which PLN with a
    button each, keeps the message meanwhile, and files it where she chooses (issue 13)."""
    core = make_core(RecordingMessenger(platform="discord"))
    await _alice_in_two_guilds_unprompted(core)

    asked = await core.handle(MessagePosted(ALICE_DM, NOTE, "dm-9"))

    assert sorted(b.label for b in asked.replies[0].buttons) == sorted([GUILD_A.name, GUILD_B.name])
    assert "2 PLNs" in asked.replies[0].text and NOTE not in asked.replies[0].text
    assert await _notes(db, GUILD_A) == [] and await _notes(db, GUILD_B) == []
    placed = await core.handle(ButtonPressed(ALICE_DM, PLACE_ACTION, _choice(asked, GUILD_A)))
    assert "private note" in placed.replies[0].text
    assert await _notes(db, GUILD_A) == [NOTE] and await _notes(db, GUILD_B) == []
    again = await core.handle(ButtonPressed(ALICE_DM, PLACE_ACTION, _choice(asked, GUILD_B)))
    assert again.replies == (GONE,)
    assert await _notes(db, GUILD_B) == []


async def test_an_edit_of_a_waiting_dm_is_placed_and_a_deleted_one_never_is(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    core = make_core(RecordingMessenger(platform="discord"))
    await _alice_in_two_guilds_unprompted(core)
    edited = NOTE + " Ask the Year 7 team first."

    asked = await core.handle(MessagePosted(ALICE_DM, NOTE, "dm-1"))
    assert (await core.handle(MessageEdited(ALICE_DM, "dm-1", edited))).replies == ()
    await core.handle(ButtonPressed(ALICE_DM, PLACE_ACTION, _choice(asked, GUILD_B)))
    assert await _notes(db, GUILD_B) == [edited]

    asked = await core.handle(MessagePosted(ALICE_DM, "Draft I will regret", "dm-2"))
    assert (await core.handle(MessageDeleted(ALICE_DM, "dm-2"))).replies == ()
    gone = await core.handle(ButtonPressed(ALICE_DM, PLACE_ACTION, _choice(asked, GUILD_A)))
    assert gone.replies == (GONE,)
    assert await _notes(db, GUILD_A) == []


async def test_a_waiting_dm_is_kept_a_day_and_only_its_author_can_place_it(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    core = make_core(RecordingMessenger(platform="discord"))
    await _alice_in_two_guilds_unprompted(core)
    await core.handle_command(Actor(GUILD_A, "666", "mallory"), "join")
    await core.handle_command(Actor(GUILD_B, "666", "mallory"), "join")
    mallory = DirectUser("discord", "666", "mallory")

    asked = await core.handle(MessagePosted(ALICE_DM, NOTE, "dm-1"))
    forged = await core.handle(ButtonPressed(mallory, PLACE_ACTION, _choice(asked, GUILD_A)))
    assert NOTE not in " ".join(r.text for r in forged.replies)
    assert await _notes(db, GUILD_A) == []

    assert isinstance(core.clock, SimulatedClock)
    core.clock.advance(timedelta(days=1, seconds=1))
    late = await core.handle(ButtonPressed(ALICE_DM, PLACE_ACTION, _choice(asked, GUILD_A)))
    assert late.replies == (GONE,)
    assert await _notes(db, GUILD_A) == []


async def test_an_empty_dm_is_refused_without_asking_and_one_guild_needs_no_question(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    core = make_core(RecordingMessenger(platform="discord"))
    await _alice_in_two_guilds_unprompted(core)
    refused = await core.handle(MessagePosted(ALICE_DM, "   ", "dm-1"))
    assert refused.replies[0].buttons == ()

    await core.handle_command(Actor(GUILD_A, "77", "bea"), "join")
    bea = await core.handle(MessagePosted(DirectUser("discord", "77", "bea"), NOTE, "dm-2"))
    assert "private note" in bea.replies[0].text
    assert await _notes(db, GUILD_A) == [NOTE]
