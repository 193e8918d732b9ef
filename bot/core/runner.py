"""Drives scheduled work: in real time through the Alarm, or step by step on a simulated clock."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.alarm import Alarm
from bot.core.clock import SimulatedClock
from bot.core.jobs import DueReport
from bot.core.service import PlnCore
from bot.store.database import DatabaseUnavailable

log = logging.getLogger(__name__)

# an armed alarm this far past its time has not rung: the scheduler is stuck or gone
OVERDUE = timedelta(minutes=2)


class RunnerState(StrEnum):
    """Where the runner is, for /healthz: catching up is healthy, not started is not."""

    NEW = "new"  # start() not called yet
    CATCHING_UP = "catching_up"  # start() is recovering and sending what fell due
    RUNNING = "running"  # woken by the alarm (or driven by hand on a simulated clock)
    STOPPED = "stopped"


@dataclass(frozen=True)
class AlarmStatus:
    """Is the scheduler alive? `alive` False means the process would never wake again."""

    alive: bool
    detail: str  # "armed", "waking", "simulated", "not armed", "stopped", ...
    next_wake: datetime | None = None


class Runner:
    """Starts the core, then keeps it woken at each due time."""

    def __init__(self, core: PlnCore, alarm: Alarm | None = None) -> None:
        self.core = core
        self._alarm = alarm
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self.state = RunnerState.NEW
        self._rearming = 0  # re-arms under way: the alarm has no job for that moment
        core.on_schedule_change(self._schedule_changed)

    def alarm_status(self) -> AlarmStatus:
        """Alive while starting, while a wake is running, or while armed for a time not long
        past: an alarm whose time went by over `OVERDUE` ago without ringing is dead."""
        if self.state is RunnerState.NEW:
            return AlarmStatus(False, "not started")
        if self.state is RunnerState.STOPPED:
            return AlarmStatus(False, "stopped")
        if self.state is RunnerState.CATCHING_UP:
            return AlarmStatus(True, "catching up")
        if self._alarm is None:
            return AlarmStatus(True, "simulated")
        if self._lock.locked() or self._rearming:
            return AlarmStatus(True, "waking")
        if not self._alarm.running:
            return AlarmStatus(False, "scheduler stopped")
        at = self._alarm.next_wake()
        if at is None:
            return AlarmStatus(False, "not armed")
        if at < self.core.clock.now() - OVERDUE:
            return AlarmStatus(False, "overdue", at)
        return AlarmStatus(True, "armed", at)

    async def start(self) -> DueReport:
        """Recover, catch up, and (in real time) arm the alarm."""
        self.state = RunnerState.CATCHING_UP
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
        self.state = RunnerState.RUNNING
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
        self.state = RunnerState.STOPPED
        if self._alarm is not None:
            self._alarm.shutdown()

    async def _rearm(self) -> None:
        if self._alarm is None:
            return
        self._rearming += 1
        try:
            due = await self.core.next_due_time()
        except DatabaseUnavailable:
            due = None  # the safety interval brings us back to try again
        finally:
            self._rearming -= 1
        at = self._alarm.wake_at(due, self.wake)
        log.debug("alarm set", extra={"fields": {"at": at.isoformat()}})

    def _schedule_changed(self) -> None:
        if self._alarm is None:
            return
        task = asyncio.get_running_loop().create_task(self._rearm())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
