"""Retention notices owed to members: one per member when a setting is confirmed, taken by
a compare-and-set before its DM and put back when the platform says "later".

The notice is `member.retention_notice_due`: a time means "tell this member from then";
None means nothing is owed. Its words are built at send time from the community's current
setting, so a setting cancelled before the DM goes sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Community, Member


def _owed(platform: str) -> list[ColumnElement[bool]]:
    """Members owed a notice, of the platform's communities that still have the app (the
    query needs Community joined)."""
    return [
        Community.platform == platform,
        Community.uninstalled_at.is_(None),
        Member.retention_notice_due.is_not(None),
    ]


def _joined(statement: Select[Any]) -> Select[Any]:
    return statement.join(Community, Community.id == Member.community_id)


async def owe_every_member(session: AsyncSession, community_id: int, now: datetime) -> int:
    """A setting was confirmed: every active member of the community is owed the notice."""
    result = await session.execute(
        update(Member)
        .where(Member.community_id == community_id, Member.active.is_(True))
        .values(retention_notice_due=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def cancel(session: AsyncSession, community_id: int) -> None:
    """The setting is off again: no notice is owed any more."""
    await session.execute(
        update(Member)
        .where(Member.community_id == community_id)
        .values(retention_notice_due=None)
        .execution_options(synchronize_session=False)
    )


async def still_owed(session: AsyncSession, community_id: int) -> tuple[int, int]:
    """(members not told yet, of whom the platform cannot reach by DM now): what the
    moderator's `/pln retention` shows."""
    found = await session.execute(
        select(func.count(Member.id), func.count(Member.unreachable_at)).where(
            Member.community_id == community_id, Member.retention_notice_due.is_not(None)
        )
    )
    owed, unreachable = found.tuples().one()
    return int(owed or 0), int(unreachable or 0)


async def ready_ids(session: AsyncSession, platform: str, now: datetime, limit: int) -> list[int]:
    result = await session.scalars(
        _joined(select(Member.id))
        .where(
            *_owed(platform),
            Member.retention_notice_due <= now,
            Member.unreachable_at.is_(None),  # owed still: sent once they are reachable
        )
        .order_by(Member.retention_notice_due, Member.id)
        .limit(limit)
    )
    return [int(member_id) for member_id in result]


async def count(session: AsyncSession, platform: str) -> int:
    found = await session.scalar(_joined(select(func.count(Member.id))).where(*_owed(platform)))
    return int(found or 0)


async def earliest(session: AsyncSession, platform: str) -> datetime | None:
    found: datetime | None = await session.scalar(
        _joined(select(func.min(Member.retention_notice_due))).where(
            *_owed(platform), Member.unreachable_at.is_(None)
        )
    )
    return found


async def take(
    session: AsyncSession, member_id: int, now: datetime
) -> tuple[Member, Community] | None:
    """Compare-and-set the notice off before its DM, so it is never sent twice."""
    result = await session.execute(
        update(Member)
        .where(Member.id == member_id, Member.retention_notice_due <= now)
        .values(retention_notice_due=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    row = await session.execute(
        select(Member, Community)
        .join(Community, Community.id == Member.community_id)
        .where(Member.id == member_id)
    )
    found = row.tuples().first()
    return None if found is None else (found[0], found[1])


async def put_back(session: AsyncSession, member_id: int, at: datetime) -> None:
    """The platform said "later": owe it again from `at`."""
    await session.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(retention_notice_due=at)
        .execution_options(synchronize_session=False)
    )
