"""Which community a direct message belongs to, when the platform does not say (Discord).

A member of several communities has one DM with the bot. What they write or press there
belongs to the community of the row it refers to: the prompt a reply answers, the answer
an edit changes, the delivery a button carries. Each query takes the platform user id, so
a row of someone else never routes anything.
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinSeat
from bot.store.models import (
    Answer,
    AnswerPart,
    ChannelPost,
    Community,
    Delivery,
    FreeNote,
    Member,
)


async def _first(session: AsyncSession, statement: Select[tuple[Community]]) -> Community | None:
    found: Community | None = await session.scalar(statement.limit(1))
    return found


def _of_user(platform: str, user_id: str) -> Select[tuple[Community]]:
    return (
        select(Community)
        .join(Member, Member.community_id == Community.id)
        .where(Community.platform == platform, Member.platform_user_id == user_id)
    )


async def community_of_delivery(
    session: AsyncSession, platform: str, user_id: str, delivery_id: int
) -> Community | None:
    """The community of one of the user's own deliveries (a prompt's buttons, its form)."""
    return await _first(
        session,
        _of_user(platform, user_id)
        .join(Delivery, Delivery.member_id == Member.id)
        .where(Delivery.id == delivery_id),
    )


async def community_of_post(
    session: AsyncSession, platform: str, user_id: str, post_id: int
) -> Community | None:
    """The community of a channel post, if the user is one of its members."""
    return await _first(
        session,
        _of_user(platform, user_id)
        .join(ChannelPost, ChannelPost.community_id == Community.id)
        .where(ChannelPost.id == post_id),
    )


async def community_of_seat(
    session: AsyncSession, platform: str, user_id: str, seat_id: int
) -> Community | None:
    """The community of one of the user's own check-in seats ("Did you meet?")."""
    return await _first(
        session,
        _of_user(platform, user_id)
        .join(CheckinSeat, CheckinSeat.member_id == Member.id)
        .where(CheckinSeat.id == seat_id),
    )


async def community_of_answer(
    session: AsyncSession, platform: str, user_id: str, number: int
) -> Community | None:
    """The community of one of the user's own answers, by the number they see (share,
    unshare, delete buttons)."""
    return await _first(
        session,
        _of_user(platform, user_id)
        .join(Answer, Answer.member_id == Member.id)
        .where(Answer.number == number),
    )


async def community_of_message(
    session: AsyncSession, platform: str, user_id: str, message_ref: str
) -> Community | None:
    """The community of a platform message: a prompt the bot sent the user (or its
    reminder), or an answer or note the user wrote."""
    prompt = await _first(
        session,
        _of_user(platform, user_id)
        .join(Delivery, Delivery.member_id == Member.id)
        .where(
            or_(
                Delivery.platform_message_ref == message_ref,
                Delivery.reminder_message_ref == message_ref,
            )
        ),
    )
    if prompt is not None:
        return prompt
    answer = await _first(
        session,
        _of_user(platform, user_id)
        .join(Answer, Answer.member_id == Member.id)
        .join(AnswerPart, AnswerPart.answer_id == Answer.id)
        .where(AnswerPart.platform_message_ref == message_ref),
    )
    if answer is not None:
        return answer
    return await _first(
        session,
        _of_user(platform, user_id)
        .join(FreeNote, FreeNote.member_id == Member.id)
        .where(FreeNote.platform_message_ref == message_ref),
    )


async def community_of_latest_prompt(
    session: AsyncSession, platform: str, user_id: str
) -> Community | None:
    """The community whose prompt the user was sent most recently: where a plain reply in
    the DM goes, as it would in a DM of that community alone (added to that prompt's
    answer, or kept as a note when they skipped it)."""
    return await _first(
        session,
        _of_user(platform, user_id)
        .join(Delivery, Delivery.member_id == Member.id)
        .where(Member.active.is_(True), Delivery.sent_at.is_not(None))
        .order_by(Delivery.sent_at.desc()),
    )


async def community_of_user(
    session: AsyncSession, platform: str, user_id: str, external_id: str
) -> Community | None:
    """One of the user's communities by its platform id (a community they chose by button)."""
    return await _first(
        session, _of_user(platform, user_id).where(Community.external_id == external_id)
    )
