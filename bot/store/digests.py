"""The reads a digest needs, as plain rows: fast on a long history, no ORM objects loaded.

Every query about a member takes the ids of all their linked identities. The one query
that reads other members' answers (`background_texts`) feeds only the statistics of the
theme ranking: its rows are never returned to a member, shown or logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Answer, AnswerPart, Delivery, DeliveryStatus, Member

BACKGROUND_ANSWERS = 500


@dataclass(frozen=True)
class SentRow:
    sent_at: datetime
    answered: bool
    skipped: bool


@dataclass(frozen=True)
class AnswerRow:
    created_at: datetime
    text: str
    prompt_id: str
    prompt_text: str


async def sent_prompts(
    session: AsyncSession, member_ids: Sequence[int], until: datetime
) -> list[SentRow]:
    """Every prompt that reached the member up to `until`, oldest first (streaks need all)."""
    result = await session.execute(
        select(Delivery.sent_at, Answer.id.is_not(None), Delivery.skipped_at.is_not(None))
        .outerjoin(Answer, Answer.delivery_id == Delivery.id)
        .where(
            Delivery.member_id.in_(member_ids),
            Delivery.status == DeliveryStatus.SENT,
            Delivery.sent_at <= until,
        )
        .order_by(Delivery.sent_at, Delivery.id)
    )
    return [
        SentRow(sent_at, bool(answered), bool(skipped))
        for sent_at, answered, skipped in result.tuples()
        if sent_at is not None
    ]


async def answers_between(
    session: AsyncSession, member_ids: Sequence[int], since: datetime | None, until: datetime
) -> list[AnswerRow]:
    """The member's answers written in the window, oldest first, each with its prompt."""
    query = (
        select(
            Answer.id,
            Answer.created_at,
            Delivery.prompt_id,
            Delivery.prompt_text,
            AnswerPart.text,
        )
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .join(AnswerPart, AnswerPart.answer_id == Answer.id)
        .where(Answer.member_id.in_(member_ids), Answer.created_at <= until)
        .order_by(Answer.created_at, Answer.id, AnswerPart.position)
    )
    if since is not None:
        query = query.where(Answer.created_at >= since)
    rows: list[AnswerRow] = []
    last_id: int | None = None
    for answer_id, created_at, prompt_id, prompt_text, text in (
        await session.execute(query)
    ).tuples():
        if answer_id == last_id:  # a later message of the same answer: joined as stored
            previous = rows[-1]
            rows[-1] = AnswerRow(
                previous.created_at, f"{previous.text}\n\n{text}", prompt_id, prompt_text
            )
        else:
            rows.append(AnswerRow(created_at, text, prompt_id, prompt_text))
        last_id = answer_id
    return rows


async def background_texts(
    session: AsyncSession,
    community_id: int,
    member_ids: Sequence[int],
    limit: int = BACKGROUND_ANSWERS,
) -> list[str]:
    """The texts of the community's latest `limit` answers by OTHER members.

    Statistics only (how common a phrase is in the community): never shown or logged.
    """
    latest = (
        select(Answer.id)
        .join(Member, Member.id == Answer.member_id)
        .where(Member.community_id == community_id, Answer.member_id.not_in(member_ids))
        .order_by(Answer.id.desc())
        .limit(limit)
        .subquery()
    )
    result = await session.execute(
        select(AnswerPart.answer_id, AnswerPart.text)
        .where(AnswerPart.answer_id.in_(select(latest.c.id)))
        .order_by(AnswerPart.answer_id, AnswerPart.position)
    )
    texts: dict[int, list[str]] = {}
    for answer_id, text in result.tuples():
        texts.setdefault(answer_id, []).append(text)
    return ["\n\n".join(parts) for parts in texts.values()]
