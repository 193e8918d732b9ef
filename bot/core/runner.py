"""Drives scheduled work: in real time through the Alarm, or step by step on a simulated clock."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.core.alarm import Alarm
from bot.core.clock import SimulatedClock
from bot.core.jobs import DueReport
from bot.core.service import PlnCore
from bot.store.database import DatabaseUnavailable

log = logging.getLogger(__name__)


class Runner:
    """Starts the core, then keeps it woken at each due time."""

    def __init__(self, core: PlnCore, alarm: Alarm | None = None) -> None:
        self.core = core
        self._alarm = alarm
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        core.on_schedule_change(self._schedule_changed)

    async def start(self) -> DueReport:
        """Recover, catch up, and (in real time) arm the alarm."""
        async with self._lock:
            try:
                report = await self.core.start()
            except DatabaseUnavailable:
                log.error(
                    "database unavailable at start-up; due work will be retried at the next wake"
                )
                report = DueReport()
        if self._alarm is not None:
            self._alarm.start()
            await self._rearm()
        return report

    async def wake(self) -> None:
        """Run what is due now, then arm the alarm for the next due time."""
        async with self._lock:
            try:
                await self.core.run_due_work()
            except Exception:
                log.exception("scheduled work failed; will try again at the next wake")
        await self._rearm()

    async def advance(self, delta: timedelta) -> None:
        """Simulated clock only: move time forward, firing everything due on the way, in order."""
        clock = self.core.clock
        if not isinstance(clock, SimulatedClock):
            raise TypeError("time can only be advanced on a simulated clock")
        target = clock.now() + delta
        async with self._lock:
            await self.core.run_due_work()
            while (due := await self.core.next_due_time()) is not None and due <= target:
                if due <= clock.now():
                    break  # everything due by now has just been handled; never spin in place
                clock.set(due)
                await self.core.run_due_work()
            clock.set(target)
            await self.core.run_due_work()

    def stop(self) -> None:
        if self._alarm is not None:
            self._alarm.shutdown()

    async def _rearm(self) -> None:
        if self._alarm is None:
            return
        try:
            due = await self.core.next_due_time()
        except DatabaseUnavailable:
            due = None  # the safety interval brings us back to try again
        at = self._alarm.wake_at(due, self.wake)
        log.debug("alarm set", extra={"fields": {"at": at.isoformat()}})

    def _schedule_changed(self) -> None:
        if self._alarm is None:
            return
        task = asyncio.get_running_loop().create_task(self._rearm())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
