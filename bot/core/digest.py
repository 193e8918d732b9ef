"""The member's reflection digest: counts, streak, their answers of the period and key phrases.

A first version; the full digest (themes, summary, goals, chart) has its own issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.context import Context
from bot.core.formatting import cut, local_date
from bot.core.keywords import top_keywords
from bot.core.messages import Field, OutgoingMessage, Section
from bot.store import deliveries as delivery_store
from bot.store import reflections as reflection_store
from bot.store.models import Delivery

PERIODS: dict[str, tuple[str, timedelta | None]] = {
    "week": ("the last 7 days", timedelta(days=7)),
    "month": ("the last 30 days", timedelta(days=30)),
    "term": ("the last 13 weeks", timedelta(weeks=13)),
    "year": ("the last 52 weeks", timedelta(weeks=52)),
    "all": ("all time", None),
}
PREVIEW_CHARS = 280


@dataclass(frozen=True)
class DigestFigures:
    received: int
    answered: int
    skipped: int
    streak: int


def current_streak(deliveries: list[Delivery], answered: set[int]) -> int:
    """Prompts answered in a row, newest first; a still-open latest prompt does not break it."""
    ordered = sorted(deliveries, key=lambda d: (d.sent_at or d.due_at, d.id), reverse=True)
    if ordered and ordered[0].id not in answered and ordered[0].skipped_at is None:
        ordered = ordered[1:]
    streak = 0
    for delivery in ordered:
        if delivery.id not in answered:
            break
        streak += 1
    return streak


async def digest(ctx: Context, period: str) -> list[OutgoingMessage]:
    member = ctx.require_member()
    length: timedelta | None
    if period.endswith("w"):
        label, length = f"the last {period[:-1]} weeks", timedelta(weeks=int(period[:-1]))
    else:
        label, length = PERIODS[period]
    since: datetime | None = ctx.now - length if length else None
    all_sent = await delivery_store.sent_deliveries_since(ctx.session, member.id, None)
    answered_ids = await reflection_store.answered_delivery_ids(ctx.session, member.id)
    in_period = [d for d in all_sent if since is None or (d.sent_at and d.sent_at >= since)]
    answers = await reflection_store.answers_since(ctx.session, member.id, since)
    figures = DigestFigures(
        received=len(in_period),
        answered=sum(1 for d in in_period if d.id in answered_ids),
        skipped=sum(1 for d in in_period if d.skipped_at is not None),
        streak=current_streak(all_sent, answered_ids),
    )
    keywords = top_keywords([answer.text for answer, _ in answers])
    lines = [
        f"Your reflection digest for {label} (only you can see this):",
        f"Prompts received: {figures.received} · answered: {figures.answered} · "
        f"skipped: {figures.skipped}",
        f"Current streak: {figures.streak} answered in a row",
    ]
    if keywords:
        lines.append("Your key words: " + ", ".join(keywords))
    if answers:
        lines.append("")
        lines.append("What you wrote:")
        for answer, delivery in answers:
            lines.append(f"- {local_date(answer.created_at, ctx.zone)} · {delivery.prompt_text}")
            lines.append(f"  {cut(answer.text, PREVIEW_CHARS)}")
    else:
        lines.append("No answers in this period yet: reply to your next prompt to start.")
    return [
        OutgoingMessage(
            text="\n".join(lines),
            heading="Your reflection digest",
            # the blocks a platform shows carry everything `text` says, not only the figures
            sections=(
                Section(
                    heading=lines[0],
                    fields=(
                        Field("Received", str(figures.received)),
                        Field("Answered", str(figures.answered)),
                        Field("Skipped", str(figures.skipped)),
                        Field("Streak", str(figures.streak)),
                    ),
                ),
                Section(body="\n".join(lines[3:]).strip()),
            ),
        )
    ]


async def summaries_setting(ctx: Context, setting: str | None) -> list[OutgoingMessage]:
    """(Being built: see issue 7.)"""
    from bot.core.messages import plain

    return [plain("Summaries settings are not available yet.")]
