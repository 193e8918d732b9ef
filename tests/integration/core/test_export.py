"""`/pln export`: everything held about the member, as Markdown to read and JSON that follows
the documented schema (docs/export.schema.json, generated from bot/core/export_schema.py).

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import answer_number
from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.export_schema import SCHEMA_VERSION, PlnExport, schema_text
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.prompts.library import default_library
from bot.store.database import Database
from bot.store.models import Member
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


def _number(value: str) -> int:
    """The member's answer number a button carries (`n3`)."""
    found = answer_number(value)
    assert found is not None, value
    return found


SCHEMA_FILE = Path(__file__).parents[3] / "docs" / "export.schema.json"

ALICE = member("alice")
BOB = member("bob")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")
ALICE_ON_DISCORD = member("alice#1", CommunityRef("discord", "guild-1", "Guild"))

WEEK_ONE = "Week one: the Quokkaville pilot began."
WEEK_ONE_MORE = "And I will ask the Wexcombe team for help."
WEEK_TWO = "Week two: the Zygomorphic timetable is settling."
NOTE = "A note: call the Xylophagous vendor."
BOB_ANSWER = "Bob's reflection about the carts."
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def answer(core: PlnCore, actor: object, text: str) -> int:
    (saved,) = await core.handle_message(actor, text)  # type: ignore[arg-type]
    return _number(saved.buttons[0].value)


async def a_month_of_reflection(core: PlnCore) -> tuple[int, int]:
    """alice answers two prompts (one in two messages), shares one, skips one, writes a note."""
    for actor in (ALICE, BOB, MODERATOR):
        await core.handle_command(actor, "join")
    await core.handle_command(MODERATOR, "channel here")
    await core.handle_command(ALICE, "tz Europe/London")
    runner = Runner(core)
    await runner.advance(timedelta(days=7))
    first = await answer(core, ALICE, WEEK_ONE)
    await core.handle_message(ALICE, WEEK_ONE_MORE)
    await answer(core, BOB, BOB_ANSWER)
    await runner.advance(timedelta(days=7))
    second = await answer(core, ALICE, WEEK_TWO)
    await core.handle_command(ALICE, f"share #{first}")
    await runner.advance(timedelta(days=7))
    await core.handle_command(ALICE, "skip")
    await core.handle_message(ALICE, NOTE)
    return first, second


async def exported(core: PlnCore, actor: object) -> tuple[OutgoingMessage, str, dict[str, Any]]:
    (reply,) = await core.handle_command(actor, "export")  # type: ignore[arg-type]
    markdown, as_json = reply.files
    return reply, markdown.content.decode(), json.loads(as_json.content)


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


# --- the schema ----------------------------------------------------------------------------------


def test_the_schema_file_is_generated_from_the_models_and_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: python -m bot.core.export_schema > docs/export.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(schema())


def test_the_export_doc_explains_every_top_level_field() -> None:
    doc = (SCHEMA_FILE.parent / "EXPORT.md").read_text(encoding="utf-8")
    for name in PlnExport.model_fields:
        assert f"`{name}`" in doc, name


# --- the export ----------------------------------------------------------------------------------


async def test_export_sends_a_markdown_and_a_json_file_named_by_date(
    core: PlnCore, clock: SimulatedClock
) -> None:
    await a_month_of_reflection(core)

    reply, _, _ = await exported(core, ALICE)

    day = clock.now().date().isoformat()
    assert [(f.filename, f.mime_type) for f in reply.files] == [
        (f"pln-export-{day}.md", "text/markdown"),
        (f"pln-export-{day}.json", "application/json"),
    ]
    assert "2 answers" in reply.text and "1 note," in reply.text
    assert reply.private


