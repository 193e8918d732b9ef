"""A member's own reflections as the web page shows them: every answer and note, searched,
and edited in place under the same rules as an edit made in chat.

Like `/pln history` it reads every linked identity of the person, and nothing of anyone
else: each query starts from the member's own ids. Deleting and sharing are the chat
commands themselves (`/pln delete`, `/pln share`), run by the page through the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.actors import Actor
from bot.core.context import Context, ContextRunner
from bot.core.formatting import local_date
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Messenger
from bot.core.reflections import (
    EDIT_PAST_ANSWER_LIMIT,
    INVISIBLE,
    MAX_ANSWER_CHARS,
    MAX_MESSAGE_CHARS,
    edit_too_long,
    storable,
)
from bot.core.revisit_quotes import requote
from bot.core.sharing import taken_down_after_edit, unknown_answer, unshare
from bot.store import reflections as reflection_store
from bot.store import shares as share_store
from bot.store.identities import linked_member_ids
from bot.store.models import Answer, Delivery, FreeNote

READ_LIMIT = 2_000  # per identity: years of weekly answers; the page never grows unbounded

NOT_A_MEMBER_PAGE = plain("You are not a member of this PLN any more, so there is nothing here.")
STALE_EDIT = plain(
    "Your answer changed since you opened it (a message was added or deleted in chat), so "
    "nothing was saved. Open it again to edit what it holds now."
)
EMPTY_EDIT = plain(
    "That would leave the entry empty, so nothing was saved. To remove it, press Delete."
)


@dataclass(frozen=True)
class ReflectionEntry:
    """One answer (with its prompt) or one note, as its author sees it."""

    number: int  # the author's own number, #12: what /pln delete and /pln share take
    kind: str  # "answer" or "note"
    at: datetime  # when the prompt came (an answer) or the note was written
    day: str  # `at` in the member's zone: "Tue 05 Jan 2027"
    prompt: str | None  # the question answered; None for a note
    parts: tuple[str, ...]  # an answer's messages in order; a note's one text
    shared: bool  # shared with the PLN (or being shared)

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)

    def matches(self, search: str) -> bool:
        """Whether every word searched for is in the text or the prompt (any case)."""
        haystack = f"{self.prompt or ''}\n{self.text}".casefold()
        return all(word in haystack for word in search.casefold().split())


async def my_reflections(ctx: Context, search: str = "") -> list[ReflectionEntry]:
    """Every answer and note of the person, newest first; only those matching `search`."""
    member = ctx.member
    if member is None:
        return []
    answers: list[tuple[Answer, Delivery]] = []
    notes: list[FreeNote] = []
    for member_id in await linked_member_ids(ctx.session, member):
        answers += await reflection_store.recent_answers(ctx.session, member_id, READ_LIMIT)
        notes += await reflection_store.recent_notes(ctx.session, member_id, READ_LIMIT)
    shared = await share_store.shared_answer_ids(ctx.session, [a.id for a, _ in answers])
    entries = [
        _answer_entry(ctx, answer, delivery, answer.id in shared) for answer, delivery in answers
    ]
    entries += [_note_entry(ctx, note) for note in notes]
    entries.sort(key=lambda entry: (entry.at, entry.number), reverse=True)
    return [entry for entry in entries if entry.matches(search)] if search.strip() else entries


async def my_reflection(ctx: Context, number: int) -> ReflectionEntry | None:
    """The person's answer or note with this number; None when it is not theirs."""
    found = await _own(ctx, number)
    if found is None:
        return None
    if isinstance(found, FreeNote):
        return _note_entry(ctx, found)
    answer, delivery = found
    shared = await share_store.shared_answer_ids(ctx.session, [answer.id])
    return _answer_entry(ctx, answer, delivery, answer.id in shared)


@dataclass(frozen=True)
class Edited:
    """What became of an edit: saved (or nothing to change), or refused, and the reply;
    `also`: what became of the answer's post in the PLN channel, when it was shared."""

    saved: bool
    reply: OutgoingMessage
    also: OutgoingMessage | None = None


