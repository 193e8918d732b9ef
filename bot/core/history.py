"""`/pln history`: a member's latest answers on every linked identity, newest first."""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Context
from bot.core.formatting import cut, local_date
from bot.core.messages import OutgoingMessage, plain
from bot.store import reflections as reflection_store
from bot.store import shares as share_store
from bot.store.identities import linked_member_ids
from bot.store.models import Answer, Delivery, Member

HISTORY_ENTRY_CHARS = 1_000


async def history(ctx: Context, limit: int) -> list[OutgoingMessage]:
    """The member's latest answers on every linked identity, newest first, with the short
    ids `/pln delete` and `/pln share` take, and whether each is shared."""
    member = ctx.require_member()
    rows: list[tuple[Answer, Delivery]] = []
    for member_id in await linked_member_ids(ctx.session, member):
        rows += await reflection_store.recent_answers(ctx.session, member_id, limit)
    rows.sort(key=lambda row: (row[1].sent_at or row[1].due_at, row[0].id), reverse=True)
    rows = rows[:limit]
    if not rows:
        return [
            plain("You haven't answered a prompt yet. When your next prompt arrives, just reply.")
        ]
    shared = await share_store.shared_answer_ids(ctx.session, [answer.id for answer, _ in rows])
    newest = rows[0][0].id
    lines = [
        f"Your last {len(rows)} answer{'s' if len(rows) != 1 else ''} "
        "(only you can see these, unless you shared one). "
        f"`/pln delete #{newest}` removes one, `/pln share #{newest}` shares it."
    ]
    for answer, delivery in rows:
        visibility = "shared with the PLN" if answer.id in shared else "private"
        lines.append("")
        lines.append(
            f"#{answer.id} · {_when(delivery, member, ctx)} · {visibility} · {delivery.prompt_text}"
        )
        lines.append(cut(answer.text, HISTORY_ENTRY_CHARS))
    return [plain("\n".join(lines))]


def _when(delivery: Delivery, member: Member, ctx: Context) -> str:
    sent: datetime = delivery.sent_at or delivery.due_at
    return local_date(sent, ctx.zone)