async def test_the_json_holds_every_answer_note_skip_and_share_and_validates(
    core: PlnCore, db: Database
) -> None:
    first, second = await a_month_of_reflection(core)

    _, _, data = await exported(core, ALICE)

    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    PlnExport.model_validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    answers = {a["id"]: a for a in data["answers"]}
    assert set(answers) == {first, second}
    assert answers[first]["text"] == f"{WEEK_ONE}\n\n{WEEK_ONE_MORE}"
    assert [p["text"] for p in answers[first]["parts"]] == [WEEK_ONE, WEEK_ONE_MORE]
    assert answers[first]["shared"] is True and answers[second]["shared"] is False
    for item in answers.values():
        prompt = default_library().by_id(item["prompt_id"])
        assert prompt is not None
        assert item["prompt_text"] and item["prompted_at"] and item["answered_at"]
        assert (item["framework_id"], item["element_id"]) == (
            prompt.framework_id,
            prompt.element_id,
        )
    assert [n["text"] for n in data["notes"]] == [NOTE]
    (skip,) = data["skips"]
    assert skip["skipped_at"] and skip["prompt_text"]
    (share,) = data["shares"]
    assert (share["answer_id"], share["status"], share["channel_id"]) == (first, "posted", "C-PLN")
    assert len(data["prompts_received"]) == 3
    assert data["checkin_pairings"] == []
    (identity,) = data["profile"]["identities"]
    assert (identity["platform_user_id"], identity["time_zone"]) == ("alice", "Europe/London")
    assert data["settings"]["time_zone"] == "Europe/London"
    assert data["settings"]["communities"][0]["pln_channel_chosen"] is True
    assert BOB_ANSWER not in json.dumps(data)


async def test_the_markdown_shows_the_same_things_for_people(core: PlnCore) -> None:
    first, second = await a_month_of_reflection(core)

    _, markdown, data = await exported(core, ALICE)

    for text in (WEEK_ONE, WEEK_ONE_MORE, WEEK_TWO, NOTE):
        assert text in markdown
    assert f"### #{first} " in markdown and f"### #{second} " in markdown
    for item in data["answers"]:
        assert item["prompt_text"] in markdown
    assert "## Skipped prompts (1)" in markdown and "## Shared answers (1)" in markdown
    assert "Europe/London" in markdown
    assert BOB_ANSWER not in markdown


async def test_another_members_export_holds_nothing_of_alices(core: PlnCore) -> None:
    await a_month_of_reflection(core)

    reply, markdown, data = await exported(core, BOB)

    everything = reply.text + markdown + json.dumps(data)
    for secret in ("Quokkaville", "Wexcombe", "Zygomorphic", "Xylophagous", "alice"):
        assert secret not in everything
    assert [a["text"] for a in data["answers"]] == [BOB_ANSWER]


async def test_the_export_includes_every_linked_identity(
    core: PlnCore, make_core: Callable[..., PlnCore], clock: SimulatedClock, db: Database
) -> None:
    discord = make_core(RecordingMessenger(platform="discord"))
    await core.handle_command(ALICE, "join")
    await discord.handle_command(ALICE_ON_DISCORD, "join")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await core.run_due_work()
    await discord.run_due_work()
    await answer(core, ALICE, WEEK_ONE)
    await answer(discord, ALICE_ON_DISCORD, WEEK_TWO)

    async def link(session: AsyncSession) -> None:
        ids = list(await session.scalars(select(Member.id)))
        await session.execute(update(Member).values(person_id=min(ids)))

    await db.run(link)

    for side, actor in ((core, ALICE), (discord, ALICE_ON_DISCORD)):
        _, markdown, data = await exported(side, actor)
        jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
        assert sorted(a["text"] for a in data["answers"]) == [WEEK_ONE, WEEK_TWO]
        assert sorted(a["platform"] for a in data["answers"]) == ["console", "discord"]
        platforms = sorted(i["platform"] for i in data["profile"]["identities"])
        assert platforms == ["console", "discord"]
        assert WEEK_ONE in markdown and WEEK_TWO in markdown


async def test_a_member_with_nothing_yet_gets_a_valid_empty_export(core: PlnCore) -> None:
    await core.handle_command(ALICE, "join")

    _, _, data = await exported(core, ALICE)

    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert data["answers"] == [] and data["notes"] == [] and data["prompts_received"] == []


async def test_a_timed_pause_and_a_lighter_rhythm_are_in_the_export(
    core: PlnCore, clock: SimulatedClock
) -> None:
    await core.handle_command(ALICE, "join")
    await core.handle_command(ALICE, "tz Europe/London")
    await core.handle_command(ALICE, "rhythm fortnightly")
    (paused,) = await core.handle_command(ALICE, "pause until 2027-01-10")
    assert "2027" in paused.text, paused.text

    _, markdown, data = await exported(core, ALICE)

    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    (identity,) = data["profile"]["identities"]
    assert identity["paused_at"] is not None
    assert identity["paused_until"].startswith("2027-01-")
    assert identity["prompt_every_weeks"] == 2
    assert " until Sun 10 Jan 2027" in markdown or " until Sat 09 Jan 2027" in markdown
    assert "prompts every other week" in markdown
