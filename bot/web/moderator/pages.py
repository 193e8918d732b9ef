"""The moderators' pages other than the calendar: overview, discussions, check-ins, audit
log and settings. Moderators of this community only (`require_moderator`, and the core
checks again when it reads); counts and titles, never what a member wrote."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web

from bot.core import community_activity, community_members, community_overview
from bot.core.actors import Actor
from bot.core.community_overview import CommunityOverview
from bot.core.context import Context
from bot.core.page_access import ModeratorsOnly
from bot.core.stats import checkin_line
from bot.core.stats_chart import stats_figure
from bot.web.deps import deps_of
from bot.web.inline_svg import figure_svg
from bot.web.moderator import chat, settings
from bot.web.moderator.chat import PageInputError, PageReply
from bot.web.render import page
from bot.web.sessions import current_session, forbidden, require_moderator

T = TypeVar("T")

OVERVIEW_PATH = "/moderator"
DISCUSSIONS_PATH = "/moderator/discussions"
CHECKINS_PATH = "/moderator/checkins"
AUDIT_PATH = "/moderator/audit"
SETTINGS_PATH = "/moderator/settings"
AUDIT_ROWS = 100
CHART_TITLE = "Prompts per week and the response rate, and framework coverage"


async def read(request: web.Request, work: Callable[[Context], Awaitable[T]]) -> T:
    """One unit of work as the signed-in moderator; the core's own refusal is a 403."""
    session = current_session(request)
    assert session is not None, "checked by require_moderator"
    try:
        return await deps_of(request).core.with_context(session.actor, work)
    except ModeratorsOnly:
        raise forbidden(request, "This page is for the community's moderators.") from None


def actor_of(request: web.Request) -> Actor:
    session = current_session(request)
    assert session is not None, "checked by require_moderator"
    return session.actor


def chart_description(overview: CommunityOverview) -> str:
    figures = overview.figures
    rate = f"{overview.rate}%" if overview.rate is not None else "no prompts yet"
    return (
        f"{figures.sent} prompts sent in the last {len(figures.weeks)} weeks, "
        f"{figures.answered} answered: {rate}. Trend: {overview.trend}. "
        f"{overview.elements_touched} of {overview.elements} framework elements answered by "
        "someone. The table below gives every week's figures."
    )


@require_moderator
async def overview(request: web.Request) -> web.StreamResponse:
    found = await read(request, community_overview.gather)
    figure = await asyncio.to_thread(stats_figure, found.figures)
    chart = await asyncio.to_thread(
        figure_svg, figure, CHART_TITLE, chart_description(found), "overview-chart"
    )
    checkins = found.figures.checkins
    return page(
        "moderator/overview.html",
        request,
        {
            "title": "Community overview",
            "overview": found,
            "chart": chart,  # built from numbers only, no text from anyone: safe to inline
            "checkins": checkin_line(checkins) if checkins is not None else None,
        },
    )


@require_moderator
async def discussions(request: web.Request) -> web.StreamResponse:
    rows = await read(request, community_activity.discussions)
    return page(
        "moderator/discussions.html", request, {"title": "Discussions", "discussions": rows}
    )


@require_moderator
async def checkins(request: web.Request) -> web.StreamResponse:
    rounds = await read(request, community_activity.checkin_rounds)
    return page("moderator/checkins.html", request, {"title": "Check-in rounds", "rounds": rounds})


@require_moderator
async def audit(request: web.Request) -> web.StreamResponse:
    (shown, *_) = await chat.run(deps_of(request).core, actor_of(request), f"audit {AUDIT_ROWS}")
    return page("moderator/audit.html", request, {"title": "Audit log", "audit": shown})


async def _settings_page(
    request: web.Request, replies: tuple[PageReply, ...] = (), error: str | None = None
) -> web.StreamResponse:
    views = await settings.show(deps_of(request).core, actor_of(request))
    members = await read(request, community_members.member_choices)
    return page(
        "moderator/settings.html",
        request,
        {
            "title": "Community settings",
            "settings": views,
            "members": members,
            "replies": replies,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_moderator
async def show_settings(request: web.Request) -> web.StreamResponse:
    return await _settings_page(request)


@require_moderator
async def change_settings(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    core, actor = deps_of(request).core, actor_of(request)
    try:
        if form.get("do") == "moderator":
            text = settings.moderator_text(
                str(form.get("verb", "")), actor.community.platform, str(form.get("member", ""))
            )
            replies = await chat.run(core, actor, text)
        elif form.get("do") == "press":
            replies = await chat.press(
                core, actor, str(form.get("action_id", "")), str(form.get("value", ""))
            )
        else:
            text = settings.change_text(str(form.get("setting", "")), str(form.get("value", "")))
            replies = await chat.run(core, actor, text)
    except PageInputError as error:
        return await _settings_page(request, error=str(error))
    return await _settings_page(request, replies)


def add_routes(app: web.Application) -> None:
    app.router.add_get(OVERVIEW_PATH, overview)
    app.router.add_get(DISCUSSIONS_PATH, discussions)
    app.router.add_get(CHECKINS_PATH, checkins)
    app.router.add_get(AUDIT_PATH, audit)
    app.router.add_get(SETTINGS_PATH, show_settings)
    app.router.add_post(SETTINGS_PATH, change_settings)
