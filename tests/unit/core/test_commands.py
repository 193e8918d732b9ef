"""The `/pln` grammar every platform shares: what parses, into what, and what errors say."""

from __future__ import annotations

import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.commands import (
    Command,
    CommandError,
    CommandSpec,
    Digest,
    Help,
    History,
    Join,
    Leave,
    PromptNow,
    Schedules,
    SetTimezone,
    ShowTimezone,
    Skip,
    command_specs,
    help_text,
    is_moderator_only,
    parse_command,
)


def error_for(text: str) -> str:
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("help", Help(None)),
        ("help digest", Help("digest")),
        ("join", Join()),
        ("leave", Leave()),
        ("tz", ShowTimezone()),
        ("tz Europe/Berlin", SetTimezone("Europe/Berlin")),
        ("skip", Skip()),
        ("history", History(5)),
        ("history 12", History(12)),
        ("digest", Digest("month")),
        ("digest week", Digest("week")),
        ("prompt now", PromptNow()),
        ("schedules", Schedules()),
    ],
)
def test_every_command_parses_into_its_value(text: str, command: Command) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize("text", ["", "   ", "/pln", "pln", "/PLN  "])
def test_empty_text_asks_for_help(text: str) -> None:
    assert parse_command(text) == Help(None)


@pytest.mark.parametrize("text", ["/pln join", "pln join", "/PLN JOIN", "Pln join"])
def test_a_leading_pln_is_tolerated(text: str) -> None:
    assert parse_command(text) == Join()


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("JOIN", Join()),
        ("Digest WEEK", Digest("week")),
        ("Prompt NOW", PromptNow()),
        ("HISTORY 3", History(3)),
        ("Help DIGEST", Help("digest")),
    ],
)
def test_command_words_and_choices_are_case_insensitive(text: str, command: Command) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize("text", ["  digest \t week  ", "digest\nweek", "digest\u3000week"])
def test_extra_whitespace_is_tolerated(text: str) -> None:
    assert parse_command(text) == Digest("week")


def test_prompt_now_takes_any_spacing_between_its_words() -> None:
    assert parse_command("prompt    now") == PromptNow()


@pytest.mark.parametrize(("text", "limit"), [("history 1", 1), ("history 50", 50)])
def test_history_accepts_the_ends_of_its_range(text: str, limit: int) -> None:
    assert parse_command(text) == History(limit)


@pytest.mark.parametrize(
    "text", ["history 0", "history 51", "history -1", "history 1.5", "history ten", "history 1_0"]
)
def test_history_outside_one_to_fifty_says_the_allowed_range(text: str) -> None:
    assert error_for(text) == (
        "`/pln history` takes a number from 1 to 50 — for example `/pln history 10`. "
        "See `/pln help history`."
    )


def test_history_with_a_huge_number_is_a_friendly_error() -> None:
    assert "from 1 to 50" in error_for("history " + "9" * 5000)


@pytest.mark.parametrize(("period"), ["week", "month", "term", "year", "all", "6w", "104w"])
def test_digest_accepts_its_periods(period: str) -> None:
    assert parse_command(f"digest {period}") == Digest(period)


@pytest.mark.parametrize(
    ("typed", "period"), [("12 weeks", "12w"), ("03W", "3w"), ("TERM", "term")]
)
def test_digest_periods_are_normalised(typed: str, period: str) -> None:
    assert parse_command(f"digest {typed}") == Digest(period)


@pytest.mark.parametrize(
    "text", ["digest weekly", "digest decade", "digest week month", "digest 0w", "digest 521w"]
)
def test_a_bad_digest_period_gives_usage_and_an_example(text: str) -> None:
    assert error_for(text).startswith(
        "`/pln digest` takes week, month, term, year, all or a number of weeks like `6w`."
    )


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("tz berlin", "Europe/Berlin"),
        ("tz New York", "America/New_York"),
        ("tz europe/berlin", "Europe/Berlin"),
        ("tz utc", "UTC"),
        ("tz ottawa", "America/Toronto"),
        ("tz london", "Europe/London"),
        ("TZ  new   york", "America/New_York"),
    ],
)
def test_tz_resolves_the_zone_while_parsing(text: str, zone: str) -> None:
    assert parse_command(text) == SetTimezone(zone)


def test_tz_with_an_ambiguous_city_asks_for_the_zone_name() -> None:
    message = error_for("tz Springfield")

    assert message.startswith("'Springfield' could be America/Chicago, America/New_York or ")
    assert message.endswith("See `/pln help tz`.")


def test_tz_with_an_unknown_zone_passes_on_the_friendly_explanation() -> None:
    assert error_for("tz Mars/Base").startswith(
        "I don't know the time zone 'Mars/Base'. Try an IANA name like Europe/Berlin"
    )


@pytest.mark.parametrize("text", ["join now please", "leave me", "skip it", "schedules all"])
def test_too_many_arguments_names_the_usage(text: str) -> None:
    name = text.split()[0]
    assert error_for(text) == f"`/pln {name}` takes no arguments. See `/pln help {name}`."


@pytest.mark.parametrize("text", ["prompt", "prompt later", "PROMPT soon please"])
def test_an_incomplete_prompt_command_suggests_prompt_now(text: str) -> None:
    assert "Did you mean `/pln prompt now`?" in error_for(text)


def test_prompt_now_with_more_words_names_its_usage() -> None:
    assert error_for("prompt now please").startswith("`/pln prompt now` takes no arguments.")


