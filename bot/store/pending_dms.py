"""Direct messages waiting for their author to say which community they belong to.

Each query takes the platform user id, so a row of someone else is never read, changed or
placed. Rows live at most `KEPT_FOR`: a member who never presses a button has not lost
much, and nothing private lingers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.guard_models import PendingDirectMessage

KEPT_FOR = timedelta(days=1)


async def hold(
    session: AsyncSession,
    *,
    platform: str,
    user_id: str,
    message_ref: str | None,
    text: str,
    now: datetime,
) -> int:
    """Keep one message until it is placed; returns its id. Older rows of anyone go first."""
    await session.execute(
        delete(PendingDirectMessage).where(PendingDirectMessage.received_at < now - KEPT_FOR)
    )
    row = PendingDirectMessage(
        platform=platform,
        platform_user_id=user_id,
        message_id=message_ref,
        text=text,
        received_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


async def take(
    session: AsyncSession, platform: str, user_id: str, pending_id: int, now: datetime
) -> PendingDirectMessage | None:
    """Remove and return one of the user's waiting messages (None if placed or expired)."""
    row = await session.scalar(
        select(PendingDirectMessage).where(
            PendingDirectMessage.id == pending_id,
            PendingDirectMessage.platform == platform,
            PendingDirectMessage.platform_user_id == user_id,
            PendingDirectMessage.received_at >= now - KEPT_FOR,
        )
    )
    if row is not None:
        await session.delete(row)
        await session.flush()
    return row


async def is_waiting(session: AsyncSession, platform: str, user_id: str, pending_id: int) -> bool:
    """Whether the user has this message waiting (routing a button press checks it)."""
    found = await session.scalar(
        select(PendingDirectMessage.id).where(
            PendingDirectMessage.id == pending_id,
            PendingDirectMessage.platform == platform,
            PendingDirectMessage.platform_user_id == user_id,
        )
    )
    return found is not None


async def follow_edit(
    session: AsyncSession, platform: str, user_id: str, message_ref: str, text: str
) -> bool:
    """An edit of a waiting message changes what will be placed; True if there was one."""
    result = await session.execute(
        update(PendingDirectMessage)
        .where(
            PendingDirectMessage.platform == platform,
            PendingDirectMessage.platform_user_id == user_id,
            PendingDirectMessage.message_id == message_ref,
        )
        .values(text=text)
    )
    return bool(getattr(result, "rowcount", 0))


async def drop(session: AsyncSession, platform: str, user_id: str, message_ref: str) -> bool:
    """A deleted waiting message is never placed; True if there was one."""
    result = await session.execute(
        delete(PendingDirectMessage).where(
            PendingDirectMessage.platform == platform,
            PendingDirectMessage.platform_user_id == user_id,
            PendingDirectMessage.message_id == message_ref,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_users(session: AsyncSession, users: set[tuple[str, str]]) -> None:
    """Erasure: every waiting message of these (platform, user id) pairs."""
    for platform, user_id in sorted(users):
        await session.execute(
            delete(PendingDirectMessage).where(
                PendingDirectMessage.platform == platform,
                PendingDirectMessage.platform_user_id == user_id,
            )
        )
