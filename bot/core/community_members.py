"""The member picker of the moderators' settings page (who to make a moderator): the active
members' names and platform ids, moderators only, and nothing any member wrote."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.page_access import require_moderator
from bot.store import communities as community_store


@dataclass(frozen=True)
class MemberChoice:
    user_id: str  # the platform's id, which the chat's mention carries
    display_name: str


async def member_choices(ctx: Context) -> tuple[MemberChoice, ...]:
    """Active members by name (moderators only)."""
    require_moderator(ctx)
    members = await community_store.active_members(ctx.session, ctx.community.id)
    choices = (
        MemberChoice(m.platform_user_id, m.display_name or m.platform_user_id) for m in members
    )
    return tuple(sorted(choices, key=lambda c: (c.display_name.casefold(), c.user_id)))
