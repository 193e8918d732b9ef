"""The counts behind `/pln stats`'s check-in line: rounds, people placed, meetings.

Counts only: who was placed, who sat out and who answered "Did you meet?" never leave here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinGroup, CheckinOptIn, CheckinRound, CheckinSeat
from bot.store.models import Member


@dataclass(frozen=True)
class CheckinFigures:
    joined: int  # members in check-ins now
    rounds: int  # rounds formed in the period
    groups: int
    placed: int
    answered: int  # seats that answered "Did you meet?"
    met: int  # of them, "yes"

    @property
    def meeting_rate(self) -> int | None:
        return round(100 * self.met / self.answered) if self.answered else None


async def checkin_figures(
    session: AsyncSession, community_id: int, since: datetime, until: datetime
) -> CheckinFigures:
    joined = await session.scalar(
        select(func.count(CheckinOptIn.member_id))
        .join(Member, Member.id == CheckinOptIn.member_id)
        .where(Member.community_id == community_id, Member.active.is_(True))
    )
    in_period = (
        CheckinRound.community_id == community_id,
        CheckinRound.formed_at.is_not(None),
        CheckinRound.due_at >= since,
        CheckinRound.due_at < until,
    )
    rounds, groups, placed = (
        await session.execute(
            select(
                func.count(CheckinRound.id),
                func.coalesce(func.sum(CheckinRound.groups), 0),
                func.coalesce(func.sum(CheckinRound.placed), 0),
            ).where(*in_period)
        )
    ).one()
    answered, met = (
        await session.execute(
            select(
                func.count(CheckinSeat.met),
                func.count(CheckinSeat.id).filter(CheckinSeat.met == "yes"),
            )
            .join(CheckinGroup, CheckinGroup.id == CheckinSeat.group_id)
            .join(CheckinRound, CheckinRound.id == CheckinGroup.round_id)
            .where(*in_period)
        )
    ).one()
    return CheckinFigures(
        int(joined or 0), int(rounds), int(groups), int(placed), int(answered), int(met)
    )