def test_unknown_command_suggests_the_closest() -> None:
    assert error_for("dgest") == (
        "I don't know the command 'dgest'. Did you mean `/pln digest`? "
        "Type `/pln help` to see all commands."
    )


@pytest.mark.parametrize(
    ("text", "closest"), [("schedlues", "schedules"), ("promt now", "prompt now")]
)
def test_unknown_command_suggestion_is_a_whole_command(text: str, closest: str) -> None:
    assert f"Did you mean `/pln {closest}`?" in error_for(text)


def test_unknown_command_without_a_close_match_has_no_suggestion() -> None:
    assert error_for("xyzzy") == (
        "I don't know the command 'xyzzy'. Type `/pln help` to see all commands."
    )


def test_an_unknown_command_is_echoed_at_most_about_forty_characters() -> None:
    message = error_for("z" * 500 + " and more")

    assert "z" * 39 + "…'" in message
    assert "z" * 41 not in message


@pytest.mark.parametrize(
    "text", ["tz 🙂", "tz שלום", "tz مرحبا", "tz 你好", "tz @everyone", "tz <!channel>"]
)
def test_unusual_text_as_a_zone_gets_the_friendly_error(text: str) -> None:
    assert error_for(text).startswith("I don't know the time zone")


def test_a_zone_in_cjk_script_is_still_understood() -> None:
    assert parse_command("tz 東京") == SetTimezone("Asia/Tokyo")


@pytest.mark.parametrize("argument", ["🙂", "שלום", "你好", "@everyone", "<@U123>"])
def test_unusual_text_as_an_argument_names_the_usage(argument: str) -> None:
    assert error_for(f"digest {argument}").startswith("`/pln digest` takes week, month, term, year")
    assert error_for(f"join {argument}").startswith("`/pln join` takes no arguments.")
    assert error_for(f"history {argument}").startswith("`/pln history` takes a number")


@pytest.mark.parametrize("word", ["@everyone", "🙂", "שלום", "你好"])
def test_unusual_text_as_a_command_is_an_unknown_command(word: str) -> None:
    assert error_for(word).startswith(f"I don't know the command '{word}'.")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("help digest", "digest"),
        ("help DIGEST", "digest"),
        ("help prompt now", "prompt now"),
        ("help prompt", "prompt now"),
        ("help /pln tz", "tz"),
        ("help history 10", "history"),
    ],
)
def test_help_topics_are_canonical_command_names(text: str, topic: str) -> None:
    assert parse_command(text) == Help(topic)


def test_help_for_an_unknown_command_suggests_the_closest_topic() -> None:
    assert error_for("help dgest") == (
        "I have no help for 'dgest'. Did you mean `/pln help digest`? "
        "Type `/pln help` to see all commands."
    )


def test_only_prompt_now_is_for_moderators() -> None:
    assert is_moderator_only(PromptNow())
    for command in (Help(None), Join(), Leave(), ShowTimezone(), Skip(), Schedules()):
        assert not is_moderator_only(command)
    assert not is_moderator_only(History(5))
    assert not is_moderator_only(Digest("week"))
    assert not is_moderator_only(SetTimezone("UTC"))


def test_every_command_type_belongs_to_exactly_one_spec() -> None:
    produced = [kind for spec in command_specs() for kind in spec.arguments.produces]

    assert sorted(kind.__name__ for kind in produced) == sorted(
        kind.__name__ for kind in typing.get_args(Command)
    )


@pytest.mark.parametrize("spec", command_specs(), ids=lambda spec: spec.name)
def test_every_spec_example_parses_into_that_command(spec: CommandSpec) -> None:
    command = parse_command(spec.example)

    assert isinstance(command, spec.arguments.produces)
    assert is_moderator_only(command) is spec.moderator_only


def test_help_lists_one_line_per_member_command() -> None:
    text = help_text(moderator=False)

    for spec in command_specs():
        lines = [line for line in text.splitlines() if line.startswith(f"`{spec.usage}`")]
        assert len(lines) == (0 if spec.moderator_only else 1)
    assert "prompt now" not in text
    assert "moderators" not in text


def test_help_for_moderators_lists_their_commands_in_their_own_part() -> None:
    text = help_text(moderator=True)

    member_part, moderator_part = text.split("For moderators:")
    assert "`/pln prompt now` — " in moderator_part
    assert "prompt now" not in member_part
    assert "`/pln digest [week|month|term|year|all|Nw]` — " in member_part


def test_help_on_a_command_gives_usage_description_and_example() -> None:
    text = help_text(moderator=False, topic="digest")

    assert text.splitlines()[0].startswith("`/pln digest [week|month|term|year|all|Nw]` — ")
    assert len(text.splitlines()) == 3
    assert "Example: `/pln digest term`" in text


def test_help_on_a_moderator_command_tells_members_who_may_use_it() -> None:
    assert "Only moderators" in help_text(moderator=False, topic="prompt now")
    assert "Only moderators" not in help_text(moderator=True, topic="prompt now")


def test_help_on_an_unknown_topic_is_a_command_error() -> None:
    with pytest.raises(CommandError):
        help_text(moderator=True, topic="dgest")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_parses_or_raises_a_command_error(text: str) -> None:
    try:
        parse_command(text)
    except CommandError as error:
        assert str(error)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([spec.name for spec in command_specs()] + ["/pln", "prompt", "pln help"]),
    st.text(max_size=120),
)
def test_any_arguments_to_a_known_command_parse_or_raise_a_command_error(
    name: str, arguments: str
) -> None:
    try:
        parse_command(f"{name} {arguments}")
    except CommandError as error:
        assert str(error)
