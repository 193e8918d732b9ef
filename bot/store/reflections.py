"""Queries for what members wrote: answers (with their parts) and free notes.

Every query here takes the member's id: no function returns another member's words.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Answer, AnswerPart, Delivery, FreeNote


async def answer_by_id(session: AsyncSession, answer_id: int) -> Answer | None:
    return await session.get(Answer, answer_id)


async def answer_for_delivery(session: AsyncSession, delivery_id: int) -> Answer | None:
    result = await session.scalars(select(Answer).where(Answer.delivery_id == delivery_id))
    return result.one_or_none()


async def append_to_answer(
    session: AsyncSession,
    *,
    delivery: Delivery,
    text: str,
    platform_message_ref: str | None,
    now: datetime,
) -> tuple[Answer, bool]:
    """Add a message to the delivery's answer; returns the answer and whether it is new."""
    answer = await answer_for_delivery(session, delivery.id)
    created = answer is None
    if answer is None:
        answer = Answer(
            delivery_id=delivery.id, member_id=delivery.member_id, created_at=now, updated_at=now
        )
        session.add(answer)
        await session.flush()
        position = 0
    else:
        position = int(
            await session.scalar(
                select(func.coalesce(func.max(AnswerPart.position) + 1, 0)).where(
                    AnswerPart.answer_id == answer.id
                )
            )
            or 0
        )
        answer.updated_at = now
    session.add(
        AnswerPart(
            answer_id=answer.id,
            position=position,
            text=text,
            platform_message_ref=platform_message_ref,
            created_at=now,
        )
    )
    await session.flush()
    await session.refresh(answer, ["parts"])
    return answer, created


async def add_free_note(
    session: AsyncSession,
    *,
    member_id: int,
    text: str,
    platform_message_ref: str | None,
    now: datetime,
) -> FreeNote:
    note = FreeNote(
        member_id=member_id, text=text, platform_message_ref=platform_message_ref, created_at=now
    )
    session.add(note)
    await session.flush()
    return note


async def recent_answers(
    session: AsyncSession, member_id: int, limit: int
) -> list[tuple[Answer, Delivery]]:
    """The member's last `limit` answers, newest first, with the prompt each answered."""
    result = await session.execute(
        select(Answer, Delivery)
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .where(Answer.member_id == member_id)
        .order_by(Delivery.sent_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return [(answer, delivery) for answer, delivery in result.tuples()]


async def answers_since(
    session: AsyncSession, member_id: int, since: datetime | None
) -> list[tuple[Answer, Delivery]]:
    """The member's answers created since `since` (all when None), oldest first."""
    query = (
        select(Answer, Delivery)
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .where(Answer.member_id == member_id)
    )
    if since is not None:
        query = query.where(Answer.created_at >= since)
    result = await session.execute(query.order_by(Answer.created_at, Answer.id))
    return [(answer, delivery) for answer, delivery in result.tuples()]


async def answered_delivery_ids(session: AsyncSession, member_id: int) -> set[int]:
    result = await session.scalars(select(Answer.delivery_id).where(Answer.member_id == member_id))
    return set(result)


async def part_by_ref(
    session: AsyncSession, member_id: int, platform_message_ref: str
) -> AnswerPart | None:
    """The member's answer part stored from this platform message, if any."""
    result = await session.scalars(
        select(AnswerPart)
        .join(Answer, Answer.id == AnswerPart.answer_id)
        .where(
            Answer.member_id == member_id, AnswerPart.platform_message_ref == platform_message_ref
        )
    )
    return result.first()


async def note_by_ref(
    session: AsyncSession, member_id: int, platform_message_ref: str
) -> FreeNote | None:
    result = await session.scalars(
        select(FreeNote).where(
            FreeNote.member_id == member_id, FreeNote.platform_message_ref == platform_message_ref
        )
    )
    return result.first()


async def message_ref_is_stored(session: AsyncSession, platform_message_ref: str) -> bool:
    """Whether a platform message was already stored (platforms deliver some events twice)."""
    in_parts = select(AnswerPart.id).where(AnswerPart.platform_message_ref == platform_message_ref)
    in_notes = select(FreeNote.id).where(FreeNote.platform_message_ref == platform_message_ref)
    return bool(await session.scalar(select(in_parts.exists() | in_notes.exists())))


async def remove_part(session: AsyncSession, part: AnswerPart) -> bool:
    """Delete one part; deletes the whole answer when it was the last. True if the answer went."""
    answer = await session.get(Answer, part.answer_id)
    await session.delete(part)
    await session.flush()
    if answer is None:
        return False
    await session.refresh(answer, ["parts"])
    if not answer.parts:
        await session.delete(answer)
        await session.flush()
        return True
    return False
