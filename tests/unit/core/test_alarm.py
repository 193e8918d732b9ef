"""The alarm arms one APScheduler job for the next due time; nothing sleeps here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.alarm import MIN_DELAY, SAFETY_INTERVAL, WAKE_JOB_ID, Alarm
from bot.core.clock import SimulatedClock

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def nothing() -> None:
    return None


def job_time(alarm: Alarm) -> datetime:
    job = alarm._scheduler.get_job(WAKE_JOB_ID)
    assert job is not None
    trigger_time: datetime = job.trigger.run_date
    return trigger_time


async def test_alarm_is_set_for_the_due_time() -> None:
    alarm = Alarm(SimulatedClock(NOW))
    alarm.start()
    try:
        due = NOW + timedelta(minutes=3)
        assert alarm.wake_at(due, nothing) == due
        assert job_time(alarm) == due
    finally:
        alarm.shutdown()


async def test_setting_the_alarm_again_replaces_it() -> None:
    alarm = Alarm(SimulatedClock(NOW))
    alarm.start()
    try:
        alarm.wake_at(NOW + timedelta(minutes=3), nothing)
        alarm.wake_at(NOW + timedelta(minutes=1), nothing)
        assert len(alarm._scheduler.get_jobs()) == 1
        assert job_time(alarm) == NOW + timedelta(minutes=1)
    finally:
        alarm.shutdown()


async def test_nothing_due_still_wakes_within_the_safety_interval() -> None:
    alarm = Alarm(SimulatedClock(NOW))
    alarm.start()
    try:
        assert alarm.wake_at(None, nothing) == NOW + SAFETY_INTERVAL
        assert alarm.wake_at(NOW + timedelta(days=6), nothing) == NOW + SAFETY_INTERVAL
    finally:
        alarm.shutdown()


async def test_work_due_in_the_past_wakes_a_moment_later_never_in_a_tight_loop() -> None:
    alarm = Alarm(SimulatedClock(NOW))
    alarm._scheduler.start(paused=True)  # hold the job: APScheduler itself runs on real time
    try:
        assert alarm.wake_at(NOW - timedelta(hours=1), nothing) == NOW + MIN_DELAY
        assert alarm.wake_at(NOW, nothing) == NOW + MIN_DELAY
    finally:
        alarm.shutdown()
