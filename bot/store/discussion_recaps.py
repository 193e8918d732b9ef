"""Queries for discussion recaps: claiming one per post once it is old enough, what the
recap needs, and the counts kept afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import Answer, AnswerShare, Community, Delivery, DeliveryStatus, Member
from bot.store.schedule_models import Discussion, DiscussionPost, DiscussionRecap
from bot.store.shares import POSTED

SHARED_LINKS = 5  # the newest shared answers a recap links to


@dataclass(frozen=True)
class RecapToSend:
    """What a recap's message needs, read in one unit of work."""

    recap: DiscussionRecap
    post: DiscussionPost
    discussion: Discussion
    community: Community


@dataclass(frozen=True)
class SharedAnswer:
    """An answer its author shared in the community's channel: only its post is linked."""

    display_name: str
    prompt_id: str
    channel_id: str
    platform_message_ref: str
    shared_at: datetime


async def claim_due(session: AsyncSession, platform: str, now: datetime, after: timedelta) -> int:
    """Insert a recap row for every post sent at least `after` ago that has none; rows
    already there (another process, an earlier run) are left as they are."""
    rows = await session.execute(
        select(DiscussionPost.id, DiscussionPost.community_id, DiscussionPost.sent_at)
        .join(Community, Community.id == DiscussionPost.community_id)
        .outerjoin(DiscussionRecap, DiscussionRecap.post_id == DiscussionPost.id)
        .where(
            Community.platform == platform,
            DiscussionPost.status == DeliveryStatus.SENT.value,
            DiscussionPost.sent_at <= now - after,
            DiscussionRecap.id.is_(None),
        )
    )
    values = [
        {
            "post_id": post_id,
            "community_id": community_id,
            "due_at": sent_at + after,
            "status": DeliveryStatus.CLAIMED.value,
            "claimed_at": now,
            "attempts": 0,
        }
        for post_id, community_id, sent_at in rows
    ]
    if values:
        await session.execute(
            insert_ignoring_duplicates(session, DiscussionRecap, ["post_id"]).values(values)
        )
    return len(values)


async def next_due(session: AsyncSession, platform: str, after: timedelta) -> datetime | None:
    """When the next recap falls due: the oldest sent post that has none yet, plus `after`."""
    oldest = await session.scalar(
        select(func.min(DiscussionPost.sent_at))
        .join(Community, Community.id == DiscussionPost.community_id)
        .outerjoin(DiscussionRecap, DiscussionRecap.post_id == DiscussionPost.id)
        .where(
            Community.platform == platform,
            DiscussionPost.status == DeliveryStatus.SENT.value,
            DiscussionRecap.id.is_(None),
        )
    )
    return None if oldest is None else oldest + after


async def recap_to_send(session: AsyncSession, recap_id: int) -> RecapToSend | None:
    result = await session.execute(
        select(DiscussionRecap, DiscussionPost, Discussion, Community)
        .join(DiscussionPost, DiscussionPost.id == DiscussionRecap.post_id)
        .join(Discussion, Discussion.schedule_id == DiscussionPost.schedule_id)
        .join(Community, Community.id == DiscussionRecap.community_id)
        .where(DiscussionRecap.id == recap_id)
    )
    row = result.tuples().one_or_none()
    return None if row is None else RecapToSend(*row)


async def save_counts(
    session: AsyncSession, recap_id: int, participants: int | None, replies: int | None
) -> None:
    await session.execute(
        update(DiscussionRecap)
        .where(DiscussionRecap.id == recap_id)
        .values(participants=participants, replies=replies)
        .execution_options(synchronize_session=False)
    )


async def shared_answers(session: AsyncSession, community_id: int) -> list[SharedAnswer]:
    """Every answer shared and still posted in the community, newest first. Only shared
    answers are read: an answer nobody shared never reaches a recap."""
    rows = await session.execute(
        select(
            Member.display_name,
            Delivery.prompt_id,
            AnswerShare.channel_id,
            AnswerShare.platform_message_ref,
            AnswerShare.created_at,
        )
        .join(Answer, Answer.id == AnswerShare.answer_id)
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .join(Member, Member.id == AnswerShare.member_id)
        .where(
            AnswerShare.community_id == community_id,
            AnswerShare.status == POSTED,
            AnswerShare.platform_message_ref.is_not(None),
        )
        .order_by(AnswerShare.created_at.desc(), AnswerShare.id.desc())
    )
    return [
        SharedAnswer(name, prompt_id, channel, str(ref), at)
        for name, prompt_id, channel, ref, at in rows
    ]
