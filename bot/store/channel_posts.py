"""Queries for channel posts (channel mode): claimed like deliveries, once per occurrence.

Their send state machine is bot/store/send_states.py's, shared with deliveries and digests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import ChannelPost, Community, Delivery, DeliveryStatus

POST_KEY = ("schedule_id", "community_id", "due_local_date")
DELIVERY_KEY = ("schedule_id", "member_id", "due_local_date")


async def insert_posts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Claim posts; one another process claimed first is skipped by the unique key."""
    if rows:
        await session.execute(
            insert_ignoring_duplicates(session, ChannelPost, POST_KEY), list(rows)
        )


async def post_to_send(session: AsyncSession, post_id: int) -> tuple[ChannelPost, Community] | None:
    """A post with its community: what its send needs."""
    row = await session.execute(
        select(ChannelPost, Community)
        .join(Community, Community.id == ChannelPost.community_id)
        .where(ChannelPost.id == post_id)
    )
    found = row.tuples().first()
    return None if found is None else (found[0], found[1])


async def community_post(
    session: AsyncSession, community_id: int, post_id: int
) -> ChannelPost | None:
    """A post, only if it belongs to this community."""
    result = await session.scalars(
        select(ChannelPost).where(
            ChannelPost.id == post_id, ChannelPost.community_id == community_id
        )
    )
    return result.one_or_none()


async def post_of_schedule(session: AsyncSession, schedule_id: int) -> ChannelPost | None:
    result = await session.scalars(
        select(ChannelPost).where(ChannelPost.schedule_id == schedule_id).limit(1)
    )
    return result.first()


async def member_delivery_for_post(
    session: AsyncSession, post: ChannelPost, member_id: int, now: datetime
) -> Delivery:
    """The member's own delivery of a channel post, made when they first answer it."""
    await session.execute(
        insert_ignoring_duplicates(session, Delivery, DELIVERY_KEY).values(
            schedule_id=post.schedule_id,
            member_id=member_id,
            due_local_date=post.due_local_date,
            due_at=post.due_at,
            prompt_id=post.prompt_id,
            prompt_text=post.prompt_text,
            status=DeliveryStatus.SENT,
            claimed_at=now,
            sent_at=now,
            attempts=0,
        )
    )
    found = await session.scalars(
        select(Delivery).where(
            Delivery.schedule_id == post.schedule_id,
            Delivery.member_id == member_id,
            Delivery.due_local_date == post.due_local_date,
        )
    )
    return found.one()


async def post_history(
    session: AsyncSession, community_id: int, since: Any
) -> list[tuple[str, Any]]:
    """(prompt id, local date) of the community's channel posts since a date."""
    result = await session.execute(
        select(ChannelPost.prompt_id, ChannelPost.due_local_date).where(
            ChannelPost.community_id == community_id,
            ChannelPost.due_local_date >= since,
            ChannelPost.status != DeliveryStatus.MISSED,
        )
    )
    return [(prompt_id, day) for prompt_id, day in result.tuples()]
