"""Scheduled work: prompts, scheduled digests, the daily retention purge.

Each job says when it is next due and runs what is due now. `PlnCore` holds a list of them,
the prompts first (members wait for them), recovers each at start-up, runs them on every
wake and wakes the process at the earliest of their due times, so a simulated clock moves
them all alike (no sleeping anywhere). Jobs that send are `bot.core.sending.job.QueueJob`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass
class DueReport:
    """What one pass of due work did, for logs and replies."""

    claimed: int = 0
    caught_up: int = 0
    missed: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0


class DueJob(Protocol):
    """Work that falls due at times the job itself computes."""

    name: str

    async def recover(self) -> int:
        """Start-up: sends a crash interrupted become 'uncertain' and are never resent."""
        ...

    async def run_due(self, now: datetime) -> DueReport:
        """Do what is due at `now`, and say what was done."""
        ...

    async def next_due(self, now: datetime) -> datetime | None:
        """The earliest time after (or at) `now` when `run_due` has something to do."""
        ...
