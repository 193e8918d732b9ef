"""What a member may type after `/pln tz`, and what they hear back when we can't tell."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import timezones
from bot.core.timezones import TimezoneError, describe_zone, resolve_timezone


def error_for(text: str) -> str:
    with pytest.raises(TimezoneError) as caught:
        resolve_timezone(text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        ("utc", "UTC"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("  europe/berlin  ", "Europe/Berlin"),
    ],
)
def test_iana_names_are_accepted_in_any_case(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


def test_spaces_may_stand_for_underscores_in_iana_names() -> None:
    assert resolve_timezone("america/new york") == "America/New_York"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("NEW   YORK", "America/New_York"),
        ("sydney", "Australia/Sydney"),
        ("london", "Europe/London"),
        ("indianapolis", "America/Indiana/Indianapolis"),
    ],
)
def test_the_city_in_a_zone_name_resolves_to_that_zone(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [("são paulo", "America/Sao_Paulo"), ("sao paulo", "America/Sao_Paulo")],
)
def test_accents_are_ignored_in_city_names(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


def test_punctuation_is_ignored_in_city_names() -> None:
    assert resolve_timezone("St. John's") == "America/St_Johns"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("ottawa", "America/Toronto"),
        ("Montreal", "America/Toronto"),
        ("calcutta", "Asia/Kolkata"),
        ("bombay", "Asia/Kolkata"),
        ("munich", "Europe/Berlin"),
        ("kiev", "Europe/Kyiv"),
        ("東京", "Asia/Tokyo"),
    ],
)
def test_other_cities_resolve_when_one_zone_clearly_dominates(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [("US/Eastern", "US/Eastern"), ("us/eastern", "US/Eastern"), ("etc/gmt+5", "Etc/GMT+5")],
)
def test_legacy_names_are_accepted_when_typed_exactly(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("buenos aires", "America/Argentina/Buenos_Aires"),  # not the alias America/Buenos_Aires
        ("singapore", "Asia/Singapore"),  # not the alias Singapore
        ("saigon", "Asia/Ho_Chi_Minh"),  # not the alias Asia/Saigon
    ],
)
def test_a_city_prefers_the_canonical_zone_over_a_legacy_alias(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


def test_an_ambiguous_city_lists_up_to_three_candidate_zones() -> None:
    message = error_for("Springfield")

    assert message.startswith("'Springfield' could be America/Chicago, America/New_York or ")
    assert "type the zone name" in message
    assert "`/pln tz America/Chicago`" in message


def test_an_ambiguous_city_with_many_zones_mentions_there_are_more() -> None:
    message = error_for("richmond")

    candidates = message.split(":")[0]
    assert candidates.count("/") == 3
    assert candidates.endswith("or another zone")


def test_an_unknown_zone_gets_a_friendly_error_with_an_example() -> None:
    message = error_for("Mars/Base")

    assert message == (
        "I don't know the time zone 'Mars/Base'. "
        "Try an IANA name like Europe/Berlin or a city like `/pln tz toronto`."
    )


def test_text_with_a_slash_is_never_matched_as_a_city() -> None:
    assert "'Mars/Berlin'" in error_for("Mars/Berlin")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_asks_for_a_zone_or_city(text: str) -> None:
    assert "Europe/Berlin" in error_for(text)


def test_over_long_text_is_rejected_without_echoing_it() -> None:
    text = "x" * 101

    message = error_for(text)

    assert "too long" in message
    assert "xxxxx" not in message


def test_only_about_forty_characters_of_input_are_echoed() -> None:
    text = "nowhere " * 12

    message = error_for(text)

    assert "nowhere nowhere nowhere nowhere nowhere…" in message
    assert len(message) < 160


def test_control_characters_are_not_echoed() -> None:
    assert "\x00" not in error_for("bad\x00zone")


@pytest.mark.parametrize("text", ["localtime", "Factory", "posixrules"])
def test_host_specific_and_placeholder_names_are_not_zones(text: str) -> None:
    error_for(text)


@pytest.mark.parametrize(
    "text", ["🙂", "🇩🇪", "שלום עולם", "مرحبا", "你好世界", "@everyone", "<!channel>", "<@U123>"]
)
def test_emoji_rtl_cjk_and_mentions_get_the_friendly_error(text: str) -> None:
    assert error_for(text).startswith(f"I don't know the time zone '{text}'.")


def test_a_timezone_error_is_a_value_error() -> None:
    assert issubclass(TimezoneError, ValueError)


def test_city_data_is_not_loaded_for_names_of_zones() -> None:
    before = timezones._city_index.cache_info()

    resolve_timezone("berlin")
    resolve_timezone("Europe/Berlin")

    assert timezones._city_index.cache_info() == before


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_resolves_to_a_real_zone_or_a_timezone_error(text: str) -> None:
    try:
        zone = resolve_timezone(text)
    except TimezoneError as error:
        assert str(error)
    else:
        assert zone in zoneinfo.available_timezones()


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        (
            "Europe/Berlin",
            datetime(2026, 1, 5, 9, 15, tzinfo=UTC),
            "Europe/Berlin (UTC+01:00, 10:15 now)",
        ),
        (
            "Europe/Berlin",
            datetime(2026, 7, 5, 9, 15, tzinfo=UTC),
            "Europe/Berlin (UTC+02:00, 11:15 now)",
        ),
        (
            "America/St_Johns",
            datetime(2026, 1, 5, 9, 15, tzinfo=UTC),
            "America/St_Johns (UTC-03:30, 05:45 now)",
        ),
        ("UTC", datetime(2026, 1, 5, 9, 15, tzinfo=UTC), "UTC (UTC+00:00, 09:15 now)"),
    ],
)
def test_describe_zone_gives_the_offset_and_local_time(
    zone: str, now: datetime, expected: str
) -> None:
    assert describe_zone(zone, now) == expected


def test_describe_zone_reads_a_naive_time_as_utc() -> None:
    assert describe_zone("Asia/Tokyo", datetime(2026, 1, 5, 9, 15)) == (
        "Asia/Tokyo (UTC+09:00, 18:15 now)"
    )
