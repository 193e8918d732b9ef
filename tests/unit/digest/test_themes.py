"""Themes: the member's recurring phrases against a non-private background, with weeks.

BACKGROUND stands for texts the ranking may read: answers shared with the community and
the member's own earlier answers (never another member's private text: issue 13).
"""

from __future__ import annotations

from bot.digest.records import Reflection
from bot.digest.themes import compute_themes, phrases, prompt_words
from bot.digest.weeks import weeks_between
from tests.unit.digest.answers import BACKGROUND, SINCE, UNTIL, ZONE, reflections, week


def themes():  # type: ignore[no-untyped-def]
    return compute_themes(reflections(), BACKGROUND, weeks_between(SINCE, UNTIL, ZONE), ZONE)


def test_the_recurring_phrases_of_the_fixed_answers_are_the_themes() -> None:
    phrases = [theme.phrase for theme in themes()]

    assert phrases[:2] == ["chromebook rollout", "help desk tickets"]


def test_each_theme_has_the_weeks_it_was_written_in_and_a_timeline() -> None:
    rollout = themes()[0]

    assert rollout.week_labels == ("2026-W41", "2026-W42", "2026-W43", "2026-W46")
    # the period runs from week 40 to week 47: one cell each
    assert rollout.timeline == "·▮▮▮··▮·"


def test_near_repeats_are_one_theme() -> None:
    phrases = [theme.phrase for theme in themes()]
    assert not {"help", "desk", "help desk", "chromebook", "rollout"} & set(phrases)


def test_the_backgrounds_words_never_become_a_theme() -> None:
    phrases = " ".join(theme.phrase for theme in themes())
    assert "purple" not in phrases and "elephant" not in phrases
    assert "staff" not in phrases and "meeting" not in phrases


def test_the_prompt_words_are_removed() -> None:
    prompt = "What did the chromebook rollout teach you about your school?"
    answers = [
        Reflection(week(n), "The chromebook rollout and the parent survey results.", "x", prompt)
        for n in range(3)
    ]
    phrases = [t.phrase for t in compute_themes(answers, BACKGROUND, [], ZONE)]
    assert phrases == ["parent survey results"]


def test_only_an_answers_own_prompt_is_removed_from_it() -> None:
    asked = prompt_words("How did the rollout go?")
    assert phrases("The rollout plan went smoothly", asked) == ["plan", "rollout plan"]
    answers = [
        Reflection(week(0), "The chromebook rollout began.", "x", "What about the chromebook?"),
        Reflection(week(1), "The chromebook rollout paused.", "y", "Who did you listen to?"),
        Reflection(week(2), "The chromebook rollout ended.", "z", "What did you learn?"),
        Reflection(week(3), "The chromebook rollout restarted.", "z", "What did you see?"),
    ]
    found = [t.phrase for t in compute_themes(answers, BACKGROUND, [], ZONE)]
    assert found[0] == "chromebook rollout"


def test_a_phrase_common_in_the_shared_answers_ranks_below_the_members_own() -> None:
    answers = [
        Reflection(
            week(n), f"The staff meeting and the wifi upgrade plan, version {n}.", "x", "Prompt?"
        )
        for n in range(3)
    ]
    phrases = [t.phrase for t in compute_themes(answers, BACKGROUND, [], ZONE)]
    assert phrases.index("wifi upgrade plan") < phrases.index("staff meeting")


def test_phrases_are_noun_phrases_that_never_span_stop_words_or_punctuation() -> None:
    found = phrases("The staff meeting and the wifi plan; year seven. Didn\u2019t ask", frozenset())
    assert found == ["staff", "meeting", "staff meeting", "wifi", "plan", "wifi plan", "year 7"]


def test_a_number_stays_with_its_noun_and_alone_is_nothing() -> None:
    assert phrases("Year 7 science, then 2026 and 30.", frozenset()) == [
        "year 7",
        "science",
        "year 7 science",
    ]


def test_no_answers_no_themes() -> None:
    assert compute_themes([], BACKGROUND, [], ZONE) == []
