"""A direct message that could belong to several communities waits for its author to say
which one, instead of being guessed.

On Discord one DM channel serves every guild a member shares with the bot. A reply to a
prompt goes to that prompt's guild (bot/store/dm_routing.py); a message with nothing to go
by, from a member of several guilds who has had no prompt yet, is held (bot/store/
pending_dms.py) and answered with one button per community. The press places the message
exactly as a DM of that community alone would have; an edit or a deletion before the press
follows it. Nothing is lost while the member chooses, and nothing waits longer than a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import reflections
from bot.core.actions import ActionSpec
from bot.core.actors import CommunityRef
from bot.core.context import Context
from bot.core.events import DirectUser
from bot.core.messages import Button, OutgoingMessage, plain
from bot.store import pending_dms as store
from bot.store.database import Database

PLACE_ACTION = "pln.dm.place"
# a platform shows a handful of buttons in a row; more communities than this get the first
# ones and a word on typing in the server instead
MAX_CHOICES = 5

GONE = plain(
    "That message has already been placed, or it waited more than a day. Send it again "
    "and I'll ask where it goes."
)


def choice_value(pending_id: int, community: CommunityRef) -> str:
    """What one community's button carries: the waiting message and the community."""
    return f"{pending_id}.{community.external_id}"


def chosen_community(value: str) -> tuple[int, str] | None:
    """The (waiting message id, community id on the platform) a button names, if well formed."""
    pending, dot, community = value.partition(".")
    if not dot or not pending.isdecimal() or len(pending) > 18 or not community:
        return None
    return int(pending), community


async def hold(
    db: Database,
    who: DirectUser,
    text: str,
    message_ref: str | None,
    communities: Sequence[CommunityRef],
    now: datetime,
) -> OutgoingMessage:
    """Keep the message and ask which community it is for, one button each."""

    async def keep(session: AsyncSession) -> int:
        return await store.hold(
            session,
            platform=who.platform,
            user_id=who.user_id,
            message_ref=message_ref,
            text=text,
            now=now,
        )

    pending_id = await db.run(keep)
    shown = list(communities[:MAX_CHOICES])
    more = (
        f" (and {len(communities) - len(shown)} more: for those, write it in that server)"
        if len(communities) > len(shown)
        else ""
    )
    return OutgoingMessage(
        text=(
            f"You're in {len(communities)} PLNs here, and this message doesn't reply to a "
            f"prompt. Which one is it for{more}? I'll keep it as a private note there; "
            "until you choose it is kept for a day and nobody sees it."
        ),
        buttons=tuple(
            Button(c.name or c.external_id, PLACE_ACTION, choice_value(pending_id, c))
            for c in shown
        ),
    )


async def place(ctx: Context, pending_id: int) -> list[OutgoingMessage]:
    """The member chose this community: the message is handled as if written here."""
    member = ctx.require_member()
    row = await store.take(
        ctx.session, member.platform, member.platform_user_id, pending_id, ctx.now
    )
    if row is None:
        return [GONE]
    return await reflections.record_message(ctx, row.text, row.message_id, None)


ACTIONS = (ActionSpec(PLACE_ACTION, handler=place, routes_by="pending"),)
