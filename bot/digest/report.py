"""All of a digest's content computed from plain inputs: the one call the core (and the
benchmark) makes, so what a member gets and what is measured are the same work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest.chart import ChartData, ChartElement, ChartWeek, render_chart
from bot.digest.coverage import Coverage, ElementKey, compute_coverage, library_elements
from bot.digest.figures import (
    Figures,
    WeekState,
    compute_figures,
    in_window,
    week_states,
    words_in,
)
from bot.digest.goals import Goal, find_goals
from bot.digest.records import PromptSent, Reflection
from bot.digest.sentences import Sentence, sentences_of
from bot.digest.summary import summarise
from bot.digest.themes import Theme, compute_themes
from bot.digest.weeks import Week, week_of, weeks_between
from bot.prompts.library import Library, LibraryPrompt


@dataclass(frozen=True)
class DigestInput:
    """What the store gave: the member's prompts and answers, and the themes' background."""

    label: str  # "the last 13 weeks", "November 2026"
    since: datetime | None  # None: all time
    until: datetime
    zone: ZoneInfo
    prompts: Sequence[PromptSent]  # the whole history up to `until` (streaks)
    reflections: Sequence[Reflection]  # the window's answers, oldest first
    answered_prompts: Sequence[LibraryPrompt | None]  # the prompt of each reflection
    library: Library
    scope: Sequence[ElementKey] | None  # the community track's elements; None: all
    # the theme ranking's background besides general English: the member's own earlier
    # answers and answers SHARED in the community; never another member's private text
    # (the keys of its phrases when they were kept, else its text)
    background: Sequence[str | frozenset[str]]
    # what became of goals: (a revisit's text, which quotes the goal; the outcome the member
    # chose on it: "done", "partly", "not_yet", "dropped"), oldest first
    goal_outcomes: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class DigestContent:
    figures: Figures
    coverage: Coverage
    themes: list[Theme]
    summary: list[Sentence]
    goals: list[Goal]
    weeks: list[Week]
    chart: bytes | None


def period_weeks(source: DigestInput) -> list[Week]:
    """The weeks the period spans; "all time" starts at the member's first prompt or answer."""
    starts = [p.sent_at for p in source.prompts] + [r.written_at for r in source.reflections]
    since = source.since or min(starts, default=source.until)
    return weeks_between(since, source.until, source.zone)


def chart_weeks(source: DigestInput, weeks: list[Week]) -> list[ChartWeek]:
    """Each week of the period: the words written in it and what became of its prompt."""
    written = Counter[Week]()
    for reflection in source.reflections:
        written[week_of(reflection.written_at, source.zone)] += words_in(reflection)
    window = [p for p in source.prompts if in_window(p.sent_at, source.since, source.until)]
    states = {
        week: "" if state is WeekState.OPEN else state.value
        for week, state in week_states(window, source.zone, source.until)
    }
    return [ChartWeek(week, written[week], states.get(week, "")) for week in weeks]


def chart_elements(source: DigestInput, coverage: Coverage) -> list[ChartElement]:
    """Every element of the library, grouped by framework; the track's frameworks first."""
    counts = {e.key: e.count for e in coverage.touched}
    in_track = {framework for framework, _ in source.scope or ()}
    everything = library_elements(source.library)
    ordered = sorted(
        range(len(everything)), key=lambda i: (everything[i].framework_id not in in_track, i)
    )
    return [
        ChartElement(
            everything[i].framework, everything[i].element, counts.get(everything[i].key, 0)
        )
        for i in ordered
    ]


def build_content(
    source: DigestInput, *, with_chart: bool = True, chart_format: str = "png"
) -> DigestContent:
    """CPU work only (no I/O): safe to run in a worker thread. `chart_format`: "png" for
    chat, "svg" for the web page."""
    weeks = period_weeks(source)
    sentences = list(sentences_of(source.reflections))  # split once, for summary and goals
    # a revisit's answer looks back at an element the original answer already counted
    answered = [
        prompt
        for prompt, reflection in zip(source.answered_prompts, source.reflections, strict=True)
        if not reflection.revisit
    ]
    coverage = compute_coverage(source.library, answered, source.scope)
    chart = None
    if with_chart and source.reflections:
        chart = render_chart(
            ChartData(
                f"Your reflections: {source.label}",
                chart_elements(source, coverage),
                chart_weeks(source, weeks),
            ),
            chart_format,
        )
    return DigestContent(
        figures=compute_figures(
            source.prompts, source.reflections, source.since, source.until, source.zone
        ),
        coverage=coverage,
        themes=compute_themes(source.reflections, source.background, weeks, source.zone),
        summary=summarise(source.reflections, sentences),
        goals=find_goals(source.reflections, source.zone, source.goal_outcomes, sentences),
        weeks=weeks,
        chart=chart,
    )
