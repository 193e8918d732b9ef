"""Weekly fire times in each member's zone, across daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.schedule import (
    WeeklyRule,
    fire_times_between,
    latest_fire_at_or_before,
    next_fire_after,
)

MONDAY_9 = WeeklyRule(weekday=0, local_time=time(9, 0))

# (zone, a Sunday on which the clocks change, what happens)
TRANSITIONS = [
    ("Europe/Berlin", date(2027, 3, 28), "spring forward"),
    ("Europe/Berlin", date(2027, 10, 31), "fall back"),
    ("America/New_York", date(2027, 3, 14), "spring forward"),
    ("America/New_York", date(2027, 11, 7), "fall back"),
    ("Australia/Sydney", date(2027, 10, 3), "spring forward"),
    ("Australia/Sydney", date(2027, 4, 4), "fall back"),
]


@pytest.mark.parametrize(("zone_name", "sunday", "_what"), TRANSITIONS)
def test_exactly_one_prompt_at_nine_local_in_transition_weeks(
    zone_name: str, sunday: date, _what: str
) -> None:
    zone = ZoneInfo(zone_name)
    start = datetime.combine(sunday - timedelta(days=14), time(0), tzinfo=UTC)
    fires = fire_times_between(MONDAY_9, zone, start, start + timedelta(days=28))
    assert len(fires) == 4
    for fire in fires:
        local = fire.at.astimezone(zone)
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
        assert local.date() == fire.local_date
    gaps = {later.at - earlier.at for earlier, later in itertools.pairwise(fires)}
    assert gaps <= {timedelta(days=7), timedelta(days=7, hours=1), timedelta(days=7, hours=-1)}


def test_a_wall_time_in_the_spring_gap_moves_forward_once() -> None:
    zone = ZoneInfo("Europe/Berlin")
    rule = WeeklyRule(weekday=6, local_time=time(2, 30))  # Sunday 02:30 does not exist on 28 March
    start = datetime(2027, 3, 27, tzinfo=UTC)
    fires = fire_times_between(rule, zone, start, start + timedelta(days=2))
    assert len(fires) == 1
    assert fires[0].at.astimezone(zone).strftime("%H:%M %Z") == "03:30 CEST"


def test_an_ambiguous_wall_time_fires_at_its_first_occurrence_only() -> None:
    zone = ZoneInfo("Europe/Berlin")
    rule = WeeklyRule(weekday=6, local_time=time(2, 30))  # 02:30 happens twice on 31 October
    start = datetime(2027, 10, 30, tzinfo=UTC)
    fires = fire_times_between(rule, zone, start, start + timedelta(days=2))
    assert len(fires) == 1
    assert fires[0].at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_next_and_latest_fire_bracket_a_moment() -> None:
    zone = ZoneInfo("America/New_York")
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
    assert latest_fire_at_or_before(MONDAY_9, zone, moment).at == datetime(
        2026, 11, 23, 14, 0, tzinfo=UTC
    )
    assert next_fire_after(MONDAY_9, zone, moment).at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_a_fire_exactly_now_is_not_next_but_is_latest() -> None:
    zone = ZoneInfo("UTC")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert latest_fire_at_or_before(MONDAY_9, zone, now).at == now
    assert next_fire_after(MONDAY_9, zone, now).at == now + timedelta(days=7)


ZONES = st.sampled_from(
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "America/Sao_Paulo",
        "Pacific/Auckland",
        "Asia/Kathmandu",
        "Pacific/Chatham",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    zone_name=ZONES,
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    weeks=st.integers(1, 60),
)
def test_one_fire_per_week_on_the_right_local_day(
    zone_name: str, start: datetime, weekday: int, hour: int, minute: int, weeks: int
) -> None:
    zone = ZoneInfo(zone_name)
    rule = WeeklyRule(weekday, time(hour, minute))
    after = start.replace(tzinfo=UTC)
    fires = fire_times_between(rule, zone, after, after + timedelta(weeks=weeks))
    # A window of whole weeks holds one fire per week, give or take the one at its edge
    # when the offset changed by an hour inside it.
    assert weeks - 1 <= len(fires) <= weeks + 1
    dates = [fire.local_date for fire in fires]
    assert len(set(dates)) == len(dates)
    assert all(d.weekday() == weekday for d in dates)
    for earlier, later in itertools.pairwise(fires):
        assert later.local_date - earlier.local_date == timedelta(days=7)
        assert earlier.at < later.at
