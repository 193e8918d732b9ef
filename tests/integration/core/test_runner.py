"""The runner arms APScheduler for the next due time the store reports (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.alarm import WAKE_JOB_ID, Alarm
from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


def armed_for(alarm: Alarm) -> datetime:
    job = alarm._scheduler.get_job(WAKE_JOB_ID)
    assert job is not None
    run_date: datetime = job.trigger.run_date
    return run_date


async def test_alarm_follows_the_next_due_time_and_a_wake_delivers(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    alarm = Alarm(clock, safety_interval=timedelta(days=30))
    # APScheduler runs on real time, the test on a simulated clock whose times are in the
    # real past: left running, the alarm would fire at once, again and again. Paused, it
    # still holds the armed job for the test to read; the test calls wake() itself.
    alarm.start = lambda: alarm._scheduler.start(paused=True)  # type: ignore[method-assign]
    runner = Runner(core, alarm)
    await core.handle_command(member("alice"), "join")
    await runner.start()
    try:
        monday_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        assert armed_for(alarm) == monday_9
        await core.handle_command(member("alice"), "tz Asia/Tokyo")  # 09:00 JST is 00:00 UTC
        await runner._rearm()
        assert armed_for(alarm) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)

        clock.set(datetime(2026, 11, 23, 0, 0, tzinfo=UTC))
        await runner.wake()  # what APScheduler calls at that time
        assert messenger.counts() == {"alice": 1}
        assert armed_for(alarm) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    finally:
        runner.stop()
