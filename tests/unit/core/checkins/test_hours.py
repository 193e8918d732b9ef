"""Working hours are compared as real instants, so the overlap follows daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.checkins.hours import overlap, overlap_hours, window_in_zone, working_hours


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_working_hours_are_nine_to_five_local_as_utc_instants() -> None:
    day = date(2026, 12, 7)
    assert working_hours("America/New_York", day) == (at(day, 14), at(day, 22))
    assert working_hours("Europe/London", day) == (at(day, 9), at(day, 17))


def test_london_and_new_york_share_three_hours_in_winter() -> None:
    day = date(2026, 12, 7)
    assert overlap(("Europe/London", "America/New_York"), day) == (at(day, 14), at(day, 17))
    assert overlap_hours(("Europe/London", "America/New_York"), day) == 3.0


def test_the_overlap_grows_while_only_america_has_moved_its_clocks() -> None:
    # the US moves on 2026-03-08, the UK on 2026-03-29: New York is UTC-4, London UTC+0
    day = date(2026, 3, 16)
    assert overlap(("Europe/London", "America/New_York"), day) == (at(day, 13), at(day, 17))
    assert overlap_hours(("Europe/London", "America/New_York"), date(2026, 4, 6)) == 3.0


def test_three_people_share_only_what_all_three_share() -> None:
    day = date(2026, 12, 7)
    zones = ("Europe/London", "America/New_York", "America/Chicago")
    assert overlap(zones, day) == (at(day, 15), at(day, 17))
    assert overlap_hours(zones, day) == 2.0


def test_zones_half_a_world_apart_share_no_working_hours() -> None:
    day = date(2026, 12, 7)
    assert overlap(("Europe/London", "Asia/Tokyo"), day) is None
    assert overlap_hours(("Europe/London", "Asia/Tokyo"), day) == 0.0


def test_the_window_is_told_in_each_members_own_time() -> None:
    day = date(2026, 12, 7)
    assert window_in_zone(at(day, 14), at(day, 17), "America/New_York") == "09:00-12:00 your time"
    assert window_in_zone(at(day, 14), at(day, 17), "Europe/London") == "14:00-17:00 your time"
