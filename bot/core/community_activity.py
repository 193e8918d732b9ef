"""The moderators' pages of what has happened: discussions posted and what their recaps
counted, and check-in rounds with the counts of their summaries.

Counts and titles only, as `/pln stats` and the round summaries give them: a recap's
thread is read when the recap is built and never kept, and who met whom stays out.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.page_access import require_moderator
from bot.core.stats import recap_words
from bot.store import stats as stats_store
from bot.store.checkin_history import RoundCounts, latest_rounds

ROUNDS_SHOWN = 26


@dataclass(frozen=True)
class DiscussionRow:
    title: str
    posted: str  # in the moderator's zone
    recap: str  # what the recap counted, in words


async def discussions(ctx: Context) -> tuple[DiscussionRow, ...]:
    """Every discussion posted here, newest first (moderators only)."""
    require_moderator(ctx)
    posted = await stats_store.discussions_posted(
        ctx.session, ctx.community.id, ctx.community.created_at, ctx.now
    )
    return tuple(
        DiscussionRow(
            item.title,
            f"{item.posted_at.astimezone(ctx.zone):%a %d %b %Y %H:%M}",
            recap_words(item),
        )
        for item in reversed(posted)
    )


async def checkin_rounds(ctx: Context) -> tuple[RoundCounts, ...]:
    """The latest check-in rounds with their counts, newest first (moderators only)."""
    require_moderator(ctx)
    return tuple(await latest_rounds(ctx.session, ctx.community.id, ROUNDS_SHOWN))
