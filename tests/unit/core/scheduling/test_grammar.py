"""The schedule grammar: good rules with their next three fire times across the spring and
fall clock changes, and bad rules with the one error that says what to write instead."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.scheduling.parse import (
    DiscussionPlan,
    PromptPlan,
    ScheduleError,
    parse_discussion,
    parse_prompt,
)
from bot.core.scheduling.planning import parse_words
from bot.core.scheduling.rules import Recurrence, first_date, is_skipped_wall_time, next_fires


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _next_three(rule: Recurrence, now: datetime, zone: str | None = None) -> list[str]:
    where = ZoneInfo(rule.zone or zone or "UTC")
    fires = next_fires(rule, where, first_date(rule, where, now), now)
    return [f"{at:%Y-%m-%d %H:%M}" for at in fires]


# (typed after `/pln schedule prompt`, now in UTC, the next three fire times in UTC)
GOOD_PROMPTS = [
    # London springs forward on Sun 28 Mar 2027: 09:00 is 09:00Z, then 08:00Z
    (
        "weekly sun 09:00 Europe/London",
        "2027-03-18 12:00",
        ["2027-03-21 09:00", "2027-03-28 08:00", "2027-04-04 08:00"],
    ),
    # 01:30 does not exist that night: it fires when the clocks say 02:30 (01:30Z)
    (
        "weekly sun 01:30 Europe/London",
        "2027-03-20 12:00",
        ["2027-03-21 01:30", "2027-03-28 01:30", "2027-04-04 00:30"],
    ),
    # London falls back on Sun 31 Oct 2027: 01:30 happens twice, it fires at the first
    (
        "weekly sun 01:30 Europe/London",
        "2027-10-22 12:00",
        ["2027-10-24 00:30", "2027-10-31 00:30", "2027-11-07 01:30"],
    ),
    (
        "every 2 weeks on mon 09:00 Europe/London",
        "2027-10-20 12:00",
        ["2027-10-25 08:00", "2027-11-08 09:00", "2027-11-22 09:00"],
    ),
    # Toronto springs forward on Sun 14 Mar 2027 and falls back on Sun 7 Nov 2027
    (
        "weekly mon 09:00 America/Toronto",
        "2027-03-05 12:00",
        ["2027-03-08 14:00", "2027-03-15 13:00", "2027-03-22 13:00"],
    ),
    (
        "weekly sun 02:30 America/Toronto",
        "2027-03-10 12:00",
        ["2027-03-14 07:30", "2027-03-21 06:30", "2027-03-28 06:30"],
    ),
    (
        "every 2 weeks on tue 16:00 America/Toronto",
        "2027-10-27 12:00",
        ["2027-11-02 20:00", "2027-11-16 21:00", "2027-11-30 21:00"],
    ),
    # Sydney falls back on Sun 4 Apr 2027 (+11 to +10) and springs forward on Sun 3 Oct
    (
        "weekly mon 09:00 Australia/Sydney",
        "2027-03-25 00:00",
        ["2027-03-28 22:00", "2027-04-04 23:00", "2027-04-11 23:00"],
    ),
    (
        "every 2 weeks on sun 02:30 Australia/Sydney",
        "2027-09-30 00:00",
        ["2027-10-02 16:30", "2027-10-16 15:30", "2027-10-30 15:30"],
    ),
    (
        "every 3 weeks on Thursday 15:30 australia/sydney",
        "2027-09-27 00:00",
        ["2027-09-30 05:30", "2027-10-21 04:30", "2027-11-11 04:30"],
    ),
]


@pytest.mark.parametrize(("typed", "now", "expected"), GOOD_PROMPTS)
def test_a_prompt_rule_fires_at_its_wall_time_across_the_clock_changes(
    typed: str, now: str, expected: list[str]
) -> None:
    plan = parse_prompt(typed)

    assert _next_three(plan.rule, _utc(now)) == expected


def test_without_a_zone_the_prompt_keeps_each_members_wall_time() -> None:
    plan = parse_prompt("every 2 weeks on thu 15:30")

    assert plan.rule.zone is None
    assert plan.rule.describe() == (
        "every 2 weeks on Thursday at 15:30 (each member's own time zone)"
    )
    # in London across the fall change, and in Sydney across its spring change
    assert _next_three(plan.rule, _utc("2027-10-20 12:00"), "Europe/London") == [
        "2027-10-21 14:30",
        "2027-11-04 15:30",
        "2027-11-18 15:30",
    ]
    assert _next_three(plan.rule, _utc("2027-09-29 00:00"), "Australia/Sydney") == [
        "2027-09-30 05:30",
        "2027-10-14 04:30",
        "2027-10-28 04:30",
    ]


GOOD_DISCUSSIONS = [
    (
        '"Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London',
        DiscussionPlan(
            "Trust and data", "pln", parse_prompt("every 2 weeks on tue 16:00 Europe/London").rule
        ),
        "2027-03-17 12:00",
        ["2027-03-23 16:00", "2027-04-06 15:00", "2027-04-20 15:00"],
    ),
    (
        '"Budget season" in #pln once 2027-01-12 15:00 America/Toronto',
        None,
        "2027-01-01 00:00",
        ["2027-01-12 20:00"],
    ),
    (
        "“Term review” in <#C0123|pln> weekly fri 14:00 Australia/Sydney text “What stuck?”",
        None,
        "2027-04-01 00:00",
        ["2027-04-02 03:00", "2027-04-09 04:00", "2027-04-16 04:00"],
    ),
]


@pytest.mark.parametrize(("typed", "plan", "now", "expected"), GOOD_DISCUSSIONS)
def test_a_discussion_rule_is_read_with_its_title_channel_and_times(
    typed: str, plan: DiscussionPlan | None, now: str, expected: list[str]
) -> None:
    parsed = parse_discussion(typed)

    if plan is not None:
        assert parsed == plan
    assert _next_three(parsed.rule, _utc(now)) == expected


def test_a_discussion_keeps_its_question_and_reads_back_as_typed() -> None:
    plan = parse_discussion(
        '"Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London text "Who knows?"'
    )
    by_prompt = parse_discussion('"Data" in <#C9|pln> once 2027-01-12 15:00 UTC prompt olf-3')

    assert (plan.text, plan.prompt_id, by_prompt.prompt_id, by_prompt.channel) == (
        "Who knows?",
        None,
        "olf-3",
        "C9",
    )
    assert parse_words(plan.words()) == plan
    assert parse_words(by_prompt.words()) == by_prompt
    assert parse_words(PromptPlan(plan.rule).words()) == PromptPlan(plan.rule)


BAD_PROMPTS = [
    ("", "When should the prompt go out?"),
    ("weekly mon 9am", "'9am' is not a time: write it as 24-hour HH:MM, like 09:00 or 15:30."),
    ("weekly mon 24:00", "'24:00' is not a time"),
    ("weekly funday 09:00", "'funday' is not a day of the week: write mon, tue, wed"),
    ("every 0 weeks on mon 09:00", "'0' weeks can't be scheduled: choose a whole number"),
    ("every 13 weeks on mon 09:00", "'13' weeks can't be scheduled: choose a whole number"),
    ("every fortnight on mon 09:00", "Write the interval in weeks"),
    ("weekly mon 09:00 Mars/Olympus", "I don't know the time zone 'Mars/Olympus'"),
    ("monthly mon 09:00", "Say how often first, `weekly` or `every 2 weeks on`"),
    ("once 2027-01-12 15:00", "The weekly prompt repeats"),
    ("weekly mon", "Give a day and a time"),
    ("weekly mon 09:00 please", "I did not understand 'please' at the end"),
]


@pytest.mark.parametrize(("typed", "error"), BAD_PROMPTS)
def test_a_bad_prompt_rule_gets_one_error_saying_what_to_write(typed: str, error: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        parse_prompt(typed)

    assert str(raised.value).startswith(error)


BAD_DISCUSSIONS = [
    (
        '"X" in #pln once 2027-02-30 15:00 UTC',
        "2027-02-30 is not a date: February 2027 has 28 days.",
    ),
    ('"X" in #pln once 2028-02-30 15:00 UTC', "2028-02-30 is not a date: February 2028 has 29"),
    ('"X" in #pln once 2027-13-01 15:00 UTC', "2027-13-01 has no month 13"),
    ('"X" in #pln once 12/01/2027 15:00 UTC', "'12/01/2027' is not a date: write year-month-day"),
    (
        '"X" in #pln once 2027-03-28 01:30 Europe/London',
        "01:30 does not exist on 2027-03-28 in Europe/London: the clocks jump forward",
    ),
    (
        '"X" in #pln once 2027-03-14 02:15 America/Toronto',
        "02:15 does not exist on 2027-03-14 in America/Toronto",
    ),
    (
        '"X" in #pln once 2027-10-03 02:00 Australia/Sydney',
        "02:00 does not exist on 2027-10-03 in Australia/Sydney",
    ),
    ('"X" in #pln once 2027-01-12', "A one-off needs a date and a time"),
    ('"X" at #pln weekly mon 09:00', "Give the discussion a title in quotes and a channel"),
    ('"X in #pln weekly mon 09:00', "A quote is not closed"),
    ('"X" in pln weekly mon 09:00', "'pln' is not a channel: write it as #channel-name"),
    ('"X" in #pln weekly tue 16:00 UTC prompt', "After the rule, add the question as"),
    ('"X" in #pln weekly tue 16:00 UTC text ""', "After the rule, add the question as"),
]


@pytest.mark.parametrize(("typed", "error"), BAD_DISCUSSIONS)
def test_a_bad_discussion_gets_one_error_saying_what_to_write(typed: str, error: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        parse_discussion(typed)

    assert str(raised.value).startswith(error)


ZONES = ("Europe/London", "America/Toronto", "Australia/Sydney", "UTC", "Asia/Kolkata")


@given(
    zone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.sampled_from((0, 15, 30, 45)),
    every=st.integers(1, 4),
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2029, 12, 31)),
)
def test_fires_come_on_the_weekday_at_the_wall_time_every_n_weeks(
    zone: str, weekday: int, hour: int, minute: int, every: int, now: datetime
) -> None:
    rule = parse_prompt(
        f"every {every} weeks on {'montuewedthufrisatsun'[weekday * 3 : weekday * 3 + 3]} "
        f"{hour:02d}:{minute:02d} {zone}"
    ).rule
    where, moment = ZoneInfo(zone), now.replace(tzinfo=UTC)
    fires = next_fires(rule, where, first_date(rule, where, moment), moment)

    assert len(fires) == 3 and moment < fires[0] < fires[1] < fires[2]
    assert fires[0] - moment <= timedelta(weeks=1)
    for at in fires:
        local = at.astimezone(where)
        assert local.weekday() == weekday
        if not is_skipped_wall_time(local.date(), rule.local_time, where):
            assert (local.hour, local.minute) == (hour, minute)
    for earlier, later in itertools.pairwise(fires):
        gap = later.astimezone(where).date() - earlier.astimezone(where).date()
        assert gap == timedelta(weeks=every)


def test_check_in_rounds_read_their_rule_and_what_an_odd_number_does() -> None:
    from bot.core.scheduling.parse import parse_checkins

    three = parse_checkins("every 2 weeks on mon 10:00 Europe/London")
    sit_out = parse_checkins("weekly thu 12:00 UTC odd sit-out")

    assert three.odd == "three" and three.rule.every_weeks == 2 and three.rule.weekday == 0
    assert three.words() == "checkins every 2 weeks on mon 10:00 Europe/London"
    assert sit_out.odd == "sit-out"
    assert parse_checkins(sit_out.words().removeprefix("checkins ")) == sit_out
    with pytest.raises(ScheduleError, match="odd sit-out"):
        parse_checkins("weekly thu 12:00 UTC odd pairs")
    with pytest.raises(ScheduleError, match="When should check-in rounds start"):
        parse_checkins("")
