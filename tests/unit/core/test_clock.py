"""The simulated clock stands still unless moved, and never runs backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.clock import SimulatedClock, ensure_utc


def test_simulated_clock_stands_still_until_moved() -> None:
    clock = SimulatedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(hours=2))
    assert clock.now() == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def test_simulated_clock_refuses_to_go_back() -> None:
    clock = SimulatedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(datetime(2026, 11, 22, tzinfo=UTC))


def test_naive_times_are_utc_and_offsets_are_converted() -> None:
    assert ensure_utc(datetime(2026, 1, 1, 9)).tzinfo is UTC
    plus_two = datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=2)))
    assert ensure_utc(plus_two) == datetime(2026, 1, 1, 7, tzinfo=UTC)
