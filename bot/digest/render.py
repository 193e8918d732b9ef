"""The digest as words: one part per section, the same text on every platform.

This is the one home of the digest's wording: the parts, the title, the figures' labels,
the chart's line and the scheduled digest's opening and closing sentences. Platform-neutral
plain text; the core wraps it into an OutgoingMessage (bot/core/digest_requests.py for
`/pln digest`, bot/core/sending/digest_queue.py for the scheduled one) and each adapter
decides how sections look. The member's own sentences are quoted as written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.digest.coverage import Coverage
from bot.digest.figures import Figures
from bot.digest.goals import Goal
from bot.digest.report import DigestContent
from bot.digest.sentences import Sentence
from bot.digest.themes import Theme

MAX_TOUCHED_LISTED = 8
MAX_UNTOUCHED_LISTED = 5

HEADING = "Your reflection digest"
NO_ANSWERS = "No answers in this period yet: reply to your next prompt to start."
CHART_TITLE = "Your reflection chart"
# a goal's outcome, as the member chose it on a revisit
OUTCOME_LABELS = {
    "done": "done",
    "partly": "partly done",
    "not_yet": "not yet",
    "dropped": "dropped",
}
SCHEDULE_HINT = "Change how often it comes with `/pln digest schedule monthly`, `termly` or `off`."


def title(label: str) -> str:
    """The digest's first line, e.g. "... for the last 30 days (only you can see this)"."""
    return f"{HEADING} for {label} (only you can see this)"


def chart_filename(slug: str) -> str:
    return f"pln-digest-{slug}.png"


def chart_line(filename: str) -> str:
    return f"Your chart is attached: {filename}"


def figure_fields(figures: Figures) -> list[tuple[str, str]]:
    """The figures as (label, value) pairs, for platforms that show fields side by side."""
    return [
        ("Received", str(figures.received)),
        ("Answered", str(figures.answered)),
        ("Skipped", str(figures.skipped)),
        ("Streak", f"{figures.current_streak} (longest {figures.longest_streak})"),
        ("Words", f"{figures.words:,}"),
    ]


def scheduled_intro(label: str, cadence: str, *, term: bool) -> str:
    """The scheduled digest's opening: "November 2026 is over: here is your monthly ..."."""
    ended = f"The term {label}" if term else label
    return f"{ended} is over: here is your {cadence} reflection digest."


def scheduled_heading(label: str) -> str:
    return f"Your digest: {label}"


@dataclass(frozen=True)
class Part:
    heading: str
    body: str


def _day(sentence: Sentence, zone: ZoneInfo) -> str:
    return sentence.reflection.written_at.astimezone(zone).strftime("%d %b %Y")


def figures_part(figures: Figures) -> Part:
    return Part(
        "Figures",
        f"Prompts received: {figures.received} · answered: {figures.answered} · "
        f"skipped: {figures.skipped}\n"
        f"Streak: {figures.current_streak} answered in a row "
        f"(longest: {figures.longest_streak}) · words written: {figures.words:,}",
    )


def coverage_part(coverage: Coverage) -> Part:
    lines = []
    if coverage.touched:
        listed = ", ".join(
            f"{e.element} ({e.count})" for e in coverage.touched[:MAX_TOUCHED_LISTED]
        )
        more = len(coverage.touched) - MAX_TOUCHED_LISTED
        lines.append(
            f"You reflected on {coverage.touched_count} of {coverage.elements} elements: "
            f"{listed}" + (f" and {more} more" if more > 0 else "")
        )
    if coverage.track:
        lines.append(
            f"Your PLN's track: {coverage.track_touched} of its {coverage.track} elements so far"
        )
    if coverage.untouched:
        names = ", ".join(e.element for e in coverage.untouched[:MAX_UNTOUCHED_LISTED])
        more = len(coverage.untouched) - MAX_UNTOUCHED_LISTED
        lines.append(f"Not yet: {names}" + (f" and {more} more" if more > 0 else ""))
    if coverage.suggestion is not None:
        e = coverage.suggestion
        lines.append(f"Suggestion: try {e.element} ({e.framework}): {e.description}")
    return Part("Framework coverage", "\n".join(lines))


def display_width(text: str) -> int:
    """Columns `text` takes in a monospaced font: Japanese and Chinese characters take two,
    so the timelines line up after "予算会議" as after "budget meeting"."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def themes_part(themes: list[Theme]) -> Part | None:
    if not themes:
        return None
    width = max(display_width(t.phrase) for t in themes)
    lines = ["One mark per week of the period: ▮ you wrote about it, · you did not."]
    for theme in themes:
        weeks = (
            ("week " if len(theme.weeks) == 1 else "weeks ")
            + ", ".join(str(week) for _, week in theme.weeks)
            if len(theme.weeks) <= 6
            else f"in {len(theme.weeks)} weeks"
        )
        padding = " " * (width - display_width(theme.phrase))
        lines.append(f"{theme.phrase}{padding}  {theme.timeline}  {weeks}")
    return Part("Themes", "\n".join(lines))


def summary_part(summary: list[Sentence], zone: ZoneInfo, llm_text: str | None) -> Part | None:
    if llm_text is not None:
        return Part(
            "Summary",
            llm_text + "\n(Written by the language model your PLN chose, from your answers.)",
        )
    if not summary:
        return None
    lines = [f"• {s.text} ({_day(s, zone)})" for s in summary]
    return Part("Summary, in your own words", "\n".join(lines))


def goals_part(goals: list[Goal]) -> Part | None:
    if not goals:
        return None
    lines = [
        f"• {goal.written:%d %b %Y}: {goal.text}"
        + (f" ({OUTCOME_LABELS.get(goal.outcome, goal.outcome)})" if goal.outcome else "")
        for goal in goals
    ]
    if any(goal.outcome is None for goal in goals):
        lines.append("What became of them?")
    return Part("Goals you set", "\n".join(lines))


def digest_parts(content: DigestContent, zone: ZoneInfo, llm_text: str | None) -> list[Part]:
    """The sections in reading order; empty ones left out."""
    parts = [
        figures_part(content.figures),
        coverage_part(content.coverage),
        themes_part(content.themes),
        summary_part(content.summary, zone, llm_text),
        goals_part(content.goals),
    ]
    return [part for part in parts if part is not None]
