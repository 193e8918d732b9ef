"""Shared answers: the `answer_share` rows that stand for posts in a community's PLN channel.

Every query starts from the asking person's member ids (all their linked identities), so a
button or an id typed by someone else reaches nothing. The unique `answer_id` of a share
is what makes a double press post once: the second insert loses and its unit of work is
re-run, finding the first row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Answer, AnswerPart, AnswerShare, Community, Delivery

POSTING = "posting"  # the row is written, the platform call is (or was) under way
POSTED = "posted"  # the platform accepted the post; platform_message_ref says where


@dataclass(frozen=True)
class SharedPost:
    """Where a shared answer's post lives, enough for the platform to take it down."""

    share_id: int
    answer_id: int
    number: int  # the answer's number as its author sees it (#3)
    platform: str
    community_external_id: str
    channel_id: str
    platform_message_ref: str | None
    status: str


async def own_answer(
    session: AsyncSession, member_ids: Sequence[int], number: int
) -> tuple[Answer, Delivery] | None:
    """The person's answer with this number (#3, as they see it), with its prompt.

    Numbers are per person, so another member's answers are never searched: a number
    that is not theirs finds nothing, and the reply tells nothing about anyone else.
    """
    result = await session.execute(
        select(Answer, Delivery)
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .where(Answer.number == number, Answer.member_id.in_(member_ids))
        .order_by(Answer.id)
        .limit(1)
    )
    row = result.tuples().first()
    return (row[0], row[1]) if row is not None else None


async def share_of_answer(session: AsyncSession, answer_id: int) -> AnswerShare | None:
    result = await session.scalars(select(AnswerShare).where(AnswerShare.answer_id == answer_id))
    return result.one_or_none()


async def start_share(
    session: AsyncSession, answer: Answer, community_id: int, channel_id: str, now: datetime
) -> AnswerShare:
    """Write the share as "posting" before anything is sent (a concurrent one loses here)."""
    share = AnswerShare(
        answer_id=answer.id,
        member_id=answer.member_id,
        community_id=community_id,
        channel_id=channel_id,
        status=POSTING,
        created_at=now,
    )
    session.add(share)
    await session.flush()
    return share


async def mark_posted(session: AsyncSession, share_id: int, platform_message_ref: str) -> bool:
    """Record where the post went; False when the share was removed meanwhile."""
    share = await session.get(AnswerShare, share_id)
    if share is None:
        return False
    share.status = POSTED
    share.platform_message_ref = platform_message_ref
    return True


async def remove_share(session: AsyncSession, share_id: int) -> None:
    await session.execute(delete(AnswerShare).where(AnswerShare.id == share_id))


async def shared_answer_ids(session: AsyncSession, answer_ids: Sequence[int]) -> set[int]:
    """Which of these answers are shared (or being shared) with the PLN."""
    if not answer_ids:
        return set()
    result = await session.scalars(
        select(AnswerShare.answer_id).where(AnswerShare.answer_id.in_(answer_ids))
    )
    return set(result)


async def shared_posts(
    session: AsyncSession, member_ids: Sequence[int], answer_id: int | None = None
) -> list[SharedPost]:
    """The person's shares (or one answer's), with the community each was posted in."""
    query = (
        select(AnswerShare, Community, Answer.number)
        .join(Community, Community.id == AnswerShare.community_id)
        .join(Answer, Answer.id == AnswerShare.answer_id)
        .where(AnswerShare.member_id.in_(member_ids))
        .order_by(AnswerShare.id)
    )
    if answer_id is not None:
        query = query.where(AnswerShare.answer_id == answer_id)
    result = await session.execute(query)
    return [
        SharedPost(
            share_id=share.id,
            answer_id=share.answer_id,
            number=number or 0,
            platform=community.platform,
            community_external_id=community.external_id,
            channel_id=share.channel_id,
            platform_message_ref=share.platform_message_ref,
            status=share.status,
        )
        for share, community, number in result.tuples()
    ]


async def shared_post_of_message(
    session: AsyncSession, member_ids: Sequence[int], platform_message_ref: str
) -> SharedPost | None:
    """The share of the answer this platform message is part of, if that answer is shared."""
    answer_id = await session.scalar(
        select(AnswerPart.answer_id)
        .join(Answer, Answer.id == AnswerPart.answer_id)
        .where(
            AnswerPart.platform_message_ref == platform_message_ref,
            Answer.member_id.in_(member_ids),
        )
    )
    if answer_id is None:
        return None
    posts = await shared_posts(session, member_ids, answer_id)
    return posts[0] if posts else None
