"""`/pln stats [term|month|all]`: how the community is doing, in counts only.

Members by state, prompts sent, answered and skipped per week, the response rate and its
trend, and how much of the framework library the community has reflected on, as text and
a PNG chart. Built from bot/store/stats.py, which hands over numbers and prompt ids only:
no answer's words, and never who skipped or who did not answer.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.stats_chart import render_stats_chart
from bot.digest.weeks import Week, week_label, week_of, weeks_between
from bot.prompts.library import default_library
from bot.prompts.school_year import year_start
from bot.store import send_states
from bot.store import stats as stats_store
from bot.store.checkin_stats import CheckinFigures, checkin_figures
from bot.store.stats import MemberCounts, PostedDiscussion, SentPrompt

if TYPE_CHECKING:
    from bot.core.actors import Actor
    from bot.core.commands.spec import CoreServices

PERIODS = ("term", "month", "all")
PERIOD_WORDS = {
    "term": "this school year",
    "month": "the last 30 days",
    "all": "since the bot started here",
}
TREND_WEEKS = 4  # the latest weeks' rate against the weeks before them
DISCUSSIONS_LISTED = 8  # the latest discussions listed one by one
STEADY_POINTS = 5  # a change smaller than this many percentage points is no trend
CHART_TITLE = "Participation per week"


@dataclass(frozen=True)
class WeekFigures:
    week: Week
    sent: int
    answered: int
    skipped: int

    @property
    def unanswered(self) -> int:
        return self.sent - self.answered - self.skipped


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    touched: int  # elements answered by anyone
    elements: int


@dataclass(frozen=True)
class CommunityStats:
    period: str
    since: datetime
    members: MemberCounts
    weeks: tuple[WeekFigures, ...]
    coverage: tuple[FrameworkCoverage, ...]
    discussions: tuple[PostedDiscussion, ...] = ()  # posted in the period, oldest first
    zone: str = "UTC"  # dates are shown in the community's default zone
    checkins: CheckinFigures | None = None
    uncertain_resends: int = 0  # resent after a crash with no way to check the first try

    @property
    def sent(self) -> int:
        return sum(week.sent for week in self.weeks)

    @property
    def answered(self) -> int:
        return sum(week.answered for week in self.weeks)

    @property
    def skipped(self) -> int:
        return sum(week.skipped for week in self.weeks)


def rate(answered: int, sent: int) -> int | None:
    """Percent answered, rounded; None when nothing was sent."""
    return None if sent == 0 else round(100 * answered / sent)


def period_start(ctx: Context, period: str) -> datetime:
    zone = ZoneInfo(ctx.config.default_timezone)
    if period == "month":
        return ctx.now - timedelta(days=30)
    if period == "all":
        return ctx.community.created_at
    today = ctx.now.astimezone(zone).date()
    first = year_start(today, ctx.community.term_start, ctx.config.default_timezone)
    return datetime.combine(first, time(0), zone)


def weekly_figures(
    prompts: list[SentPrompt], since: datetime, until: datetime, zone: ZoneInfo
) -> tuple[WeekFigures, ...]:
    """Every week of the period, empty ones included, so gaps show."""
    sent: Counter[Week] = Counter()
    answered: Counter[Week] = Counter()
    skipped: Counter[Week] = Counter()
    for prompt in prompts:
        week = week_of(prompt.due_at, zone)
        sent[week] += 1
        answered[week] += prompt.answered
        skipped[week] += prompt.skipped and not prompt.answered
    return tuple(
        WeekFigures(week, sent[week], answered[week], skipped[week])
        for week in weeks_between(since, until, zone)
    )


def coverage(
    prompts: list[SentPrompt], own_prompts: dict[str, tuple[str, str]]
) -> tuple[FrameworkCoverage, ...]:
    """Per framework: how many of its elements someone answered a prompt on (no counts per
    person, no names)."""
    return coverage_of({prompt.prompt_id for prompt in prompts if prompt.answered}, own_prompts)


def coverage_of(
    answered: Iterable[str], own_prompts: dict[str, tuple[str, str]]
) -> tuple[FrameworkCoverage, ...]:
    """Per framework: how many of its elements the answered prompts (ids) touch."""
    library = default_library()
    touched: set[tuple[str, str]] = set()
    for prompt_id in answered:
        found = library.by_id(prompt_id)
        key = (found.framework_id, found.element_id) if found else own_prompts.get(prompt_id)
        if key is not None:
            touched.add(key)
    return tuple(
        FrameworkCoverage(
            file.framework.name,
            sum((file.framework.id, e.id) in touched for e in file.elements),
            len(file.elements),
        )
        for file in library.frameworks
    )


def trend(weeks: tuple[WeekFigures, ...]) -> str:
    """The latest weeks' response rate against the weeks before them, in words."""
    with_prompts = [week for week in weeks if week.sent]
    latest, before = with_prompts[-TREND_WEEKS:], with_prompts[:-TREND_WEEKS][-TREND_WEEKS:]
    now_rate = rate(sum(w.answered for w in latest), sum(w.sent for w in latest))
    then_rate = rate(sum(w.answered for w in before), sum(w.sent for w in before))
    if now_rate is None or then_rate is None:
        return "not enough weeks yet to show a trend"
    change = now_rate - then_rate
    span = f"the last {len(latest)} weeks against the {len(before)} before"
    if abs(change) < STEADY_POINTS:
        return f"steady ({now_rate}% against {then_rate}%, {span})"
    direction = "up" if change > 0 else "down"
    return f"{direction} {abs(change)} points ({now_rate}% against {then_rate}%, {span})"


