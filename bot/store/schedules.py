"""Queries for the moderators' schedules: drafts, the weekly prompt rule, skips, discussions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import Schedule, ScheduleKind
from bot.store.schedule_models import Discussion, ScheduleDraft, ScheduleSkip

PLANNED_KINDS = (ScheduleKind.WEEKLY_PROMPT, ScheduleKind.DISCUSSION, ScheduleKind.CHECKINS)


async def add_draft(session: AsyncSession, community_id: int, words: str, now: datetime) -> int:
    draft = ScheduleDraft(community_id=community_id, words=words, created_at=now)
    session.add(draft)
    await session.flush()
    return draft.id


async def take_draft(
    session: AsyncSession, community_id: int, draft_id: int, now: datetime
) -> str | None:
    """The words of an unused draft of this community, marked used; None if there is none
    (pressed twice, or a button from another community)."""
    draft = await session.get(ScheduleDraft, draft_id)
    if draft is None or draft.community_id != community_id or draft.used_at is not None:
        return None
    draft.used_at = now
    return draft.words


async def planned_schedules(session: AsyncSession, community_id: int) -> list[Schedule]:
    """The weekly prompt and the discussions that are still on (active, paused or not)."""
    result = await session.scalars(
        select(Schedule)
        .where(
            Schedule.community_id == community_id,
            Schedule.active.is_(True),
            Schedule.kind.in_(PLANNED_KINDS),
        )
        .order_by(Schedule.id)
    )
    return list(result)


async def find_planned(
    session: AsyncSession, community_id: int, schedule_id: int
) -> Schedule | None:
    schedule = await session.get(Schedule, schedule_id)
    if (
        schedule is None
        or schedule.community_id != community_id
        or not schedule.active
        or schedule.kind not in PLANNED_KINDS
    ):
        return None
    return schedule


async def weekly_prompt_schedule(session: AsyncSession, community_id: int) -> Schedule | None:
    return await active_schedule_of_kind(session, community_id, ScheduleKind.WEEKLY_PROMPT)


async def active_schedule_of_kind(
    session: AsyncSession, community_id: int, kind: ScheduleKind
) -> Schedule | None:
    """The community's one active schedule of a kind that has one (prompt, check-ins)."""
    result = await session.scalars(
        select(Schedule)
        .where(
            Schedule.community_id == community_id,
            Schedule.active.is_(True),
            Schedule.kind == kind,
        )
        .order_by(Schedule.id.desc())
    )
    return result.first()


async def skip(session: AsyncSession, schedule_id: int, local_date: date) -> None:
    await session.execute(
        insert_ignoring_duplicates(session, ScheduleSkip, ["schedule_id", "local_date"]).values(
            schedule_id=schedule_id, local_date=local_date
        )
    )


async def skipped_dates(session: AsyncSession, schedule_id: int) -> set[date]:
    result = await session.scalars(
        select(ScheduleSkip.local_date).where(ScheduleSkip.schedule_id == schedule_id)
    )
    return set(result)


async def discussion_of(session: AsyncSession, schedule_id: int) -> Discussion | None:
    return await session.get(Discussion, schedule_id)
