"""Several claimers as one job's claimer: each decides its own rows in the one claiming
transaction (prompts, then discussions), and the earliest of their next times wakes us."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jobs import DueReport
from bot.core.sending.job import Claimer


class ClaimersInOrder:
    """Several claimers as one: prompts, then discussions, in one claiming transaction."""

    def __init__(self, claimers: tuple[Claimer, ...]) -> None:
        self._claimers = claimers

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        report = DueReport()
        for claimer in self._claimers:
            found = await claimer.claim(session, now)
            report.claimed += found.claimed
            report.caught_up += found.caught_up
            report.missed += found.missed
        return report

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        times = [await claimer.next_due(session, now) for claimer in self._claimers]
        return min((t for t in times if t is not None), default=None)
