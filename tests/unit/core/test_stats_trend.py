"""The response rate's trend: the last four weeks with prompts against the four before."""

from __future__ import annotations

from bot.core.stats import WeekFigures, rate, trend


def _weeks(*answered_of_ten: int) -> tuple[WeekFigures, ...]:
    return tuple(WeekFigures((2026, 36 + i), 10, a, 0) for i, a in enumerate(answered_of_ten))


def test_a_rising_rate_is_up_by_its_points() -> None:
    assert trend(_weeks(2, 2, 2, 2, 6, 6, 6, 6)) == (
        "up 40 points (60% against 20%, the last 4 weeks against the 4 before)"
    )


def test_a_falling_rate_is_down_and_a_small_change_is_steady() -> None:
    assert trend(_weeks(8, 8, 8, 8, 5, 5, 5, 5)).startswith("down 30 points")
    assert trend(_weeks(5, 5, 5, 5, 5, 5, 5, 6)).startswith("steady (52% against 50%")


def test_weeks_without_prompts_are_left_out_and_too_few_weeks_show_no_trend() -> None:
    empty = WeekFigures((2026, 50), 0, 0, 0)
    assert trend((*_weeks(2), empty, *_weeks(2, 6, 6, 6))) == (
        "up 30 points (50% against 20%, the last 4 weeks against the 1 before)"
    )
    assert trend((*_weeks(5, 5), empty, *_weeks(5, 5))) == "not enough weeks yet to show a trend"
    assert rate(0, 0) is None
