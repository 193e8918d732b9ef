"""The send state machine's queries, shared by every table that is claimed and sent.

Deliveries, channel posts and scheduled digests all move claimed → sending → sent /
uncertain / failed the same way (see docs/ARCHITECTURE.md). The queries live here once,
each taking the table's model; a row's platform is its community's (through its member for
deliveries and digests, directly for channel posts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinMessage, MentorNotice
from bot.store.models import ChannelPost, Community, Delivery, DeliveryStatus, DigestSend, Member
from bot.store.schedule_models import DiscussionPost, DiscussionRecap

SentRow = (
    type[Delivery]
    | type[ChannelPost]
    | type[DigestSend]
    | type[DiscussionPost]
    | type[DiscussionRecap]
    | type[CheckinMessage]
    | type[MentorNotice]
)
_Row = TypeVar("_Row", bound=tuple[Any, ...])


def on_platform(query: Select[_Row], model: SentRow, platform: str) -> Select[_Row]:
    """`query` over `model`, narrowed to the rows of one platform's communities."""
    if issubclass(
        model, ChannelPost | DiscussionPost | DiscussionRecap | CheckinMessage | MentorNotice
    ):
        query = query.join(Community, Community.id == model.community_id)
    else:
        query = query.join(Member, Member.id == model.member_id).join(
            Community, Community.id == Member.community_id
        )
    return query.where(Community.platform == platform)


async def ready_ids(
    session: AsyncSession, model: SentRow, platform: str, now: datetime, limit: int
) -> list[int]:
    """Claimed rows ready to send now (no retry time, or it has come), oldest due first."""
    query = on_platform(select(model.id), model, platform).where(
        model.status == DeliveryStatus.CLAIMED,
        model.retry_at.is_(None) | (model.retry_at <= now),
    )
    result = await session.scalars(query.order_by(model.due_at, model.id).limit(limit))
    return list(result)


async def count_claimed(session: AsyncSession, model: SentRow, platform: str) -> int:
    """Claimed rows, ready or waiting for a retry (the total in progress logs)."""
    query = on_platform(select(func.count(model.id)), model, platform)
    return int(await session.scalar(query.where(model.status == DeliveryStatus.CLAIMED)) or 0)


async def mark_sending(session: AsyncSession, model: SentRow, row_id: int) -> bool:
    """Compare-and-set claimed → sending (one more attempt); False when another worker
    took the row first. Committed before the platform call."""
    result = await session.execute(
        update(model)
        .where(model.id == row_id, model.status == DeliveryStatus.CLAIMED)
        .values(status=DeliveryStatus.SENDING, attempts=model.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def set_state(session: AsyncSession, model: SentRow, row_id: int, **values: Any) -> None:
    await session.execute(
        update(model)
        .where(model.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def attempts_of(session: AsyncSession, model: SentRow, row_id: int) -> int:
    return int(await session.scalar(select(model.attempts).where(model.id == row_id)) or 0)


async def mark_interrupted_uncertain(session: AsyncSession, model: SentRow, platform: str) -> int:
    """After a crash, the platform's rows that were `sending` may or may not have reached
    the platform: never resent (that could send twice), marked for a person to see."""
    sending = on_platform(select(model.id), model, platform).where(
        model.status == DeliveryStatus.SENDING
    )
    result = await session.execute(
        update(model)
        .where(model.id.in_(sending))
        .values(status=DeliveryStatus.UNCERTAIN, last_error="interrupted while sending")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def earliest_retry(
    session: AsyncSession, model: SentRow, platform: str, now: datetime
) -> datetime | None:
    """The next time a claimed row put back for later becomes ready."""
    query = on_platform(select(func.min(model.retry_at)), model, platform).where(
        model.status == DeliveryStatus.CLAIMED, model.retry_at > now
    )
    result: datetime | None = await session.scalar(query)
    return result
