"""The counts behind `/pln stats`: members by state, and one row per prompt sent.

Every query returns numbers, states and prompt ids only. No answer text and no member name
leaves this module, so nothing a moderator sees can be traced to what someone wrote or to
who stayed silent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import (
    Answer,
    CommunityPrompt,
    Delivery,
    DeliveryStatus,
    Member,
    Schedule,
    ScheduleKind,
)
from bot.store.schedule_models import Discussion, DiscussionPost, DiscussionRecap

# prompts every member is sent; a revisit is one member's own follow-up, not counted
COUNTED_KINDS = (ScheduleKind.WEEKLY_PROMPT.value, ScheduleKind.PROMPT_NOW.value)


@dataclass(frozen=True)
class MemberCounts:
    active: int
    paused: int
    left: int


@dataclass(frozen=True)
class SentPrompt:
    """One prompt that reached one member: when it was due, what became of it, which."""

    due_at: datetime
    answered: bool
    skipped: bool
    prompt_id: str


async def member_counts(session: AsyncSession, community_id: int) -> MemberCounts:
    paused = and_(Member.active.is_(True), Member.paused_at.is_not(None))
    active = and_(Member.active.is_(True), Member.paused_at.is_(None))
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(case((active, 1), else_=0)), 0),
                func.coalesce(func.sum(case((paused, 1), else_=0)), 0),
                func.coalesce(func.sum(case((Member.active.is_(False), 1), else_=0)), 0),
            ).where(Member.community_id == community_id)
        )
    ).one()
    return MemberCounts(int(row[0]), int(row[1]), int(row[2]))


async def sent_prompts(
    session: AsyncSession, community_id: int, since: datetime, until: datetime
) -> list[SentPrompt]:
    """Every prompt sent to a member of the community that fell due in [since, until)."""
    query = (
        select(Delivery.due_at, Answer.id, Delivery.skipped_at, Delivery.prompt_id)
        .join(Member, Member.id == Delivery.member_id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .outerjoin(Answer, Answer.delivery_id == Delivery.id)
        .where(
            Member.community_id == community_id,
            Schedule.kind.in_(COUNTED_KINDS),
            Delivery.status == DeliveryStatus.SENT.value,
            Delivery.due_at >= since,
            Delivery.due_at < until,
        )
        .order_by(Delivery.due_at)
    )
    rows = (await session.execute(query)).all()
    return [
        SentPrompt(due_at, answer_id is not None, skipped_at is not None, prompt_id)
        for due_at, answer_id, skipped_at, prompt_id in rows
    ]


async def answered_prompts(session: AsyncSession, community_id: int) -> list[str]:
    """Each prompt someone in the community answered, once: coverage without a row per
    delivery (the moderators' overview reads it on every visit)."""
    rows = await session.scalars(
        select(Delivery.prompt_id)
        .distinct()
        .join(Member, Member.id == Delivery.member_id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .join(Answer, Answer.delivery_id == Delivery.id)
        .where(
            Member.community_id == community_id,
            Schedule.kind.in_(COUNTED_KINDS),
            Delivery.status == DeliveryStatus.SENT.value,
        )
    )
    return list(rows)


async def community_prompt_elements(
    session: AsyncSession, community_id: int
) -> dict[str, tuple[str, str]]:
    """The community's own prompts: prompt id -> (framework id, element id)."""
    rows = await session.execute(
        select(
            CommunityPrompt.prompt_id, CommunityPrompt.framework_id, CommunityPrompt.element_id
        ).where(CommunityPrompt.community_id == community_id)
    )
    return {prompt_id: (framework, element) for prompt_id, framework, element in rows}


@dataclass(frozen=True)
class PostedDiscussion:
    """A discussion the bot posted, with its thread's counts once its recap read them."""

    title: str
    posted_at: datetime
    recapped: bool
    participants: int | None  # None before the recap, or when the thread was unreadable
    replies: int | None


async def discussions_posted(
    session: AsyncSession, community_id: int, since: datetime, until: datetime
) -> list[PostedDiscussion]:
    """Discussions the bot posted in the community's channels that fell due in [since,
    until), oldest first: titles and counts, never a reply's text."""
    rows = await session.execute(
        select(
            Discussion.title,
            DiscussionPost.sent_at,
            DiscussionRecap.status,
            DiscussionRecap.participants,
            DiscussionRecap.replies,
        )
        .join(Discussion, Discussion.schedule_id == DiscussionPost.schedule_id)
        .outerjoin(DiscussionRecap, DiscussionRecap.post_id == DiscussionPost.id)
        .where(
            DiscussionPost.community_id == community_id,
            DiscussionPost.status == DeliveryStatus.SENT.value,
            DiscussionPost.due_at >= since,
            DiscussionPost.due_at < until,
        )
        .order_by(DiscussionPost.due_at, DiscussionPost.id)
    )
    return [
        PostedDiscussion(title, sent_at, status == DeliveryStatus.SENT.value, participants, replies)
        for title, sent_at, status, participants, replies in rows
    ]


def answered_prompt_ids(prompts: Sequence[SentPrompt]) -> list[str]:
    return [prompt.prompt_id for prompt in prompts if prompt.answered]
