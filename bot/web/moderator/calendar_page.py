"""The moderators' calendar page: the next 12 weeks, and planning them.

Every change is a chat command run through the core (bot/web/moderator/chat.py): a new
schedule is written in the chat's grammar and previewed with its next fire times before its
Confirm saves it; pause, resume and cancel; a holiday; an .ics upload previewed before it
is imported. All forms post back to the page's own address, which answers with the page
and the chat's replies on top, so it works without JavaScript.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core import community_calendar
from bot.web.deps import deps_of
from bot.web.moderator import chat
from bot.web.moderator.chat import SCHEDULE_KINDS, PageInputError, PageReply
from bot.web.moderator.pages import actor_of, read
from bot.web.render import page
from bot.web.sessions import require_moderator

CALENDAR_PATH = "/moderator/calendar"
KIND_LABELS = {
    "discussion": "A discussion in a channel",
    "prompt": "The weekly prompt",
    "checkins": "Peer check-in rounds",
}
EXAMPLES = (
    '"Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London',
    '"Budget season" in #pln once 2027-01-12 15:00 Europe/London text "What will you cut?"',
    "every 2 weeks on thu 15:30 (the weekly prompt)",
    "every 2 weeks on mon 10:00 Europe/London (check-ins)",
)


async def _page(
    request: web.Request,
    replies: tuple[PageReply, ...] = (),
    error: str | None = None,
    typed: dict[str, str] | None = None,
    ask_cancel: str | None = None,
) -> web.StreamResponse:
    calendar = await read(request, community_calendar.gather)
    asking = next((s for s in calendar.schedules if str(s.schedule_id) == ask_cancel), None)
    return page(
        "moderator/calendar.html",
        request,
        {
            "title": "Calendar",
            "calendar": calendar,
            "tz": ZoneInfo(calendar.zone),
            "replies": replies,
            "error": error,
            "kinds": [(kind, KIND_LABELS[kind]) for kind in SCHEDULE_KINDS],
            "examples": EXAMPLES,
            "typed": typed or {},
            "asking": asking,  # Cancel asks first, without JavaScript
        },
        status=400 if error else 200,
    )


@require_moderator
async def show(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@require_moderator
async def change(request: web.Request) -> web.StreamResponse:
    """Every form of the page: `do` says which."""
    form = await request.post()
    core, actor = deps_of(request).core, actor_of(request)
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    do = fields.get("do", "")
    try:
        if do == "schedule":
            text = chat.schedule_text(fields.get("kind", ""), fields.get("plan", ""))
            replies = await chat.run(core, actor, text)
        elif do == "press":
            replies = await chat.press(
                core, actor, fields.get("action_id", ""), fields.get("value", "")
            )
        elif do == "ask-cancel":
            chat.change_text("cancel", fields.get("id", ""))  # refuses what is not an id
            return await _page(request, ask_cancel=fields.get("id", ""))
        elif do in chat.CHANGE_VERBS:
            replies = await chat.run(core, actor, chat.change_text(do, fields.get("id", "")))
        elif do == "holiday":
            text = chat.holiday_text(
                fields.get("first", ""), fields.get("last", ""), fields.get("name", "")
            )
            replies = await chat.run(core, actor, text)
        elif do == "remove-holiday":
            replies = await chat.run(core, actor, chat.remove_holiday_text(fields.get("id", "")))
        elif do == "import":
            upload = form.get("calendar")
            if not isinstance(upload, web.FileField):
                raise PageInputError("Choose a calendar file (.ics) to import.")
            attached = chat.calendar_file(upload.filename, upload.file.read())
            replies = await chat.run(core, actor, "holidays import", [attached])
        else:
            raise PageInputError("That form is not one of this page's.")
    except PageInputError as error:
        return await _page(request, error=str(error), typed=fields)
    return await _page(request, replies, typed=fields if do == "schedule" else None)


def add_routes(app: web.Application) -> None:
    app.router.add_get(CALENDAR_PATH, show)
    app.router.add_post(CALENDAR_PATH, change)
