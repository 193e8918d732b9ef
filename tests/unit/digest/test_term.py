"""A realistic term, read as the member would read her digest (tests/support/term_of_answers.py).

Dana answered all twelve weekly prompts of the term and one "Looking back" revisit; the
thirteenth prompt arrived the day before she asked. Each assertion is something she would
check: the figures add up, coverage names what she answered, the themes are her topics,
the summary covers the whole term in her words, and every goal she set is there.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from bot.digest.goals import find_goals
from bot.digest.records import PromptSent
from bot.digest.render import digest_parts
from bot.digest.report import DigestContent, DigestInput, build_content
from bot.digest.sentences import split_sentences
from bot.prompts.library import default_library
from tests.support import term_of_answers as term

NOISE = {"year", "meeting", "meetings", "minutes", "block", "u024be7lh", "channel", "tada"}


def digest(
    prompts: list[PromptSent] | None = None, track: list[tuple[str, str]] | None = None
) -> DigestContent:
    library = default_library()
    reflections = term.reflections()
    source = DigestInput(
        label="the last 13 weeks",
        since=term.SINCE,
        until=term.UNTIL,
        zone=term.ZONE,
        prompts=prompts if prompts is not None else term.prompts_sent(),
        reflections=reflections,
        answered_prompts=[library.by_id(r.prompt_id) for r in reflections],
        library=library,
        scope=track,
        background=list(term.EARLIER_ANSWERS),
    )
    return build_content(source, with_chart=False)


def text_of(content: DigestContent) -> str:
    return "\n".join(f"{p.heading}\n{p.body}" for p in digest_parts(content, term.ZONE, None))


def test_twelve_weeks_answered_in_a_row_is_a_streak_of_twelve() -> None:
    figures = digest().figures

    # thirteen weekly prompts in the term (the revisit is not one), twelve answered, the
    # thirteenth still open
    assert (figures.received, figures.answered, figures.skipped) == (13, 12, 0)
    assert (figures.current_streak, figures.longest_streak) == (12, 12)
    assert "Streak: 12 answered in a row (longest: 12)" in text_of(digest())


def test_an_unanswered_revisit_neither_counts_as_received_nor_breaks_the_streak() -> None:
    """Issue 14: "Streak: 0 answered in a row (longest: 7)" after twelve weeks answered."""
    prompts = [
        *term.prompts_sent(),
        PromptSent(term.monday(9, hours=50), False, False, revisit=True),
        PromptSent(term.monday(12, hours=2), False, False, revisit=True),  # the very latest
    ]
    figures = digest(prompts).figures
    assert (figures.received, figures.current_streak, figures.longest_streak) == (13, 12, 12)


def test_words_are_her_words_without_chat_markup() -> None:
    """Mentions, channels, links and emoji codes are not words she wrote."""
    markup = re.compile(r"^(?:<[@#!][^>]*>|https?://\S+|:[a-z_]+:)[.,]?$")
    pieces = [w for a in term.TERM for w in a.text.split()]
    dropped = [w for w in pieces if markup.match(w)]

    assert len(dropped) == 6  # <@U024BE7LH>, :moneybag:, the link, the channel, :tada:, <!channel>
    assert digest().figures.words == len(pieces) - len(dropped)


def test_coverage_counts_every_element_answered_and_never_calls_it_not_yet() -> None:
    content = digest()
    library = default_library()
    answered = {
        (p.framework_id, p.element_id)
        for a in term.TERM
        if not a.revisit and (p := library.by_id(a.prompt_id)) is not None
    }
    coverage = content.coverage

    assert len(answered) == 11  # twelve answers, two of them on coaching
    assert coverage.touched_count == 11
    assert coverage.elements == sum(len(f.elements) for f in library.frameworks)
    assert {e.key for e in coverage.touched} == answered
    assert not answered & {e.key for e in coverage.untouched}
    coaching = next(e for e in coverage.touched if e.element_id == "coaching")
    assert coaching.count == 2, "the revisit's answer does not count twice"
    not_yet = re.search(r"^Not yet: (.*)$", text_of(content), re.MULTILINE)
    assert not_yet is not None and "Investor" not in not_yet.group(1)
    assert f"You reflected on 11 of {coverage.elements} elements: Coaching (2)" in text_of(content)


def test_a_track_she_has_not_written_on_yet_comes_first_but_her_answers_still_count() -> None:
    track = [("multipliers", "talent-finder"), ("multipliers", "investor")]
    coverage = digest(track=track).coverage

    assert coverage.touched_count == 11
    assert (coverage.track_touched, coverage.track) == (1, 2)
    assert coverage.touched[0].element_id == "investor", "the track's element first"
    assert coverage.untouched[0].element_id == "talent-finder"
    assert coverage.suggestion is not None and coverage.suggestion.element_id == "talent-finder"


def test_her_real_topics_are_the_top_themes() -> None:
    themes = [t.phrase for t in digest().themes]

    assert len(themes) == 5
    assert {"iPad rollout", "budget meeting", "Priya"} <= set(themes)
    assert not NOISE & {word.lower() for phrase in themes for word in phrase.split()} - {"meeting"}
    assert not NOISE & {phrase.lower() for phrase in themes}


def test_the_budget_meeting_theme_has_the_five_weeks_she_wrote_about_it() -> None:
    (budget,) = [t for t in digest().themes if t.phrase == "budget meeting"]

    written = [a.week + 1 for a in term.TERM if "budget meeting" in a.text]  # ISO weeks
    assert len(written) == 5
    assert [week for _, week in budget.weeks] == written


def test_the_summary_spans_the_term_one_sentence_per_answer_verbatim() -> None:
    summary = digest().summary

    assert len(summary) == 5
    answers = [s.reflection for s in summary]
    assert len(set(answers)) == len(answers), "at most one sentence per answer"
    for sentence in summary:
        assert sentence.text in split_sentences(sentence.reflection.text)
    days = [s.reflection.written_at.astimezone(term.ZONE).date() for s in summary]
    assert days == sorted(days)
    assert days[0] < date(2027, 1, 25), "one from the first weeks"
    assert any(date(2027, 2, 1) <= day < date(2027, 2, 22) for day in days), "the middle"
    assert days[-1] >= date(2027, 3, 8), "and the last weeks"


def test_every_goal_of_the_term_is_kept_and_a_story_is_not_a_goal() -> None:
    goals = digest().goals

    assert [goal.written for goal in goals] == [
        date(2027, 1, 5),
        date(2027, 1, 19),
        date(2027, 1, 26),
        date(2027, 2, 2),
        date(2027, 2, 16),
        date(2027, 3, 2),
        date(2027, 3, 23),
    ]
    assert goals[0].text == "I will draft a charging rota with the Year 7 tutors by Friday."
    texts = " ".join(goal.text for goal in goals)
    assert "The next step of the rollout was handing out chargers" not in texts
    assert all(goal.outcome is None for goal in goals)


def test_a_question_inside_quotation_marks_does_not_end_the_sentence() -> None:
    sentences = split_sentences(term.TERM[2].text)
    assert 'Priya asked "what if the Wi-Fi drops again?" and I had no good answer.' in sentences


def test_goals_with_an_outcome_follow_the_open_ones_oldest_first() -> None:
    rota = "I will draft a charging rota with the Year 7 tutors by Friday."
    lead = "My goal is to let Priya lead the next coaching session herself."
    revisits = [  # a revisit quotes the goal (here without its full stop)
        (f'Looking back: you wrote "{rota[:-1]}". What became of it?', "partly"),
        (f'Looking back: you wrote "{lead[:-1]}". What became of it?', "partly"),
        (f'Looking back: you wrote "{rota[:-1]}". What became of it?', "done"),
    ]
    goals = find_goals(term.reflections(), term.ZONE, revisits)

    assert goals[0].text == lead and goals[0].outcome == "partly", "partly is still open"
    assert goals[-1].text == rota and goals[-1].outcome == "done", "the latest outcome"
    assert [g.outcome for g in goals[1:-1]] == [None] * 5
    content = digest()
    shown = text_of(dataclasses.replace(content, goals=goals))
    assert f"{rota} (done)" in shown and f"{lead} (partly done)" in shown
