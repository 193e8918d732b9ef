"""My settings: time zone, pause, digest cadence, check-ins and profile. Each form is the
chat command a member would type (`/pln tz`, `/pln pause 2w`, `/pln digest schedule`,
`/pln checkins join`) or the chat's own profile form, so the rules and replies are the chat's."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aiohttp import web

from bot.core.checkins.profile import FORM_ACTION as PROFILE_FORM
from bot.core.membership import ZONE_PICK_ACTION
from bot.core.my_settings import CADENCES, PAUSE_LENGTHS, my_settings
from bot.web.member.core_calls import (
    actor_of,
    core_of,
    private_page,
    read,
    texts,
    type_command,
)
from bot.web.sessions import require_member

SETTINGS_PATH = "/me/settings"
MAX_FIELD = 200
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UnknownChange(ValueError):
    """A settings form the page never shows (a forged or stale post)."""


def settings_command(fields: Mapping[str, str]) -> str:
    """The `/pln` text a settings form stands for; its fields are the command's arguments.

    Only values the page offers become commands: a length from its list, a date as a date,
    a cadence from its list; anything else is UnknownChange, never passed on as typed.
    """
    change = fields.get("change", "")
    value = " ".join(fields.get("value", "").split())[:MAX_FIELD]
    if change == "zone" and value:
        return f"tz {value}"
    if change == "pause":
        if value in PAUSE_LENGTHS:
            return f"pause {value}"
        if value == "":
            return "pause"
        if _ISO_DATE.fullmatch(value):
            return f"pause until {value}"
    if change == "resume":
        return "resume"
    if change == "digest" and value in CADENCES:
        return f"digest schedule {value}"
    if change == "checkins" and value in ("join", "leave"):
        return f"checkins {value}"
    raise UnknownChange(change)


async def _settings_page(
    request: web.Request,
    notices: list[str],
    status: int = 200,
    zones: tuple[tuple[str, str], ...] = (),
) -> web.Response:
    """`zones`: (label, zone) of the chat's zone buttons, when `/pln tz` asked which one."""
    shown = await read(request, my_settings)
    return private_page(
        "member/settings.html",
        request,
        {
            "title": "My settings",
            "settings": shown,
            "notices": notices,
            "lengths": PAUSE_LENGTHS,
            "cadences": CADENCES,
            "zones": zones,
        },
        status,
    )


@require_member
async def settings_page(request: web.Request) -> web.StreamResponse:
    return await _settings_page(request, [])


@require_member
async def change(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    fields = {name: str(form.get(name, ""))[:1_000] for name in form if name != "csrf_token"}
    if fields.get("change") == "profile":
        profile = {name: fields.get(name, "") for name in ("school", "role", "interests")}
        replies = await core_of(request).handle_form(actor_of(request), PROFILE_FORM, "0", profile)
        return await _settings_page(request, texts(replies))
    try:
        command = settings_command(fields)
    except UnknownChange:
        return await _settings_page(request, ["That form is not one this page shows."], 400)
    if command.startswith("tz "):
        # an abbreviation or an offset names several zones: the chat asks with a button
        # each, which here post the zone's own name back (`/pln tz Asia/Kolkata`)
        replies = await core_of(request).handle_command(actor_of(request), command)
        zones = tuple(
            (button.label, button.value)
            for reply in replies
            for button in reply.buttons
            if button.action_id == ZONE_PICK_ACTION
        )
        return await _settings_page(request, texts(replies), zones=zones)
    return await _settings_page(request, await type_command(request, command))


def add_routes(app: web.Application) -> None:
    app.router.add_get(SETTINGS_PATH, settings_page)
    app.router.add_post(SETTINGS_PATH, change)
