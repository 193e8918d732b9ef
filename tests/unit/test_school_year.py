"""The community's school year: where it starts, which week a day is in, and its phase."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.prompts.school_year import (
    first_monday,
    in_southern_hemisphere,
    phase,
    week_of_year,
    year_start,
)


def test_without_a_chosen_start_the_year_begins_on_the_first_monday_of_september() -> None:
    assert year_start(date(2026, 12, 6), None, "Europe/Berlin") == date(2026, 9, 7)
    assert year_start(date(2026, 9, 6), None, "UTC") == date(2025, 9, 1), "before it: last year"
    assert year_start(date(2026, 9, 7), None, "America/Toronto") == date(2026, 9, 7)


def test_south_of_the_equator_the_default_year_begins_in_february() -> None:
    assert in_southern_hemisphere("Australia/Sydney")
    assert in_southern_hemisphere("America/Sao_Paulo")
    assert in_southern_hemisphere("Africa/Johannesburg")
    assert not in_southern_hemisphere("Europe/Berlin")
    assert not in_southern_hemisphere("UTC")
    assert year_start(date(2026, 12, 6), None, "Australia/Sydney") == date(2026, 2, 2)
    assert year_start(date(2027, 1, 20), None, "Pacific/Auckland") == date(2026, 2, 2)


def test_a_chosen_start_repeats_each_year_from_the_monday_of_its_week() -> None:
    chosen = date(2026, 9, 7)
    assert year_start(date(2026, 9, 7), chosen, "UTC") == chosen
    assert year_start(date(2027, 6, 14), chosen, "UTC") == chosen
    assert year_start(date(2027, 9, 6), chosen, "UTC") == date(2027, 9, 6)  # Tue 7 Sep 2027
    assert year_start(date(2026, 8, 31), chosen, "UTC") == date(2025, 9, 1)  # Sun 7 Sep 2025


def test_september_is_the_start_of_the_year_and_june_its_end() -> None:
    start = date(2026, 9, 7)
    assert [phase(start + timedelta(weeks=w), start) for w in (0, 3, 7)] == ["start"] * 3
    assert phase(date(2026, 11, 2), start) == "middle"
    assert phase(date(2027, 2, 1), start) == "middle"
    assert all(phase(date(2027, 6, day), start) == "end" for day in range(1, 31))
    assert week_of_year(date(2026, 9, 13), start) == 0
    assert week_of_year(date(2026, 9, 14), start) == 1


@given(day=st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)))
def test_every_day_is_in_a_year_that_started_on_a_monday_within_the_last_53_weeks(
    day: date,
) -> None:
    for chosen in (None, date(2026, 9, 7), date(2024, 2, 29)):
        for zone in ("Europe/London", "Australia/Perth"):
            start = year_start(day, chosen, zone)
            assert start.weekday() == 0
            assert start <= day
            assert 0 <= week_of_year(day, start) < 53


def test_first_monday() -> None:
    assert first_monday(2026, 9) == date(2026, 9, 7)
    assert first_monday(2025, 9) == date(2025, 9, 1)
    assert first_monday(2027, 2) == date(2027, 2, 1)
