"""Abbreviations and UTC offsets get a question with the candidate zones, never a guess
(issue 14): the table of what members type, and what they are asked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core import zone_questions
from bot.core.timezones import ZoneNeedsChoice, resolve_timezone, zone_or_choice

JULY = datetime(2026, 7, 1, 12, tzinfo=UTC)
JANUARY = datetime(2027, 1, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "candidates"),
    [
        ("IST", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
        ("ist", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
        ("CST", ("America/Chicago", "America/Mexico_City", "Asia/Shanghai", "America/Havana")),
        ("EST", ("America/New_York", "America/Toronto", "Etc/GMT+5")),
        ("BST", ("Europe/London", "Asia/Dhaka")),
        ("PST", ("America/Los_Angeles", "America/Vancouver", "Asia/Manila")),
    ],
)
def test_an_abbreviation_of_several_places_is_a_question_with_each_place(
    typed: str, candidates: tuple[str, ...]
) -> None:
    with pytest.raises(ZoneNeedsChoice) as asked:
        resolve_timezone(typed)
    question = zone_questions.ask(asked.value.typed, JULY)
    assert question.candidates == candidates
    assert all(zone_questions.button_label(zone, JULY) for zone in candidates)


def test_ist_names_india_ireland_and_israel_with_their_offsets_today() -> None:
    text = zone_questions.ask("IST", JANUARY).text
    for place in ("India: Asia/Kolkata (UTC+05:30)", "Ireland: Europe/Dublin (UTC+00:00)"):
        assert place in text
    assert "Israel: Asia/Jerusalem (UTC+02:00)" in text


def test_est_offers_new_york_with_daylight_saving_and_the_fixed_offset_separately() -> None:
    text = zone_questions.ask("EST", JULY).text
    assert "America/New_York (UTC-04:00)" in text  # daylight saving in July
    assert "UTC-05:00 all year, no daylight saving (Etc/GMT+5)" in text


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("JST", "Asia/Tokyo"), ("nzdt", "Pacific/Auckland"), ("AWST", "Australia/Perth")],
)
def test_an_abbreviation_of_one_place_resolves_to_it(typed: str, zone: str) -> None:
    assert resolve_timezone(typed) == zone


@pytest.mark.parametrize(
    ("typed", "normal", "now", "first"),
    [
        ("UTC+5", "UTC+05:00", JULY, "Asia/Karachi"),
        ("GMT+5:30", "UTC+05:30", JULY, "Asia/Kolkata"),
        ("+05:30", "UTC+05:30", JANUARY, "Asia/Kolkata"),
        ("utc -3", "UTC-03:00", JULY, "America/Sao_Paulo"),
        ("UTC\u22125", "UTC-05:00", JANUARY, "America/New_York"),  # winter: New York is -5
        ("UTC+1", "UTC+01:00", JULY, "Africa/Kinshasa"),
    ],
)
def test_an_offset_is_answered_with_the_zones_that_use_it_now(
    typed: str, normal: str, now: datetime, first: str
) -> None:
    assert zone_or_choice(typed) == normal
    question = zone_questions.ask(normal, now)
    assert question.candidates[0] == first
    assert len(question.candidates) <= zone_questions.MAX_CHOICES
    shown = question.candidates[:3]  # one place per country before a second of any
    assert len({zone_questions._zone_countries()[z] for z in shown}) == len(shown)


def test_the_zones_of_an_offset_follow_daylight_saving() -> None:
    """UTC+1 is London in July (summer time) and not in January: the member who picks
    Europe/London then gets daylight saving right all year."""
    plus_one = zone_questions.parse_offset("+1")
    assert plus_one is not None
    assert "Europe/London" in zone_questions.zones_with_offset(plus_one, JULY)
    assert "Europe/London" not in zone_questions.zones_with_offset(plus_one, JANUARY)


@pytest.mark.parametrize("typed", ["UTC+15", "UTC+5:07", "GMT+4:60", "+25"])
def test_an_offset_no_clock_uses_is_refused_or_gets_no_candidates(typed: str) -> None:
    try:
        normal = zone_or_choice(typed)
    except ValueError as error:
        assert "I don't know the time zone" in str(error)
    else:
        assert zone_questions.ask(normal, JULY).candidates == ()


def test_an_offset_no_place_uses_today_says_to_type_a_city() -> None:
    assert "Type your city" in zone_questions.ask("UTC+04:45", JULY).text


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("toronto", "America/Toronto"), ("Europe/Berlin", "Europe/Berlin"), ("UTC", "UTC")],
)
def test_cities_zones_and_utc_are_unchanged(typed: str, zone: str) -> None:
    assert zone_or_choice(typed) == zone
