"""Queries for what members wrote: answers (with their parts) and free notes.

Every query here takes the member's id: no function returns another member's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Answer, AnswerPart, Delivery, FreeNote
from bot.store.numbering import next_number


async def answer_by_id(session: AsyncSession, answer_id: int) -> Answer | None:
    return await session.get(Answer, answer_id)


async def answer_for_delivery(session: AsyncSession, delivery_id: int) -> Answer | None:
    result = await session.scalars(select(Answer).where(Answer.delivery_id == delivery_id))
    return result.one_or_none()


@dataclass(frozen=True)
class AnswerSize:
    """An existing answer's size, read without loading its parts."""

    answer_id: int
    chars: int  # its parts' characters together
    next_position: int


async def answer_size(session: AsyncSession, delivery_id: int) -> AnswerSize | None:
    """The delivery's answer with its size, in one statement; None when it has no answer.

    The sum and the next position are worked out by the database: no part's text is read.
    """
    row = (
        await session.execute(
            select(
                Answer.id,
                func.coalesce(func.sum(func.length(AnswerPart.text)), 0),
                func.coalesce(func.max(AnswerPart.position) + 1, 0),
            )
            .outerjoin(AnswerPart, AnswerPart.answer_id == Answer.id)
            .where(Answer.delivery_id == delivery_id)
            .group_by(Answer.id)
        )
    ).one_or_none()
    if row is None:
        return None
    answer_id, chars, position = row
    return AnswerSize(int(answer_id), int(chars or 0), int(position or 0))


async def start_answer(
    session: AsyncSession,
    *,
    delivery: Delivery,
    text: str,
    platform_message_ref: str | None,
    now: datetime,
) -> int:
    """The delivery's first answer, with its first part; returns the answer's number (the
    member's own #)."""
    answer = Answer(
        delivery_id=delivery.id,
        member_id=delivery.member_id,
        number=await next_number(session, delivery.member_id),
        created_at=now,
        updated_at=now,
    )
    answer.parts.append(
        AnswerPart(position=0, text=text, platform_message_ref=platform_message_ref, created_at=now)
    )
    session.add(answer)
    await session.flush()
    assert answer.number is not None
    return answer.number


async def add_part(
    session: AsyncSession,
    *,
    size: AnswerSize,
    text: str,
    platform_message_ref: str | None,
    now: datetime,
) -> None:
    """Append one part to an existing answer: an INSERT and an UPDATE, whatever its length.

    Two messages appending at once both read the same next position; the unique
    (answer_id, position) key refuses the second, and `Database.run` runs it again.
    """
    await session.execute(
        insert(AnswerPart).values(
            answer_id=size.answer_id,
            position=size.next_position,
            text=text,
            platform_message_ref=platform_message_ref,
            created_at=now,
        )
    )
    await session.execute(
        update(Answer)
        .where(Answer.id == size.answer_id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def add_free_note(
    session: AsyncSession,
    *,
    member_id: int,
    text: str,
    platform_message_ref: str | None,
    now: datetime,
) -> FreeNote:
    note = FreeNote(
        member_id=member_id,
        number=await next_number(session, member_id),
        text=text,
        platform_message_ref=platform_message_ref,
        created_at=now,
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


async def recent_notes(session: AsyncSession, member_id: int, limit: int) -> list[FreeNote]:
    """The member's last `limit` notes (kept when no prompt was open), newest first."""
    result = await session.scalars(
        select(FreeNote)
        .where(FreeNote.member_id == member_id)
        .order_by(FreeNote.created_at.desc(), FreeNote.id.desc())
        .limit(limit)
    )
    return list(result)


async def own_note(session: AsyncSession, member_ids: list[int], number: int) -> FreeNote | None:
    """The person's note with this number (#4, as they see it); None if it is not theirs."""
    result = await session.scalars(
        select(FreeNote)
        .where(FreeNote.number == number, FreeNote.member_id.in_(member_ids))
        .order_by(FreeNote.id)
        .limit(1)
    )
    return result.first()


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
