"""Queries for communities, their members and their schedules."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import Community, Member, Schedule, ScheduleKind


async def get_or_create_community(
    session: AsyncSession,
    *,
    platform: str,
    external_id: str,
    name: str,
    now: datetime,
    weekday: int,
    local_time: time,
) -> Community:
    """The community for a console, workspace or guild; new ones get the default weekly schedule."""
    found = await _find_community(session, platform, external_id)
    if found is not None:
        return found
    await session.execute(
        insert_ignoring_duplicates(session, Community, ["platform", "external_id"]).values(
            platform=platform, external_id=external_id, name=name, created_at=now
        )
    )
    community = await _find_community(session, platform, external_id)
    assert community is not None
    has_weekly = await session.scalar(
        select(func.count())
        .select_from(Schedule)
        .where(Schedule.community_id == community.id, Schedule.kind == ScheduleKind.WEEKLY_PROMPT)
    )
    if not has_weekly:
        session.add(
            Schedule(
                community_id=community.id,
                kind=ScheduleKind.WEEKLY_PROMPT,
                weekday=weekday,
                local_time=local_time.strftime("%H:%M"),
                active=True,
                created_at=now,
            )
        )
        await session.flush()
    return community


async def _find_community(
    session: AsyncSession, platform: str, external_id: str
) -> Community | None:
    result = await session.scalars(
        select(Community).where(
            Community.platform == platform, Community.external_id == external_id
        )
    )
    return result.one_or_none()


async def find_member(
    session: AsyncSession, community_id: int, platform_user_id: str
) -> Member | None:
    result = await session.scalars(
        select(Member).where(
            Member.community_id == community_id, Member.platform_user_id == platform_user_id
        )
    )
    return result.one_or_none()


async def active_members(session: AsyncSession, community_id: int) -> list[Member]:
    result = await session.scalars(
        select(Member).where(Member.community_id == community_id, Member.active.is_(True))
    )
    return list(result)


async def count_active_members(session: AsyncSession, community_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.community_id == community_id, Member.active.is_(True))
        )
        or 0
    )


async def active_schedules(
    session: AsyncSession, platform: str
) -> list[tuple[Schedule, Community]]:
    """Every active, unpaused schedule of the communities served by `platform`, except those
    whose app was uninstalled (kept for their keeping period, sent nothing)."""
    result = await session.execute(
        select(Schedule, Community)
        .join(Community, Community.id == Schedule.community_id)
        .where(
            Schedule.active.is_(True),
            Schedule.paused.is_(False),
            Community.platform == platform,
            Community.uninstalled_at.is_(None),
        )
        .order_by(Schedule.id)
    )
    return [(schedule, community) for schedule, community in result.tuples()]


async def community_schedules(session: AsyncSession, community_id: int) -> list[Schedule]:
    result = await session.scalars(
        select(Schedule)
        .where(Schedule.community_id == community_id, Schedule.active.is_(True))
        .order_by(Schedule.id)
    )
    return list(result)


async def member_zones(session: AsyncSession, community_id: int) -> list[str | None]:
    """The distinct time zones active members chose (None: the default zone)."""
    result = await session.scalars(
        select(Member.timezone)
        .where(Member.community_id == community_id, Member.active.is_(True))
        .distinct()
    )
    return list(result)


async def communities_of_user(
    session: AsyncSession, platform: str, platform_user_id: str
) -> list[Community]:
    """The communities a platform user belongs to, most recently joined first.

    A DM on Discord carries no guild: this says which community the member is talking to.
    """
    result = await session.scalars(
        select(Community)
        .join(Member, Member.community_id == Community.id)
        .where(Community.platform == platform, Member.platform_user_id == platform_user_id)
        .order_by(Member.active.desc(), Member.joined_at.desc())
    )
    return list(result)
