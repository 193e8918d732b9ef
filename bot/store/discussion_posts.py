"""Queries for discussion posts: claiming them once per fire time, and what a send needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import Community, Schedule
from bot.store.schedule_models import Discussion, DiscussionPost

PostToSend = tuple[DiscussionPost, Schedule, Discussion, Community]


async def insert_posts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Claim: rows already there (another process, an earlier run) are left as they are."""
    if rows:
        await session.execute(
            insert_ignoring_duplicates(
                session, DiscussionPost, ["schedule_id", "due_local_date"]
            ).values(rows)
        )


async def claimed_dates(session: AsyncSession, schedule_id: int, days: set[date]) -> set[date]:
    if not days:
        return set()
    result = await session.scalars(
        select(DiscussionPost.due_local_date).where(
            DiscussionPost.schedule_id == schedule_id, DiscussionPost.due_local_date.in_(days)
        )
    )
    return set(result)


async def post_to_send(session: AsyncSession, post_id: int) -> PostToSend | None:
    result = await session.execute(
        select(DiscussionPost, Schedule, Discussion, Community)
        .join(Schedule, Schedule.id == DiscussionPost.schedule_id)
        .join(Discussion, Discussion.schedule_id == Schedule.id)
        .join(Community, Community.id == DiscussionPost.community_id)
        .where(DiscussionPost.id == post_id)
    )
    row = result.tuples().one_or_none()
    return None if row is None else (row[0], row[1], row[2], row[3])
