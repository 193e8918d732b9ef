"""Where one platform user has joined: the communities a Discord sign-in may mean.

Discord's member token answers "is this user in guild X" one guild at a time, so sign-in
asks only about the guilds where this user is an active PLN member.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Community, Member


@dataclass(frozen=True)
class JoinedCommunity:
    external_id: str
    name: str


async def joined_communities(
    session: AsyncSession, platform: str, platform_user_id: str, *, limit: int
) -> list[JoinedCommunity]:
    """Installed communities on `platform` where this user is an active member, oldest first."""
    rows = await session.execute(
        select(Community.external_id, Community.name)
        .join(Member, Member.community_id == Community.id)
        .where(
            Community.platform == platform,
            Community.uninstalled_at.is_(None),
            Member.platform_user_id == platform_user_id,
            Member.active.is_(True),
        )
        .order_by(Community.id)
        .limit(limit)
    )
    return [JoinedCommunity(external_id, name or external_id) for external_id, name in rows]
