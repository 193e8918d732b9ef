"""Moderators added in chat, and the audit log every moderator command writes to.

The registry's flags decide both: a `moderator_only` command refuses members politely and,
run by a moderator, leaves one audit row (who and which command, never what was typed).
On a real SQLite file and real PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.core.commands import command_specs
from bot.core.replies import MODERATORS_ONLY
from bot.core.service import PlnCore
from bot.store.models import Member
from bot.store.moderator_models import ModeratorAction
from tests.support.actors import member

MODERATOR = member("mod")  # console:mod is a moderator in the `config` fixture
SAM, ALICE = member("sam"), member("alice")
MODERATOR_SPECS = [spec for spec in command_specs() if spec.moderator_only]
ADDED_QUESTION = "Which Plimsoll-line metric do you quietly ignore?"


async def _text(core: PlnCore, actor: object, command: str) -> str:
    replies = await core.handle_command(actor, command)  # type: ignore[arg-type]
    return "\n".join(reply.text for reply in replies)


async def _audited(core: PlnCore) -> list[tuple[str | None, str | None]]:
    async def rows(session: object) -> list[tuple[str | None, str | None]]:
        found = await session.execute(  # type: ignore[attr-defined]
            select(
                func.coalesce(Member.platform_user_id, ModeratorAction.actor_id),
                ModeratorAction.command,
            )
            .outerjoin(Member, Member.id == ModeratorAction.member_id)
            .order_by(ModeratorAction.id)
        )
        return [tuple(row) for row in found]

    return await core.db.run(rows)


async def test_a_moderator_adds_a_member_who_can_then_moderate(core: PlnCore) -> None:
    for actor in (SAM, ALICE):
        await core.handle_command(actor, "join")
    assert await _text(core, SAM, "prompts list") == MODERATORS_ONLY.text

    added = await _text(core, MODERATOR, "moderators add @sam")

    assert "sam is now a moderator" in added
    assert await _text(core, SAM, "prompts list") != MODERATORS_ONLY.text
    # a command that runs outside the unit of work (prompt now) checks the table too
    assert await _text(core, SAM, "prompt now") != MODERATORS_ONLY.text
    assert await _text(core, ALICE, "prompts list") == MODERATORS_ONLY.text


async def test_the_list_shows_who_is_a_moderator_and_how(core: PlnCore) -> None:
    await core.handle_command(MODERATOR, "moderators add sam")

    listed = await _text(core, MODERATOR, "moderators list")

    assert "• mod (PLN_MODERATORS; not removable in chat)" in listed
    assert "• sam (added by mod," in listed
    assert await _text(core, MODERATOR, "moderators") == listed


async def test_a_settings_moderator_cannot_be_removed_in_chat(core: PlnCore) -> None:
    await core.handle_command(MODERATOR, "moderators add sam")

    refused = await _text(core, SAM, "moderators remove mod")

    assert "stays one" in refused
    assert await _text(core, MODERATOR, "prompts list") != MODERATORS_ONLY.text


async def test_a_removed_moderator_is_refused_again(core: PlnCore) -> None:
    await core.handle_command(SAM, "join")
    await core.handle_command(MODERATOR, "moderators add sam")

    removed = await _text(core, MODERATOR, "moderators remove @sam")

    assert "sam is no longer a moderator" in removed
    assert await _text(core, SAM, "prompts list") == MODERATORS_ONLY.text
    assert "nothing to remove" in await _text(core, MODERATOR, "moderators remove sam")


@pytest.mark.parametrize("spec", MODERATOR_SPECS, ids=lambda spec: spec.name)
async def test_members_are_refused_every_moderator_command_politely(
    core: PlnCore, spec: object
) -> None:
    """Walks the registry: whatever `moderator_only` command there is, its example typed by
    a member (joined or not) gets the polite refusal, and nothing is audited."""
    await core.handle_command(ALICE, "join")
    example = spec.example  # type: ignore[attr-defined]

    for actor in (ALICE, SAM):
        replies = await core.handle_command(actor, example)
        assert [reply.text for reply in replies] == [MODERATORS_ONLY.text], example

    assert await _audited(core) == []


async def test_every_moderator_command_is_audited_with_who_and_which(core: PlnCore) -> None:
    for spec in MODERATOR_SPECS:
        await core.handle_command(MODERATOR, spec.example)

    assert await _audited(core) == [("mod", spec.name) for spec in MODERATOR_SPECS]


async def test_the_audit_log_names_commands_never_what_was_typed(core: PlnCore) -> None:
    await core.handle_command(MODERATOR, "join")
    await core.handle_command(ALICE, "join")
    await core.handle_command(
        MODERATOR,
        f"prompts add olf/using-data | {ADDED_QUESTION} | What would change if you did not?",
    )
    await core.handle_command(MODERATOR, "track all")  # choosing a track: a moderator's action
    await core.handle_command(MODERATOR, "track")  # only looking: not audited
    await core.handle_command(ALICE, "track all")  # a member's attempt changes nothing

    log = await _text(core, MODERATOR, "audit 3")

    lines = log.splitlines()
    assert lines[0] == "The last 3 entries of the audit log, newest first:"
    assert lines[1].endswith("mod ran `/pln audit`")
    assert lines[2].endswith("mod ran `/pln track`")
    assert lines[3].endswith("mod ran `/pln prompts add`")
    assert "plimsoll" not in log.casefold()
    assert await _text(core, ALICE, "audit") == MODERATORS_ONLY.text


async def test_an_erased_moderator_leaves_no_id_in_the_audit_log(core: PlnCore) -> None:
    await core.handle_command(SAM, "join")
    await core.handle_command(MODERATOR, "moderators add sam")
    await core.handle_command(SAM, "prompts list")
    await core.handle_command(SAM, "forget-me confirm")

    log = await _text(core, MODERATOR, "audit")

    assert "an erased member ran `/pln prompts list`" in log
    assert ("sam", "prompts list") not in await _audited(core)
