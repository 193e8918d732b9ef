"""The web page's "my reflections": every answer and note of the member, searched, and edited
under the rules of an edit in chat (the same refusals, word for word).

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable
from datetime import timedelta

from bot.core.my_reflections import (
    EMPTY_EDIT,
    STALE_EDIT,
    Edited,
    ReflectionEntry,
    edit_and_take_down,
    edit_reflection,
    my_reflection,
    my_reflections,
)
from bot.core.reflections import MAX_ANSWER_CHARS, MAX_MESSAGE_CHARS
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.core.sharing import taken_down_after_edit, unknown_answer
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

ALICE = member("alice")
BOB = member("bob")

NOTE = "A note before any prompt: the Quokkaville timetable."
FIRST = "Week one: the charging trolleys arrived."
MORE = "And the technician labelled every one of them."
BOB_SECRET = "Bob's Zanzibar spreadsheet stays his."


async def a_few_weeks(core: PlnCore) -> None:
    """alice writes a note, then answers a prompt in two messages; bob answers too."""
    for actor in (ALICE, BOB):
        await core.handle_command(actor, "join")
    await core.handle_message(ALICE, NOTE, message_ref="m-note")
    await Runner(core).advance(timedelta(days=7))
    await core.handle_message(ALICE, FIRST, message_ref="m-1")
    await core.handle_message(ALICE, MORE, message_ref="m-2")
    await core.handle_message(BOB, BOB_SECRET, message_ref="b-1")


async def entries(core: PlnCore, actor: object = ALICE, search: str = "") -> list[ReflectionEntry]:
    return await core.with_context(actor, lambda ctx: my_reflections(ctx, search))  # type: ignore[arg-type]


async def edit(core: PlnCore, number: int, parts: list[str], actor: object = ALICE) -> str:
    edited = await core.with_context(actor, lambda ctx: edit_reflection(ctx, number, parts))  # type: ignore[arg-type]
    assert edited.saved == edited.reply.text.startswith(("Saved", "Nothing changed"))
    return edited.reply.text


async def test_lists_every_answer_and_note_newest_first_and_only_her_own(core: PlnCore) -> None:
    await a_few_weeks(core)
    answer, note = await entries(core)
    assert answer.kind == "answer" and answer.parts == (FIRST, MORE)
    assert answer.prompt and not answer.shared
    assert note.kind == "note" and note.text == NOTE and note.prompt is None
    assert {answer.number, note.number} == {1, 2}
    assert BOB_SECRET not in repr(await entries(core))
    (bobs,) = await entries(core, BOB)
    assert bobs.text == BOB_SECRET


async def test_search_finds_words_in_the_text_or_the_prompt_in_any_case(core: PlnCore) -> None:
    await a_few_weeks(core)
    assert [e.kind for e in await entries(core, search="quokkaville")] == ["note"]
    assert [e.kind for e in await entries(core, search="TECHNICIAN trolleys")] == ["answer"]
    (answer,) = await entries(core, search="technician")
    prompt_word = (answer.prompt or "").split()[-1]
    assert [e.kind for e in await entries(core, search=prompt_word)] == ["answer"]
    assert await entries(core, search="technician quokkaville") == []
    assert await entries(core, search="zanzibar") == []  # bob's words are never searched


async def test_an_edit_changes_the_parts_and_later_chat_edits_still_find_them(
    core: PlnCore,
) -> None:
    await a_few_weeks(core)
    (answer,) = await entries(core, search="trolleys")
    said = await edit(core, answer.number, [FIRST, "The technician labelled most of them."])
    assert said == f"Saved your edit of #{answer.number}."
    found = await core.with_context(ALICE, lambda ctx: my_reflection(ctx, answer.number))
    assert found is not None and found.parts == (FIRST, "The technician labelled most of them.")
    # the first message is still the platform's message: a chat edit of it still applies
    await core.handle_message_edit(ALICE, "m-1", "Week one: the trolleys came late.")
    found = await core.with_context(ALICE, lambda ctx: my_reflection(ctx, answer.number))
    assert found is not None and found.parts[0] == "Week one: the trolleys came late."


async def test_emptying_one_message_removes_it_and_emptying_all_is_refused(
    core: PlnCore,
) -> None:
    await a_few_weeks(core)
    (answer,) = await entries(core, search="trolleys")
    assert await edit(core, answer.number, ["  ", "   "]) == EMPTY_EDIT.text
    assert await edit(core, answer.number, [FIRST, ""]) == f"Saved your edit of #{answer.number}."
    found = await core.with_context(ALICE, lambda ctx: my_reflection(ctx, answer.number))
    assert found is not None and found.parts == (FIRST,)


async def test_a_note_is_edited_too(core: PlnCore) -> None:
    await a_few_weeks(core)
    (note,) = await entries(core, search="quokkaville")
    assert await edit(core, note.number, ["A note, now tidier."]) == (
        f"Saved your edit of note #{note.number}."
    )
    assert (await entries(core, search="tidier"))[0].number == note.number


async def test_too_long_edits_get_the_chat_edit_refusals_word_for_word(core: PlnCore) -> None:
    await a_few_weeks(core)
    (answer,) = await entries(core, search="trolleys")
    huge = "x" * (MAX_MESSAGE_CHARS + 1)
    (in_chat,) = await core.handle_message_edit(ALICE, "m-1", huge)
    assert await edit(core, answer.number, [huge, MORE]) == in_chat.text
    # the two parts together past what one answer holds
    near = "y" * MAX_MESSAGE_CHARS
    parts_needed = MAX_ANSWER_CHARS // MAX_MESSAGE_CHARS + 1
    for index in range(parts_needed - 1):
        await core.handle_message(ALICE, near, message_ref=f"m-extra-{index}")
    found = await core.with_context(ALICE, lambda ctx: my_reflection(ctx, answer.number))
    assert found is not None
    too_much = [near] * len(found.parts)
    (chat_refusal,) = await core.handle_message_edit(ALICE, "m-1", near)
    said = await edit(core, answer.number, too_much)
    assert said == chat_refusal.text and "one answer can" in said
    unchanged = await core.with_context(ALICE, lambda ctx: my_reflection(ctx, answer.number))
    assert unchanged == found


async def test_a_stale_form_saves_nothing(core: PlnCore) -> None:
    await a_few_weeks(core)
    (answer,) = await entries(core, search="trolleys")
    assert await edit(core, answer.number, ["only one part now"]) == STALE_EDIT.text
    still = await core.with_context(ALICE, lambda ctx: my_reflection(ctx, answer.number))
    assert still is not None and still.parts == (FIRST, MORE)


async def test_another_members_number_is_an_unknown_number(core: PlnCore) -> None:
    await a_few_weeks(core)
    (bobs,) = await entries(core, BOB)
    mine = {entry.number for entry in await entries(core)}
    unknown = max(mine) + 1
    assert await edit(core, unknown, ["hijack"]) == unknown_answer(unknown).text
    # bob's own #1 is alice's #1: the number only ever finds her own
    await edit(core, bobs.number, ["hers, not bob's"])
    (bobs_after,) = await entries(core, BOB)
    assert bobs_after.text == BOB_SECRET


async def test_editing_a_shared_answer_takes_its_post_down_as_a_chat_edit_does(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    moderator = dataclasses.replace(member("mod"), channel_id="C-PLN")
    await core.handle_command(moderator, "join")
    await core.handle_command(moderator, "channel here")
    await a_few_weeks(core)
    (answer,) = await entries(core, search="trolleys")
    await core.handle_command(ALICE, f"share #{answer.number}")
    assert messenger.deleted_refs == []

    def edit_shared(parts: list[str]) -> Awaitable[Edited]:
        return edit_and_take_down(core.with_context, messenger, ALICE, answer.number, parts)

    refused = await edit_shared(["x" * (MAX_MESSAGE_CHARS + 1), MORE])
    assert not refused.saved and refused.also is None
    assert messenger.deleted_refs == [], "a refused edit leaves the post up"
    unchanged = await edit_shared([FIRST, MORE])
    assert unchanged.saved and unchanged.also is None and messenger.deleted_refs == []

    edited = await edit_shared([FIRST, "A kinder version."])

    assert edited.saved and edited.also == taken_down_after_edit(answer.number)
    assert len(messenger.deleted_refs) == 1
    (after,) = await entries(core, search="kinder")
    assert not after.shared
