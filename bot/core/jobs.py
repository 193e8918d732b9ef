"""Periodic work beside the weekly prompts: scheduled digests, the daily retention purge.

Each job says when it is next due and runs what is due now; `PlnCore` runs them after the
deliveries and wakes the process at the earliest of their due times, so a simulated clock
moves them exactly like prompts (no sleeping anywhere).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class DueJob(Protocol):
    """Work that falls due at times the job itself computes."""

    name: str

    async def recover(self) -> int:
        """Start-up: sends a crash interrupted become 'uncertain' and are never resent."""
        ...

    async def run_due(self, now: datetime) -> int:
        """Do what is due at `now`; returns how many items were handled (for logs)."""
        ...

    async def next_due(self, now: datetime) -> datetime | None:
        """The earliest time after (or at) `now` when `run_due` has something to do."""
        ...
