"""The audit log of moderator actions: who ran which moderator command, and when.

The dispatcher writes one `moderator_action` row per moderator command, decided by the
registry's flags (`moderator_only`, `moderator_action`), so no handler can forget it. A row
holds the command's name and the moderator's platform id, never what they typed: a prompt a
moderator adds, and anything a member wrote, stays out of the log. `/pln audit` shows these
with the content-free `audit_event` rows (erasures, purges) in one list.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.store import moderators as moderator_store
from bot.store.erasure import ERASURE
from bot.store.retention import PURGE_EVENT

DEFAULT_ROWS, MAX_ROWS = 20, 100
EVENT_WORDS = {
    ERASURE: "a member's data was erased on request",
    PURGE_EVENT: "the retention job deleted old answers",
}


def record(ctx: Context, command: str) -> None:
    """One row for this moderator command, in the command's own unit of work."""
    who = ctx.member.id if ctx.member is not None else ctx.actor.user_id
    moderator_store.record_command(ctx.session, ctx.community.id, who, command, ctx.now)


def person(user_id: str, name: str | None = None) -> str:
    """How the bot names a moderator: their display name and platform id, or the id alone.

    Not a platform mention: replies are escaped (Slack) so nothing in them pings anyone.
    """
    return f"{name} ({user_id})" if name and name != user_id else user_id


async def show_audit(ctx: Context, rows: int) -> list[OutgoingMessage]:
    """The latest `rows` audit entries, newest first, in the moderator's zone."""
    events = await moderator_store.recent_entries(ctx.session, ctx.community.id, rows)
    if not events:
        return [plain("The audit log is empty: no moderator command has been run yet.")]
    lines = [f"The last {len(events)} entries of the audit log, newest first:"]
    for event in events:
        when = event.happened_at.astimezone(ctx.zone).strftime("%a %d %b %Y %H:%M")
        if event.command is not None:
            who = "an erased member"
            if event.actor_id is not None:
                who = person(event.actor_id, event.actor_name)
            lines.append(f"• {when} — {who} ran `/pln {event.command}`")
        else:
            kind = event.kind or ""
            what = EVENT_WORDS.get(kind, kind.replace("_", " "))
            counted = f" ({event.count})" if event.count else ""
            lines.append(f"• {when} — {what}{counted}")
    return [plain("\n".join(lines))]
