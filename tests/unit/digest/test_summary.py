"""The local summary: 3 to 5 of the member's own sentences, verbatim, in order."""

from __future__ import annotations

from bot.digest.records import Reflection
from bot.digest.sentences import split_sentences
from bot.digest.summary import is_candidate, summarise
from tests.unit.digest.answers import all_sentences, reflections, week


def test_every_summary_sentence_is_a_verbatim_sentence_of_the_member() -> None:
    summary = summarise(reflections())

    assert 3 <= len(summary) <= 5
    for sentence in summary:
        assert sentence.text in all_sentences()
        assert sentence.text in sentence.reflection.text


def test_pronoun_led_and_short_sentences_are_never_chosen() -> None:
    texts = [s.text for s in summarise(reflections())]

    assert "It was hard." not in texts
    assert "Too many tickets." not in texts
    assert "Short one." not in texts
    assert not any(text.split()[0] in ("They", "This", "It") for text in texts)


def test_the_summary_keeps_the_order_the_sentences_were_written_in() -> None:
    summary = summarise(reflections())
    order = [(s.reflection.written_at, s.position) for s in summary]
    assert order == sorted(order)


def test_the_central_sentence_is_chosen() -> None:
    texts = [s.text for s in summarise(reflections())]
    assert "The chromebook rollout doubled the help desk tickets in September." in texts


def test_candidates() -> None:
    assert is_candidate("I will ask the form tutors about it.")
    assert not is_candidate("They were worried about charging trolleys today.")
    assert not is_candidate("That\u2019s the part that matters most to me.")
    assert not is_candidate("Far too short here.")


def test_sentences_are_split_verbatim_from_lists_and_lines() -> None:
    text = "First point is here. Second one!\n- a bullet line\n2) numbered line"
    assert split_sentences(text) == [
        "First point is here.",
        "Second one!",
        "a bullet line",
        "numbered line",
    ]


def test_a_long_history_gives_five_sentences() -> None:
    answers = [
        Reflection(
            week(n),
            f"We moved the year {n} timetable onto the new booking system this week. "
            f"Teachers in department {n} booked the laptop trolleys without any help.",
            "x",
            "Prompt?",
        )
        for n in range(30)
    ]
    assert len(summarise(answers)) == 5


def test_nothing_to_quote_gives_no_summary() -> None:
    assert summarise([Reflection(week(0), "Fine. It went well.", "x", "Prompt?")]) == []


def test_a_pasted_block_without_full_stops_is_never_quoted() -> None:
    pasted = "Budget " + "x" * 5000 + " for the new devices in year seven"
    assert not is_candidate(pasted)
    assert not is_candidate(" ".join(["word"] * 80))
