"""A long fan-out says how far it is and when it will be done, and /metrics follows it."""

from __future__ import annotations

import logging

import pytest

from bot.core.fanout_progress import FanoutProgress, format_duration


class Ticks:
    """A monotonic clock moved by hand: each row takes half a second."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Recorded:
    def __init__(self) -> None:
        self.progress: list[tuple[str, int, int, float | None]] = []

    def platform_error(self, platform: str, code: str) -> None: ...

    def event_acked(self, platform: str, kind: str, seconds: float) -> None: ...

    def fanout_progress(self, queue: str, done: int, total: int, eta: float | None) -> None:
        self.progress.append((queue, done, total, eta))


def test_progress_lines_carry_rate_and_eta(caplog: pytest.LogCaptureFixture) -> None:
    ticks, metrics = Ticks(), Recorded()
    progress = FanoutProgress("prompt", 10, metrics=metrics, monotonic=ticks, every_rows=4)
    with caplog.at_level(logging.INFO, logger="bot.core.fanout_progress"):
        for _ in range(10):
            ticks.now += 0.5
            progress.advance()
        progress.finish()

    lines = [record.fields for record in caplog.records]  # type: ignore[attr-defined]
    assert lines == [
        {"queue": "prompt", "done": 4, "total": 10, "percent": 40, "per_second": 2.0, "eta": "3s"},
        {"queue": "prompt", "done": 8, "total": 10, "percent": 80, "per_second": 2.0, "eta": "1s"},
    ]  # none at 10 of 10: "fan-out finished" says that
    assert metrics.progress[0] == ("prompt", 0, 10, None)
    assert metrics.progress[4] == ("prompt", 4, 10, 3.0)
    assert metrics.progress[-1] == ("prompt", 0, 0, None)  # idle again


def test_a_slow_fanout_logs_by_time_too(caplog: pytest.LogCaptureFixture) -> None:
    ticks = Ticks()
    progress = FanoutProgress("prompt", 10_000, monotonic=ticks, every_seconds=30.0)
    with caplog.at_level(logging.INFO, logger="bot.core.fanout_progress"):
        for _ in range(31):
            ticks.now += 1.0  # one a second: 1,000 rows would be 17 minutes of silence
            progress.advance()

    assert [record.fields["done"] for record in caplog.records] == [30]  # type: ignore[attr-defined]
    assert caplog.records[0].fields["eta"] == "2h46m"  # type: ignore[attr-defined]


def test_durations_read_short() -> None:
    assert [format_duration(s) for s in (12, 250, 7500)] == ["12s", "4m10s", "2h05m"]
