"""All of a digest's content computed from plain inputs: the one call the core (and the
benchmark) makes, so what a member gets and what is measured are the same work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest.chart import ChartData, render_chart
from bot.digest.coverage import Coverage, ElementKey, compute_coverage
from bot.digest.figures import Figures, compute_figures
from bot.digest.goals import Goal, find_goals
from bot.digest.records import PromptSent, Reflection
from bot.digest.sentences import Sentence
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
    background: Sequence[str]


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


def answers_per_week(source: DigestInput, weeks: list[Week]) -> list[tuple[Week, int]]:
    counts = Counter(week_of(r.written_at, source.zone) for r in source.reflections)
    return [(week, counts[week]) for week in weeks]


def build_content(source: DigestInput, *, with_chart: bool = True) -> DigestContent:
    """CPU work only (no I/O): safe to run in a worker thread."""
    weeks = period_weeks(source)
    coverage = compute_coverage(source.library, source.answered_prompts, source.scope)
    chart = None
    if with_chart and source.reflections:
        elements = [(e.element, e.count) for e in coverage.touched]
        elements += [(e.element, 0) for e in coverage.untouched]
        chart = render_chart(
            ChartData(
                f"Your reflections: {source.label}", elements, answers_per_week(source, weeks)
            )
        )
    return DigestContent(
        figures=compute_figures(source.prompts, source.reflections, source.since, source.until),
        coverage=coverage,
        themes=compute_themes(source.reflections, source.background, weeks, source.zone),
        summary=summarise(source.reflections),
        goals=find_goals(source.reflections, source.zone),
        weeks=weeks,
        chart=chart,
    )
