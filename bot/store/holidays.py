"""Holiday queries: the community's breaks in force, imports waiting for a confirmation,
and timed pauses that have run out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.holiday_models import Holiday
from bot.store.models import Member


async def add(
    session: AsyncSession,
    community_id: int,
    spans: Iterable[tuple[date, date, str]],
    now: datetime,
    import_batch: str | None = None,
) -> list[Holiday]:
    """Insert holidays (first day, last day, name); a batch waits for its confirmation."""
    rows = [
        Holiday(
            community_id=community_id,
            first_day=first,
            last_day=last,
            name=name,
            created_at=now,
            import_batch=import_batch,
        )
        for first, last, name in spans
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def in_force(session: AsyncSession, community_id: int) -> Sequence[Holiday]:
    """The community's confirmed holidays, earliest first."""
    found = await session.scalars(
        select(Holiday)
        .where(Holiday.community_id == community_id, Holiday.import_batch.is_(None))
        .order_by(Holiday.first_day, Holiday.id)
    )
    return found.all()


async def holiday_dates(
    session: AsyncSession, community_id: int, days: Iterable[date]
) -> set[date]:
    """Which of `days` fall in one of the community's confirmed holidays."""
    wanted = set(days)
    if not wanted:
        return set()
    found = await session.execute(
        select(Holiday.first_day, Holiday.last_day).where(
            Holiday.community_id == community_id,
            Holiday.import_batch.is_(None),
            Holiday.first_day <= max(wanted),
            Holiday.last_day >= min(wanted),
        )
    )
    spans = found.all()
    return {day for day in wanted if any(first <= day <= last for first, last in spans)}


async def remove(session: AsyncSession, community_id: int, holiday_id: int) -> Holiday | None:
    """Delete one confirmed holiday of the community; None when it has no such holiday."""
    holiday = await session.get(Holiday, holiday_id)
    if holiday is None or holiday.community_id != community_id or holiday.import_batch:
        return None
    await session.delete(holiday)
    return holiday


async def confirm_batch(session: AsyncSession, community_id: int, batch: str) -> int:
    """Put an imported batch in force; the number of holidays it held (0: none waiting)."""
    result = await session.execute(
        update(Holiday)
        .where(Holiday.community_id == community_id, Holiday.import_batch == batch)
        .values(import_batch=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def drop_batch(session: AsyncSession, community_id: int, batch: str) -> int:
    """Forget an import that was cancelled (or never confirmed)."""
    result = await session.execute(
        delete(Holiday).where(Holiday.community_id == community_id, Holiday.import_batch == batch)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def end_timed_pauses(session: AsyncSession, now: datetime) -> int:
    """Resume every member whose timed pause has run out: prompts due from its end on are
    theirs again (`resumed_at` is the end, so nothing from the pause is sent late)."""
    due = await session.scalars(
        select(Member).where(Member.paused_until.is_not(None), Member.paused_until <= now)
    )
    members = due.all()
    for member in members:
        if member.paused_at is not None:  # not resumed by hand (or by a rhythm) meanwhile
            member.resumed_at = member.paused_until
            member.paused_at = None
        member.paused_until = None
    return len(members)
