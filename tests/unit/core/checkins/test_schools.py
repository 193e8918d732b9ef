"""School names typed differently fold to one key, so "same school" is found leniently."""

from __future__ import annotations

import pytest

from bot.core.checkins.schools import school_key


@pytest.mark.parametrize(
    "typed",
    [
        "St. Mary's Academy",
        "st marys academy",
        "Saint Mary's  Academy",
        "ST MARY\u2019S ACADEMY",
        "  St.Mary's Academy. ",
        "Saint-Mary's Academy",
    ],
)
def test_saint_spelled_any_way_is_one_school(typed: str) -> None:
    assert school_key(typed) == "saint marys academy"


def test_case_spacing_punctuation_and_accents_are_ignored() -> None:
    assert school_key("Northside Academy") == school_key("  northside   ACADEMY!")
    assert school_key("École Sainte-Anne") == school_key("ecole ste anne")
    assert school_key("Arts & Science High") == school_key("Arts and Science High")


def test_different_schools_stay_different() -> None:
    assert school_key("Northside Academy") != school_key("Southside Academy")
    assert school_key("St Mary's") != school_key("St Martin's")


def test_st_as_the_last_word_is_a_street_not_a_saint() -> None:
    assert school_key("Main St") == "main st"


def test_nothing_but_punctuation_is_no_school() -> None:
    assert school_key(" .,- ") is None
    assert school_key("") is None
