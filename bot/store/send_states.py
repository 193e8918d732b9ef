"""The send state machine's row updates, shared by every table that is claimed and sent.

Deliveries, channel posts and scheduled digests all move claimed → sending → sent /
uncertain / failed the same way (see docs/ARCHITECTURE.md); the updates live here once, and
each table's module names them for its own rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ChannelPost, Delivery, DeliveryStatus, DigestSend

SentRow = type[Delivery] | type[ChannelPost] | type[DigestSend]


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


async def mark_interrupted_uncertain(
    session: AsyncSession, model: SentRow, sending_ids: Select[tuple[int]]
) -> int:
    """After a crash, rows that were `sending` (`sending_ids`, this platform's) may or may not
    have reached the platform: never resent (that could send twice), marked for a person."""
    result = await session.execute(
        update(model)
        .where(model.id.in_(sending_ids))
        .values(status=DeliveryStatus.UNCERTAIN, last_error="interrupted while sending")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
