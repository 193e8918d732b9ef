"""Goals: the member's sentences that set one, with the date in their zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.goals import find_goals
from bot.digest.records import Reflection
from tests.unit.digest.answers import ZONE, reflections


def test_the_goals_of_the_fixed_answers_with_their_dates() -> None:
    goals = find_goals(reflections(), ZONE)

    assert [(g.written, g.text) for g in goals] == [
        (
            date(2026, 10, 5),
            "I will ask the form tutors which tickets were really about the chromebook rollout.",
        ),
        (
            date(2026, 10, 12),
            "My next step is to visit the science block with the technician on Thursday.",
        ),
        (
            date(2026, 11, 2),
            "I plan to add two questions about home internet to the parent survey in January.",
        ),
    ]


def test_the_date_is_the_members_local_date() -> None:
    late = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # already the 3rd in Auckland
    answer = Reflection(late, "I\u2019ll call the supplier about the trolleys.", "x", "Prompt?")

    (goal,) = find_goals([answer], ZoneInfo("Pacific/Auckland"))
    assert goal.written == date(2026, 11, 3)
    assert goal.text == "I\u2019ll call the supplier about the trolleys."


def test_sentences_without_a_goal_are_not_goals() -> None:
    answer = Reflection(
        datetime(2026, 11, 2, tzinfo=UTC),
        "We talked about the budget. Nobody planned anything.",
        "x",
        "Prompt?",
    )
    assert find_goals([answer], ZONE) == []


def goals_in(text: str) -> list[str]:
    answer = Reflection(datetime(2026, 11, 2, tzinfo=UTC), text, "x", "Prompt?")
    return [goal.text for goal in find_goals([answer], ZONE)]


def test_a_story_about_a_next_step_or_a_plan_is_not_a_goal() -> None:
    assert goals_in("The next step of the rollout was handing out chargers.") == []
    assert goals_in("The plan to replace the laptops was dropped in June.") == []
    assert goals_in("The projector is going to be replaced by the council.") == []
    assert goals_in("Will I manage to finish the policy by next week?") == []


def test_goals_need_their_owner_or_a_heading() -> None:
    assert goals_in("Next step: ask the bursar for the device costs.") == [
        "Next step: ask the bursar for the device costs."
    ]
    assert goals_in("Our next step is a pilot with two classes.") == [
        "Our next step is a pilot with two classes."
    ]
    assert goals_in("We\u2019re going to pilot the new platform with Year 9.") == [
        "We\u2019re going to pilot the new platform with Year 9."
    ]


def test_a_quoted_question_stays_inside_its_goal() -> None:
    text = 'I will answer Priya\'s question "what if the Wi-Fi drops?" at our next session.'
    assert goals_in(text) == [text]


def test_every_goal_of_a_long_period_is_kept() -> None:
    answers = [
        Reflection(
            datetime(2026, 1, 5, tzinfo=UTC) + timedelta(weeks=n), f"I will do task {n}.", "x", "?"
        )
        for n in range(20)
    ]
    goals = find_goals(answers, ZONE)
    assert [goal.text for goal in goals] == [f"I will do task {n}." for n in range(20)]