async def gather(ctx: Context, period: str) -> CommunityStats:
    """The figures, read in one unit of work."""
    since = period_start(ctx, period)
    zone = ZoneInfo(ctx.config.default_timezone)
    members = await stats_store.member_counts(ctx.session, ctx.community.id)
    prompts = await stats_store.sent_prompts(ctx.session, ctx.community.id, since, ctx.now)
    own = await stats_store.community_prompt_elements(ctx.session, ctx.community.id)
    weeks = weekly_figures(prompts, since, ctx.now, zone)
    discussions = await stats_store.discussions_posted(
        ctx.session, ctx.community.id, since, ctx.now
    )
    return CommunityStats(
        period,
        since,
        members,
        weeks,
        coverage(prompts, own),
        tuple(discussions),
        ctx.config.default_timezone,
        await checkin_figures(ctx.session, ctx.community.id, since, ctx.now),
        await send_states.uncertain_resends(ctx.session, ctx.community.id, since),
    )


def discussion_lines(posted: tuple[PostedDiscussion, ...], zone: ZoneInfo) -> list[str]:
    """Each discussion's reply count, read from its thread when the recap was posted."""
    total = sum(item.replies or 0 for item in posted)
    lines = [f"Discussions: {len(posted)} posted, {total} replies counted in their recaps."]
    for item in posted[-DISCUSSIONS_LISTED:]:
        when = f"{item.posted_at.astimezone(zone):%a %d %b}"
        lines.append(f"• {when}, {item.title}: {recap_words(item)}")
    return lines


def recap_words(item: PostedDiscussion) -> str:
    """What a discussion's recap counted, in words (the chat and the web page say it so)."""
    if not item.recapped:
        return "recap still to come"
    if item.replies is None:
        return "thread could not be read"
    if item.replies == 0:
        return "no replies"
    noun = "reply" if item.replies == 1 else "replies"
    people = "person" if item.participants == 1 else "people"
    return f"{item.replies} {noun} from {item.participants} {people}"


def checkin_line(figures: CheckinFigures) -> str:
    """Check-in participation: counts and the meeting rate, never who."""
    rate = figures.meeting_rate
    met = (
        f'{figures.met} of the {figures.answered} who answered "Did you meet?" met ({rate}%)'
        if rate is not None
        else 'no answers to "Did you meet?" yet'
    )
    return (
        f"Check-ins: {figures.joined} members joined; {figures.rounds} round(s) placed "
        f"{figures.placed} in {figures.groups} group(s); {met}."
    )


def render_text(stats: CommunityStats) -> str:
    members = stats.members
    overall = rate(stats.answered, stats.sent)
    lines = [
        f"Community stats, {PERIOD_WORDS[stats.period]} (since {stats.since:%d %b %Y}):",
        f"Members: {members.active} active, {members.paused} paused, {members.left} left.",
        f"Prompts: {stats.sent} sent, {stats.answered} answered, {stats.skipped} skipped"
        + (f" — a {overall}% response rate." if overall is not None else "."),
        f"Response rate trend: {trend(stats.weeks)}.",
    ]
    lines += discussion_lines(stats.discussions, ZoneInfo(stats.zone))
    if stats.checkins is not None:
        lines.append(checkin_line(stats.checkins))
    if stats.uncertain_resends:
        lines.append(
            f"Resent after a restart: {stats.uncertain_resends} message(s) the bot could not "
            "check had arrived before it stopped; those members may have them twice."
        )
    touched = sum(f.touched for f in stats.coverage)
    total = sum(f.elements for f in stats.coverage)
    lines.append(f"Framework coverage: {touched} of {total} elements answered by someone.")
    lines += [f"• {f.framework}: {f.touched} of {f.elements}" for f in stats.coverage]
    shown = [week for week in stats.weeks if week.sent][-8:]
    if shown:
        lines.append("Per week (sent / answered / skipped):")
        lines += [f"• {week_label(w.week)}: {w.sent} / {w.answered} / {w.skipped}" for w in shown]
    lines.append("Counts only: nobody's answers, and not who skipped or did not answer.")
    return "\n".join(lines)


async def show_stats(services: CoreServices, actor: Actor, period: str) -> list[OutgoingMessage]:
    """Figures in one short unit of work; the chart is drawn after it, in a worker thread."""
    stats = await services.with_context(actor, lambda ctx: gather(ctx, period))
    chart = await asyncio.to_thread(render_stats_chart, stats)
    filename = f"pln-stats-{stats.period}.png"
    return [
        OutgoingMessage(
            text=render_text(stats),
            files=(Attachment(filename, chart, "image/png", CHART_TITLE),),
        )
    ]
