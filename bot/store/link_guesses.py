"""Counts of link codes that did not work, per guesser, shared by every process.

A guesser is a platform user (the same id in all their communities) or, once linked, a
person: counting per member row would give 5 more guesses for every guild joined, and
counting in memory would give 5 more for every process. A row holds a count and times,
never a code or anything typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.guard_models import LinkFailure


def user_key(platform: str, user_id: str) -> str:
    return f"user:{platform}:{user_id}"


def person_key(person_id: int) -> str:
    return f"person:{person_id}"


async def locked(session: AsyncSession, guessers: Iterable[str], now: datetime) -> bool:
    """Whether any of these guessers is locked out at `now`."""
    found = await session.scalar(
        select(LinkFailure.guesser)
        .where(LinkFailure.guesser.in_(sorted(guessers)), LinkFailure.locked_until > now)
        .limit(1)
    )
    return found is not None


async def record(
    session: AsyncSession,
    guessers: Iterable[str],
    now: datetime,
    *,
    max_failures: int,
    window: timedelta,
    lockout: timedelta,
) -> bool:
    """Count one wrong code against each guesser; True when that locks any of them out.

    The row is locked for the update (PostgreSQL), and SQLite writes one at a time, so
    two processes counting at once both count.
    """
    locks = False
    for guesser in sorted(guessers):
        await session.execute(
            insert_ignoring_duplicates(session, LinkFailure, ["guesser"]).values(
                guesser=guesser, failures=0, window_start=now, locked_until=None
            )
        )
        row = await session.scalar(
            select(LinkFailure).where(LinkFailure.guesser == guesser).with_for_update()
        )
        assert row is not None, "inserted or already there"
        if now - row.window_start >= window:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= max_failures:
            row.failures, row.window_start, row.locked_until = 0, now, now + lockout
            locks = True
    await session.flush()
    return locks


async def forget(
    session: AsyncSession,
    *,
    users: Iterable[tuple[str, str]] = (),
    persons: Iterable[int] = (),
) -> None:
    """Drop the counts of these users and persons: a code that worked, or an erasure."""
    keys = [user_key(p, u) for p, u in users] + [person_key(p) for p in persons]
    if keys:
        await session.execute(delete(LinkFailure).where(LinkFailure.guesser.in_(sorted(keys))))


async def purge_stale(session: AsyncSession, now: datetime, older_than: timedelta) -> None:
    """Rows whose window and lockout are long over say nothing any more."""
    cutoff = now - older_than
    await session.execute(
        delete(LinkFailure).where(
            LinkFailure.window_start < cutoff,
            or_(LinkFailure.locked_until.is_(None), LinkFailure.locked_until < cutoff),
        )
    )