async def edit_and_take_down(
    run: ContextRunner, messenger: Messenger, actor: Actor, number: int, parts: Sequence[str]
) -> Edited:
    """`edit_reflection`, and as after an edit in chat, a shared answer whose words changed
    has its post taken down (it showed the old words; the bot never republishes on its
    own). The post comes down after the edit is saved, so a refused edit leaves it up."""
    before = await run(actor, lambda ctx: my_reflection(ctx, number))
    edited = await run(actor, lambda ctx: edit_reflection(ctx, number, parts))
    if not edited.saved or before is None or not before.shared:
        return edited
    after = await run(actor, lambda ctx: my_reflection(ctx, number))
    if after is None or after.parts == before.parts:
        return edited
    said = await unshare(run, messenger, actor, number)
    still = await run(actor, lambda ctx: my_reflection(ctx, number))
    if still is not None and not still.shared:
        return replace(edited, also=taken_down_after_edit(number))
    return replace(edited, also=said[0] if said else None)


async def edit_reflection(ctx: Context, number: int, parts: Sequence[str]) -> Edited:
    """Replace the text of the member's answer (each of its messages) or note.

    The rules are those of an edit in chat: each message holds at most MAX_MESSAGE_CHARS,
    the answer at most MAX_ANSWER_CHARS, and a message emptied is removed from the answer.
    `parts` must be as many as the answer holds now: one added or deleted in chat since the
    page was opened makes the edit stale, and nothing is saved.
    """
    if ctx.member is None:
        return Edited(False, NOT_A_MEMBER_PAGE)
    found = await _own(ctx, number)
    if found is None:
        return Edited(False, unknown_answer(number))
    texts = [text.replace("\r\n", "\n") for text in parts]
    for text in texts:
        if len(text) > MAX_MESSAGE_CHARS:
            return Edited(False, edit_too_long(len(text)))
    kept = [text for text in texts if text.translate(INVISIBLE).strip()]
    if not kept:
        return Edited(False, EMPTY_EDIT)
    if isinstance(found, FreeNote):
        if len(texts) != 1:
            return Edited(False, STALE_EDIT)
        found.text = storable(texts[0])
        return Edited(True, plain(f"Saved your edit of note #{number}."))
    answer, delivery = found
    if len(texts) != len(answer.parts):
        return Edited(False, STALE_EDIT)
    if sum(len(text) for text in kept) > MAX_ANSWER_CHARS:
        return Edited(False, EDIT_PAST_ANSWER_LIMIT)
    changed = False
    for part, text in zip(list(answer.parts), texts, strict=True):
        if not text.translate(INVISIBLE).strip():
            answer.parts.remove(part)  # as a message deleted in chat: it leaves the answer
            changed = True
        elif part.text != storable(text):
            part.text = storable(text)
            part.edited_at = ctx.now
            changed = True
    if not changed:
        return Edited(True, plain(f"Nothing changed in #{number}."))
    answer.updated_at = ctx.now
    await ctx.session.flush()
    await requote(ctx.session, await linked_member_ids(ctx.session, ctx.member), delivery.id)
    return Edited(True, plain(f"Saved your edit of #{number}."))


async def _own(ctx: Context, number: int) -> tuple[Answer, Delivery] | FreeNote | None:
    if ctx.member is None:
        return None
    ids = await linked_member_ids(ctx.session, ctx.member)
    found = await share_store.own_answer(ctx.session, ids, number)
    if found is not None:
        return found
    return await reflection_store.own_note(ctx.session, ids, number)


def _answer_entry(
    ctx: Context, answer: Answer, delivery: Delivery, shared: bool
) -> ReflectionEntry:
    at = delivery.sent_at or delivery.due_at
    return ReflectionEntry(
        number=answer.number or 0,
        kind="answer",
        at=at,
        day=local_date(at, ctx.zone),
        prompt=delivery.prompt_text,
        parts=tuple(part.text for part in answer.parts),
        shared=shared,
    )


def _note_entry(ctx: Context, note: FreeNote) -> ReflectionEntry:
    return ReflectionEntry(
        number=note.number or 0,
        kind="note",
        at=note.created_at,
        day=local_date(note.created_at, ctx.zone),
        prompt=None,
        parts=(note.text,),
        shared=False,
    )
