"""Claiming discussion recaps: a sent discussion post gets its recap `after` later, once.

The recap row is inserted in the claiming unit of work (unique per post), so a restart or
a second process never claims it again; `bot.core.sending.recap_queue` sends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jobs import DueReport
from bot.store import discussion_recaps as recap_store


class RecapClaimer:
    """Claims the recaps that fell due (a `Claimer`). A recap late because the bot was
    down is still posted: unlike a prompt, it is as useful a day late."""

    def __init__(self, platform: str, after: timedelta) -> None:
        self._platform = platform
        self._after = after

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        # not counted in the report: its counts are the prompts' ("sent to N members")
        await recap_store.claim_due(session, self._platform, now, self._after)
        return DueReport()

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        return await recap_store.next_due(session, self._platform, self._after)
