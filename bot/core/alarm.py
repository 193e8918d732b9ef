"""The alarm clock: APScheduler wakes the process when the store says work falls due.

APScheduler holds no state of ours (no job store, nothing pickled): one in-memory job,
re-armed after every wake for the next due time the database reports.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.core.clock import Clock

WAKE_JOB_ID = "pln-bot-wake"
SAFETY_INTERVAL = timedelta(
    minutes=5
)  # wake at least this often, e.g. for changes by another process
# never sooner than this: work the store reports as due but that a wake could not clear
# (a send refused without a retry time, say) must not spin the process in a tight loop
MIN_DELAY = timedelta(seconds=1)


class Alarm:
    """Wakes a callback at one chosen time; setting a new time replaces the old one."""

    def __init__(self, clock: Clock, safety_interval: timedelta = SAFETY_INTERVAL) -> None:
        self._clock = clock
        self._safety = safety_interval
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        self._scheduler.start()

    def wake_at(self, when: datetime | None, callback: Callable[[], Awaitable[None]]) -> datetime:
        """Arm the alarm for `when` (or the safety interval, if sooner); returns the time set."""
        now = self._clock.now()
        latest = now + self._safety
        at = latest if when is None else max(min(when, latest), now + MIN_DELAY)
        self._scheduler.add_job(
            callback,
            trigger=DateTrigger(run_date=at, timezone=UTC),
            id=WAKE_JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        return at

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def next_wake(self) -> datetime | None:
        """When the alarm will ring next; None while it is not armed (e.g. during a wake)."""
        job = self._scheduler.get_job(WAKE_JOB_ID)
        when = getattr(job, "next_run_time", None) if job is not None else None
        return when if isinstance(when, datetime) else None

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
