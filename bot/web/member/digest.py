"""My digest (the chat digest for a chosen period, its chart inline as SVG with the chart
in words) and my goals (every goal set in an answer, with what became of it)."""

from __future__ import annotations

from aiohttp import web

from bot.core.digest_page import (
    PERIOD_CHOICES,
    Days,
    days_or_error,
    digest_page,
    goals_page,
    period_or_error,
)
from bot.store.database import DatabaseUnavailable
from bot.web.inline_svg import inline
from bot.web.member.core_calls import actor_of, core_of, database_down, private_page
from bot.web.sessions import require_member

DIGEST_PATH = "/me/digest"
GOALS_PATH = "/me/goals"
NOT_MEMBER = "You are not a member of this PLN now, so there is no digest to show."


def _asked_period(request: web.Request) -> str:
    """A number of weeks typed wins over the list's choice, as in `/pln digest 6w`."""
    weeks = request.query.get("weeks", "").strip()
    return f"{weeks}w" if weeks else request.query.get("period", "month")


def _asked(request: web.Request) -> tuple[str | Days | None, str | None]:
    """Days from the calendar fields when either is filled, else the chat's period."""
    first, last = request.query.get("first", "")[:20], request.query.get("last", "")[:20]
    if first or last:
        return days_or_error(first, last)
    return period_or_error(_asked_period(request)[:20])


@require_member
async def digest(request: web.Request) -> web.StreamResponse:
    period, error = _asked(request)
    shown = None
    chart = None
    if period is not None:
        try:
            shown = await digest_page(core_of(request), actor_of(request), period)
        except DatabaseUnavailable as failure:
            raise database_down(request) from failure
        if shown is None:
            error = NOT_MEMBER
        elif shown.chart_svg is not None:
            summary = "The chart in words follows it."
            chart = inline(shown.chart_svg.decode(), shown.title, summary, "digest-chart")
    weeks = period[:-1] if isinstance(period, str) and period.endswith("w") else ""
    return private_page(
        "member/digest.html",
        request,
        {
            "title": "My digest",
            "choices": PERIOD_CHOICES,
            "period": period if isinstance(period, str) else "",
            "weeks": weeks,
            "first": request.query.get("first", "")[:20],
            "last": request.query.get("last", "")[:20],
            "error": error,
            "digest": shown,
            "chart": chart,
        },
        status=422 if period is None else 200,
    )


@require_member
async def goals(request: web.Request) -> web.StreamResponse:
    try:
        rows = await goals_page(core_of(request), actor_of(request))
    except DatabaseUnavailable as failure:
        raise database_down(request) from failure
    return private_page(
        "member/goals.html",
        request,
        {"title": "My goals", "goals": rows or [], "member": rows is not None},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(DIGEST_PATH, digest)
    app.router.add_get(GOALS_PATH, goals)
