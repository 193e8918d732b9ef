"""The member's digest and goals as the web page shows them: the chat digest's own content
(bot/digest: the same figures, coverage, themes, summary and goals), with the chart drawn as
SVG and told in words beside it.

The reads run in one unit of work (`digest_requests.gather`, the chat digest's), the CPU
work in a worker thread after it, with no transaction open, as for `/pln digest`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.core import digest_analyses
from bot.core.actors import Actor
from bot.core.commands.spec import CoreServices
from bot.core.commands.values import digest_period
from bot.core.context import Context
from bot.core.digest_requests import DigestRequest, gather, gather_period, gather_window
from bot.digest import render
from bot.digest.goals import Goal, find_goals
from bot.digest.llm import llm_summary
from bot.digest.render import OUTCOME_LABELS, digest_parts, figure_fields
from bot.digest.report import (
    DigestContent,
    DigestInput,
    build_content,
    chart_elements,
    chart_weeks,
)
from bot.digest.weeks import week_start

PERIOD_CHOICES = (
    ("week", "The last 7 days"),
    ("month", "The last 30 days"),
    ("term", "The last 13 weeks"),
    ("year", "The last 52 weeks"),
    ("all", "All time"),
)


@dataclass(frozen=True)
class DigestSection:
    heading: str
    body: str


@dataclass(frozen=True)
class DigestPage:
    """What the digest page shows for one period."""

    period: str  # as validated: "term", "6w"
    title: str  # the chat digest's first line
    figures: tuple[tuple[str, str], ...]  # (label, value): received, answered, streak, ...
    sections: tuple[DigestSection, ...]  # coverage, themes, summary, goals (figures first)
    chart_svg: bytes | None  # None when the period holds no answer
    chart_in_words: tuple[str, ...]  # the chart's text alternative, one line a row


@dataclass(frozen=True)
class GoalRow:
    """A goal the member set in an answer, and what became of it when revisited."""

    written: date
    text: str
    outcome: str | None  # "done", "partly done", "not yet", "dropped"; None: not asked yet


def period_or_error(text: str) -> tuple[str | None, str | None]:
    """(period, None) for a period the chat digest takes, else (None, its chat error)."""
    try:
        return digest_period(text or "month"), None
    except ValueError as error:
        return None, str(error)


@dataclass(frozen=True)
class Days:
    """A period of whole days in the member's zone, first and last included."""

    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first:%d %b %Y} to {self.last:%d %b %Y}"


def days_or_error(first: str, last: str) -> tuple[Days | None, str | None]:
    """Two ISO dates (as a date field sends them) as Days, or what to fix."""
    try:
        days = Days(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
    except ValueError:
        return None, "Give the first and the last day as dates, like 2027-01-04."
    if days.last < days.first:
        return None, "The last day comes before the first: swap them."
    return days, None


def _window(days: Days, ctx: Context) -> tuple[datetime, datetime]:
    """From the first day's midnight to the end of the last day (or now), in UTC."""
    since = datetime.combine(days.first, time(0), ctx.zone)
    until = datetime.combine(days.last + timedelta(days=1), time(0), ctx.zone)
    return since.astimezone(UTC), min(until.astimezone(UTC), ctx.now)


async def digest_page(
    services: CoreServices, actor: Actor, period: str | Days
) -> DigestPage | None:
    """The digest of `period` (validated: a chat period, or days from a calendar); None
    when the actor is no member."""

    async def read(ctx: Context) -> DigestRequest | None:
        if not ctx.is_active_member:
            return None
        if isinstance(period, Days):
            since, until = _window(period, ctx)
            return await gather_window(ctx, since, max(since, until), period.label)
        return await gather_period(ctx, period)

    request = await services.with_context(actor, read)
    if request is None:
        return None
    request = await digest_analyses.complete(services.db, request)
    source = request.source
    content = await asyncio.to_thread(
        build_content, source, with_chart=bool(source.reflections), chart_format="svg"
    )
    llm_text = None
    if source.reflections and request.llm is not None and request.llm_answers:
        llm_text = await llm_summary(request.llm, request.llm_answers)
    parts = digest_parts(content, source.zone, llm_text)
    sections = tuple(DigestSection(part.heading, part.body) for part in parts[1:])
    if not source.reflections:
        sections = (DigestSection("Answers", render.NO_ANSWERS),)
    return DigestPage(
        period=period if isinstance(period, str) else "days",
        title=render.title(source.label),
        figures=tuple(figure_fields(content.figures)),
        sections=sections,
        chart_svg=content.chart,
        chart_in_words=chart_in_words(source, content) if content.chart else (),
    )


def chart_in_words(source: DigestInput, content: DigestContent) -> tuple[str, ...]:
    """The chart's two panels as sentences, for screen readers and for reading."""
    lines = ["Answers per framework element:"]
    for element in chart_elements(source, content.coverage):
        count = f"{element.count} answer{'' if element.count == 1 else 's'}"
        lines.append(
            f"{element.framework}, {element.element}: {count if element.count else 'not yet'}"
        )
    lines.append("Words written per week:")
    for week in chart_weeks(source, content.weeks):
        state = f" ({week.state})" if week.state and week.state != "answered" else ""
        lines.append(f"Week of {week_start(week.week):%d %b %Y}: {week.words} words{state}")
    return tuple(lines)


async def goals_page(services: CoreServices, actor: Actor) -> list[GoalRow] | None:
    """Every goal the member set in all their answers, newest first, with its outcome."""

    async def read(ctx: Context) -> DigestInput | None:
        if not ctx.is_active_member:
            return None
        return (await gather(ctx, None, ctx.now, "all time", "all")).source

    source = await services.with_context(actor, read)
    if source is None:
        return None
    goals: list[Goal] = await asyncio.to_thread(
        find_goals, source.reflections, source.zone, source.goal_outcomes
    )
    rows = [
        GoalRow(
            goal.written,
            goal.text,
            OUTCOME_LABELS.get(goal.outcome, goal.outcome) if goal.outcome else None,
        )
        for goal in goals
    ]
    return sorted(rows, key=lambda row: row.written, reverse=True)
