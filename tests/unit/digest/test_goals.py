"""Goals: the member's sentences that set one, with the date in their zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
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
