"""Queries for moderators added in chat, and for the audit log of moderator commands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import AuditEvent, Community, Member
from bot.store.moderator_models import CommunityModerator, ModeratorAction


async def is_listed(session: AsyncSession, community_id: int, user_id: str) -> bool:
    found = await session.scalar(
        select(CommunityModerator.id).where(
            CommunityModerator.community_id == community_id,
            CommunityModerator.platform_user_id == user_id,
        )
    )
    return found is not None


async def is_listed_in(
    session: AsyncSession, platform: str, external_id: str, user_id: str
) -> bool:
    """The same, for a community known only by its platform's name for it."""
    found = await session.scalar(
        select(CommunityModerator.id)
        .join(Community, Community.id == CommunityModerator.community_id)
        .where(
            Community.platform == platform,
            Community.external_id == external_id,
            CommunityModerator.platform_user_id == user_id,
        )
    )
    return found is not None


async def add(
    session: AsyncSession, community_id: int, user_id: str, added_by: str, now: datetime
) -> bool:
    """False when they were already listed."""
    if await is_listed(session, community_id, user_id):
        return False
    session.add(
        CommunityModerator(
            community_id=community_id, platform_user_id=user_id, added_by=added_by, added_at=now
        )
    )
    await session.flush()
    return True


async def remove(session: AsyncSession, community_id: int, user_id: str) -> bool:
    """False when they were not listed."""
    result = await session.execute(
        delete(CommunityModerator).where(
            CommunityModerator.community_id == community_id,
            CommunityModerator.platform_user_id == user_id,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def listed(session: AsyncSession, community_id: int) -> Sequence[CommunityModerator]:
    rows = await session.scalars(
        select(CommunityModerator)
        .where(CommunityModerator.community_id == community_id)
        .order_by(CommunityModerator.added_at, CommunityModerator.id)
    )
    return rows.all()


def record_command(
    session: AsyncSession,
    community_id: int,
    who: int | str,
    command: str,
    now: datetime,
) -> None:
    """One row: who (a member id, or the platform id of a moderator who never joined) ran
    which moderator command, and when (never its arguments)."""
    member_id, actor_id = (who, None) if isinstance(who, int) else (None, who)
    session.add(
        ModeratorAction(
            community_id=community_id,
            member_id=member_id,
            actor_id=actor_id,
            command=command,
            happened_at=now,
        )
    )


@dataclass(frozen=True)
class LogEntry:
    """A line of `/pln audit`: a moderator command (with who), or an audit_event (a kind and
    a count, no one's id)."""

    happened_at: datetime
    actor_id: str | None  # None for a command: the moderator was erased since
    command: str | None
    actor_name: str | None = None  # their display name, when they are a member
    kind: str | None = None
    count: int = 0


async def recent_entries(session: AsyncSession, community_id: int, limit: int) -> list[LogEntry]:
    """The community's latest entries, newest first: moderator commands, erasures, purges."""
    actions = await session.execute(
        select(ModeratorAction, Member.platform_user_id, Member.display_name)
        .outerjoin(Member, Member.id == ModeratorAction.member_id)
        .where(ModeratorAction.community_id == community_id)
        .order_by(ModeratorAction.happened_at.desc(), ModeratorAction.id.desc())
        .limit(limit)
    )
    events = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.community_id == community_id)
        .order_by(AuditEvent.happened_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    entries = [
        LogEntry(a.happened_at, user or a.actor_id, a.command, actor_name=name)
        for a, user, name in actions
    ]
    entries += [LogEntry(e.happened_at, None, None, kind=e.kind, count=e.count) for e in events]
    # a stable sort keeps each table's own newest-first order among equal times
    entries.sort(key=lambda entry: entry.happened_at, reverse=True)
    return entries[:limit]


async def display_names(
    session: AsyncSession, community_id: int, user_ids: Sequence[str]
) -> dict[str, str]:
    """The display names of those of `user_ids` who are members of the community."""
    rows = await session.execute(
        select(Member.platform_user_id, Member.display_name).where(
            Member.community_id == community_id, Member.platform_user_id.in_(list(user_ids))
        )
    )
    return {user_id: name for user_id, name in rows}
