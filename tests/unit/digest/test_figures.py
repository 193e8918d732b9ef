"""Figures: counts of the window, streaks over the whole history, words written."""

from __future__ import annotations

from datetime import timedelta

from bot.digest.figures import compute_figures, current_streak, longest_streak
from bot.digest.records import PromptSent
from tests.unit.digest.answers import SINCE, UNTIL, prompts_sent, reflections, week


def test_counts_streaks_and_words_of_the_fixed_answers() -> None:
    figures = compute_figures(prompts_sent(), reflections(), SINCE, UNTIL)

    assert (figures.received, figures.answered, figures.skipped) == (7, 5, 1)
    # weeks 4 and 5 answered; week 6 is still open, so it does not break the streak
    assert figures.current_streak == 2
    assert figures.longest_streak == 3  # weeks 0, 1, 2
    assert figures.words == sum(len(r.text.split()) for r in reflections())


def test_only_prompts_inside_the_window_are_counted_but_streaks_see_everything() -> None:
    figures = compute_figures(prompts_sent(), reflections()[3:], week(3, hours=-1), UNTIL)

    assert (figures.received, figures.answered, figures.skipped) == (4, 2, 1)
    assert figures.longest_streak == 3


def test_an_unanswered_older_prompt_breaks_the_streak() -> None:
    history = [
        PromptSent(week(0), True, False),
        PromptSent(week(1), False, False),
        PromptSent(week(2), True, False),
        PromptSent(week(3), False, False),  # the open one
    ]
    assert current_streak(history) == 1
    assert longest_streak(history) == 1


def test_a_skipped_latest_prompt_ends_the_streak() -> None:
    history = [PromptSent(week(0), True, False), PromptSent(week(1), False, True)]
    assert current_streak(history) == 0


def test_no_history_means_no_streak() -> None:
    figures = compute_figures([], [], None, UNTIL)
    assert figures == type(figures)(0, 0, 0, 0, 0, 0)


def test_prompts_after_until_are_ignored() -> None:
    later = [*prompts_sent(), PromptSent(UNTIL + timedelta(days=1), True, False)]
    assert compute_figures(later, [], None, UNTIL).received == 7


def test_a_streak_counts_weeks_not_prompts() -> None:
    """A moderator's "prompt now" in the same week as the weekly prompt is one week."""
    history = [
        PromptSent(week(0), True, False),
        PromptSent(week(1), True, False),
        PromptSent(week(1, hours=30), False, False),  # a second prompt that week, unanswered
        PromptSent(week(2), True, False),
    ]
    assert current_streak(history) == longest_streak(history) == 3


def test_revisits_are_not_received_prompts_and_never_break_a_streak() -> None:
    history = [
        PromptSent(week(0), True, False),
        PromptSent(week(0, hours=50), False, False, revisit=True),
        PromptSent(week(1), True, False),
        PromptSent(week(1, hours=50), False, True, revisit=True),  # skipped revisit
        PromptSent(week(2), True, False),
        PromptSent(week(2, hours=50), False, False, revisit=True),  # the latest, unanswered
    ]
    figures = compute_figures(history, [], None, week(3, hours=-1))
    assert (figures.received, figures.answered, figures.skipped) == (3, 3, 0)
    assert (figures.current_streak, figures.longest_streak) == (3, 3)


def test_a_week_without_any_prompt_neither_extends_nor_breaks_a_streak() -> None:
    history = [PromptSent(week(n), True, False) for n in (0, 1, 4, 5)]  # paused in weeks 2-3
    assert current_streak(history) == longest_streak(history) == 4


def test_an_unanswered_prompt_older_than_a_week_is_missed() -> None:
    history = [PromptSent(week(0), True, False), PromptSent(week(1), False, False)]
    assert current_streak(history, until=week(1, hours=24 * 3)) == 1  # still open
    assert current_streak(history, until=week(2, hours=12)) == 0  # missed
