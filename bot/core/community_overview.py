"""The moderators' overview page: the community at a glance, in counts only.

Members by state, the weekly response rate of the last 26 weeks, check-in participation
and meeting rate, and framework coverage since the bot started here. The figures are
`/pln stats`'s (bot/core/stats.py, from bot/store/stats.py's numbers and prompt ids), so
the page and the chat say the same; nobody's words, nor who skipped or stayed silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core import stats
from bot.core.context import Context
from bot.core.page_access import require_moderator
from bot.digest.weeks import week_label, week_start
from bot.store import stats as stats_store
from bot.store.checkin_stats import checkin_figures

OVERVIEW_WEEKS = 26


@dataclass(frozen=True)
class WeekRate:
    """One row of the chart's text alternative."""

    label: str  # "2026-W48"
    starts: str  # "23 Nov 2026"
    sent: int
    answered: int
    skipped: int
    rate: int | None  # percent answered; None when nothing was sent


@dataclass(frozen=True)
class CommunityOverview:
    figures: stats.CommunityStats  # 26 weeks, coverage since the start: what the chart draws
    rate: int | None  # over the 26 weeks
    trend: str

    @property
    def week_rates(self) -> tuple[WeekRate, ...]:
        return tuple(
            WeekRate(
                week_label(w.week),
                f"{week_start(w.week):%d %b %Y}",
                w.sent,
                w.answered,
                w.skipped,
                stats.rate(w.answered, w.sent),
            )
            for w in self.figures.weeks
        )

    @property
    def elements_touched(self) -> int:
        return sum(f.touched for f in self.figures.coverage)

    @property
    def elements(self) -> int:
        return sum(f.elements for f in self.figures.coverage)


async def gather(ctx: Context, weeks: int = OVERVIEW_WEEKS) -> CommunityOverview:
    """The overview's figures (moderators only), in one unit of work."""
    require_moderator(ctx)
    zone = ZoneInfo(ctx.config.default_timezone)
    since = ctx.now - timedelta(weeks=weeks - 1)
    community_id = ctx.community.id
    recent = await stats_store.sent_prompts(ctx.session, community_id, since, ctx.now)
    answered = await stats_store.answered_prompts(ctx.session, community_id)
    own = await stats_store.community_prompt_elements(ctx.session, community_id)
    weekly = stats.weekly_figures(recent, since, ctx.now, zone)
    figures = stats.CommunityStats(
        period="26 weeks",
        since=since,
        members=await stats_store.member_counts(ctx.session, community_id),
        weeks=weekly,
        coverage=stats.coverage_of(answered, own),
        zone=zone.key,
        checkins=await checkin_figures(
            ctx.session, community_id, ctx.community.created_at, ctx.now
        ),
    )
    return CommunityOverview(
        figures, stats.rate(figures.answered, figures.sent), stats.trend(weekly)
    )
