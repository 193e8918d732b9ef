"""`/pln history`: what a member wrote on every linked identity, newest first: answers
and the notes kept when no prompt was open, each with the number `/pln delete` takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.context import Context
from bot.core.formatting import cut, local_date
from bot.core.messages import OutgoingMessage, plain
from bot.store import reflections as reflection_store
from bot.store import shares as share_store
from bot.store.identities import linked_member_ids

HISTORY_ENTRY_CHARS = 1_000


@dataclass(frozen=True)
class _Entry:
    number: int
    at: datetime
    heading: str  # after the date: "private · <prompt>" or "note"
    text: str


async def history(ctx: Context, limit: int) -> list[OutgoingMessage]:
    """The member's latest answers and notes, newest first, with their numbers, whether
    each answer is shared, and notes marked as notes."""
    member = ctx.require_member()
    ids = await linked_member_ids(ctx.session, member)
    answers = []
    notes = []
    for member_id in ids:
        answers += await reflection_store.recent_answers(ctx.session, member_id, limit)
        notes += await reflection_store.recent_notes(ctx.session, member_id, limit)
    shared = await share_store.shared_answer_ids(ctx.session, [a.id for a, _ in answers])
    entries = [
        _Entry(
            answer.number or 0,
            delivery.sent_at or delivery.due_at,
            f"{'shared with the PLN' if answer.id in shared else 'private'} · "
            f"{delivery.prompt_text}",
            answer.text,
        )
        for answer, delivery in answers
    ] + [
        _Entry(note.number or 0, note.created_at, "note (no prompt was open)", note.text)
        for note in notes
    ]
    entries.sort(key=lambda entry: (entry.at, entry.number), reverse=True)
    entries = entries[:limit]
    if not entries:
        return [
            plain("You haven't answered a prompt yet. When your next prompt arrives, just reply.")
        ]
    newest = entries[0].number
    lines = [
        f"Your last {len(entries)} entr{'ies' if len(entries) != 1 else 'y'}: answers and "
        "notes (only you can see these, unless you shared an answer). "
        f"`/pln delete #{newest}` removes one; `/pln share #<number>` shares an answer."
    ]
    for entry in entries:
        lines.append("")
        lines.append(f"#{entry.number} · {local_date(entry.at, ctx.zone)} · {entry.heading}")
        lines.append(cut(entry.text, HISTORY_ENTRY_CHARS))
    return [plain("\n".join(lines))]
