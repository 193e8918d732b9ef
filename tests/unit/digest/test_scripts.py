"""Answers in Russian, Hebrew and Japanese: words counted and themes found in any script.

Issue 14: a Russian answer counted "words written: 0", its themes were fragments, Hebrew and
Arabic were glued into one theme, and `<@U123>` became the theme "u".
"""

from __future__ import annotations

import regex

from bot.digest.figures import compute_figures
from bot.digest.records import Reflection
from bot.digest.sentences import words
from bot.digest.themes import Theme, compute_themes
from bot.digest.weeks import weeks_between
from tests.support.term_of_answers import (
    TERM_HE,
    TERM_JA,
    TERM_RU,
    UNTIL,
    ZONE,
    monday,
    reflections_in,
)


def themes_of(texts: tuple[str, ...]) -> list[Theme]:
    weeks = weeks_between(monday(0), monday(len(texts)), ZONE)
    return compute_themes(reflections_in(texts), [], weeks, ZONE)


def test_a_russian_answer_counts_its_words() -> None:
    assert words(TERM_RU[0]) == TERM_RU[0].replace(",", "").replace(".", "").split()
    figures = compute_figures([], reflections_in(TERM_RU), None, UNTIL)
    assert figures.words == sum(len(text.split()) for text in TERM_RU) == 72


def test_russian_themes_are_whole_phrases_whatever_their_case_endings() -> None:
    """ "Бюджетное совещание", "бюджетном совещании", "бюджетного совещания" are one theme."""
    themes = themes_of(TERM_RU)

    assert themes[0].phrase == "бюджетное совещание"
    assert len(themes[0].weeks) == 4
    assert "планшеты" in [t.phrase for t in themes]


def test_hebrew_words_are_counted_and_its_themes_never_glue_to_arabic() -> None:
    assert [len(words(text)) for text in TERM_HE] == [len(t.split()) for t in TERM_HE]
    themes = themes_of(TERM_HE)

    phrases = [t.phrase for t in themes]
    assert "פריסת הטאבלטים" in phrases  # the tablet rollout, in three answers
    assert any("התקציב" in phrase for phrase in phrases)  # the budget meeting
    for phrase in phrases:
        hebrew = regex.search(r"\p{Script=Hebrew}", phrase)
        arabic = regex.search(r"\p{Script=Arabic}", phrase)
        assert not (hebrew and arabic), phrase


def test_japanese_is_segmented_into_words_and_its_compounds_are_themes() -> None:
    counted = words(TERM_JA[0])
    assert counted[:4] == ["来週", "の", "予算", "会議"]
    assert "。" not in counted and "、" not in counted

    phrases = [t.phrase for t in themes_of(TERM_JA)]
    assert phrases[:2] == ["予算会議", "タブレット導入"]  # budget meeting, tablet rollout


def test_chat_markup_is_neither_a_word_nor_a_theme() -> None:
    text = (
        "<@U123> <@U123|sam> <#C1|ict-team> <!channel> :tada: :white_check_mark: "
        "https://example.org/plan www.example.org sam@example.org <:pln:123> <@&42> "
        "the timetable software"
    )
    assert words(text) == ["the", "timetable", "software"]
    answers = [Reflection(monday(n), text, "x", "Prompt?") for n in range(3)]
    phrases = [t.phrase for t in compute_themes(answers, [], [], ZONE)]
    assert phrases == ["timetable software"]


def test_japanese_themes_line_up_with_the_others() -> None:
    """A Japanese character takes two columns, so the timelines still start in one column."""
    from bot.digest.render import display_width, themes_part

    part = themes_part(themes_of(TERM_JA))
    assert part is not None
    rows = part.body.splitlines()[1:]
    first_cell = [min(row.find(c) for c in "▮·" if c in row) for row in rows]
    assert len(rows) == 3
    assert len({display_width(row[:at]) for row, at in zip(rows, first_cell, strict=True)}) == 1
