"""Each check-in round of a community with its counts, for the moderators' page: the same
figures as the round's summary DM to moderators, and never who was placed with whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinGroup, CheckinRound, CheckinSeat


@dataclass(frozen=True)
class RoundCounts:
    due_on: date  # the round's date in its schedule's zone
    due_at: datetime
    status: str  # "claimed", "formed" or "missed"
    opted_in: int
    placed: int
    groups: int
    sat_out: int
    left_out: int  # paused, on holiday or unreachable
    answered: int  # seats that answered "Did you meet?"
    met: int

    @property
    def meeting_rate(self) -> int | None:
        return round(100 * self.met / self.answered) if self.answered else None


async def latest_rounds(session: AsyncSession, community_id: int, limit: int) -> list[RoundCounts]:
    """The latest `limit` rounds, newest first."""
    seats = (
        select(
            CheckinGroup.round_id,
            func.count(CheckinSeat.met).label("answered"),
            func.count(CheckinSeat.id).filter(CheckinSeat.met == "yes").label("met"),
        )
        .join(CheckinSeat, CheckinSeat.group_id == CheckinGroup.id)
        .group_by(CheckinGroup.round_id)
        .subquery()
    )
    rows = await session.execute(
        select(CheckinRound, seats.c.answered, seats.c.met)
        .outerjoin(seats, seats.c.round_id == CheckinRound.id)
        .where(CheckinRound.community_id == community_id)
        .order_by(CheckinRound.due_at.desc(), CheckinRound.id.desc())
        .limit(limit)
    )
    return [
        RoundCounts(
            r.due_local_date,
            r.due_at,
            r.status,
            r.opted_in,
            r.placed,
            r.groups,
            r.sat_out,
            r.left_out_paused + r.left_out_holiday + r.left_out_unreachable,
            int(answered or 0),
            int(met or 0),
        )
        for r, answered, met in rows
    ]
