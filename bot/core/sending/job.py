"""A DueJob made of a claimer and queues: claim what fell due, then send each queue.

The claimer decides what is due and inserts the rows (one unit of work: the claim); the
queues send them through the one pipeline. Prompts and scheduled digests are such jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jobs import DueReport
from bot.core.ports import Messenger
from bot.core.sending.pipeline import SendPipeline
from bot.core.sending.queue import SendQueue

log = logging.getLogger(__name__)


class Claimer(Protocol):
    """The deciding side of a job."""

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        """Insert a row (claimed, or settled as missed) for everything due at `now`; one
        unit of work, so it may run more than once: count into a fresh report."""
        ...

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        """The next time something falls due to be claimed."""
        ...


class QueueJob:
    """Claims, then sends every queue in order (a DueJob)."""

    def __init__(
        self,
        name: str,
        claimer: Claimer,
        queues: Sequence[SendQueue[Any]],
        pipeline: SendPipeline,
    ) -> None:
        self.name = name
        self.claimer = claimer
        self.queues = list(queues)
        self._pipeline = pipeline

    @property
    def messenger(self) -> Messenger:
        """The adapter's Messenger these sends go through."""
        return self._pipeline.messenger

    async def recover(self) -> int:
        return sum([await self._pipeline.recover(queue) for queue in self.queues])

    async def claim_due(self, now: datetime | None = None) -> DueReport:
        """The claim alone (tests use it to stop between claiming and sending)."""
        at = now if now is not None else self._pipeline.clock.now()
        return await self._pipeline.db.run(partial(self.claimer.claim, now=at))

    async def send(self, report: DueReport | None = None) -> DueReport:
        """Send what every queue has ready."""
        report = report or DueReport()
        for queue in self.queues:
            await self._pipeline.run(queue, report)
        return report

    async def run_due(self, now: datetime) -> DueReport:
        report = await self.send(await self.claim_due(now))
        if report.caught_up or report.missed:
            log.info(
                "catch-up after downtime",
                extra={
                    "fields": {
                        "job": self.name,
                        "caught_up": report.caught_up,
                        "missed": report.missed,
                    }
                },
            )
        return report

    async def next_due(self, now: datetime) -> datetime | None:
        """The earliest of the claimer's next due time and the queues' retries."""

        async def find(session: AsyncSession) -> datetime | None:
            times = [await self.claimer.next_due(session, now)]
            times += [await queue.earliest_retry(session, now) for queue in self.queues]
            return min((t for t in times if t is not None), default=None)

        return await self._pipeline.db.run(find)
