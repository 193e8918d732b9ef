"""My data: the export download (the very files `/pln export` gives, Markdown and JSON) and
erase me (the chat's confirmation, then `/pln forget-me confirm`, then signed out)."""

from __future__ import annotations

from aiohttp import web

from bot.core.commands.data_commands import Export, ForgetMe
from bot.core.context import Context
from bot.core.messages import Attachment
from bot.core.replies import DATABASE_DOWN
from bot.web.member.core_calls import actor_of, core_of, private_page, read, run
from bot.web.sessions import COOKIE, require_member

DATA_PATH = "/me/data"
EXPORT_PATH = "/me/export/{kind:md|json}"
ERASE_PATH = "/me/erase"
MEDIA = {"md": "text/markdown", "json": "application/json"}


@require_member
async def data_page(request: web.Request) -> web.StreamResponse:
    return private_page("member/data.html", request, {"title": "My data", "notices": []})


@require_member
async def export(request: web.Request) -> web.StreamResponse:
    """A download of one of the export's two files, exactly as chat attaches it."""
    media = MEDIA[request.match_info["kind"]]
    replies = await core_of(request).run_command(actor_of(request), Export())
    files: list[Attachment] = [file for reply in replies for file in reply.files]
    found = next((file for file in files if file.mime_type == media), None)
    if found is None:  # never joined, or the database is down: the chat's words
        return private_page(
            "member/data.html",
            request,
            {"title": "My data", "notices": [reply.text for reply in replies]},
            status=503 if any(reply.text == DATABASE_DOWN.text for reply in replies) else 404,
        )
    return web.Response(
        body=found.content,
        content_type=media,
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "no-store",
        },
    )


@require_member
async def erase_page(request: web.Request) -> web.StreamResponse:
    """The chat's own confirmation: how much would go, and the button."""
    said = await run(request, ForgetMe(confirmed=False))
    return private_page(
        "member/erase.html", request, {"title": "Erase everything?", "notices": said}
    )


async def _gone(ctx: Context) -> bool:
    """Whether the member is gone: the erasure ran (the reply says how it went)."""
    return ctx.member is None


@require_member
async def erase(request: web.Request) -> web.StreamResponse:
    said = await run(request, ForgetMe(confirmed=True))
    if not await read(request, _gone):
        return private_page(
            "member/erase.html", request, {"title": "Erase everything?", "notices": said}
        )
    # the member is gone, and their sessions with them: no navigation, no way back in
    response = private_page(
        "member/erased.html",
        request,
        {"title": "Erased", "notices": said, "web_session": None, "nav": [], "csrf_token": ""},
    )
    response.del_cookie(COOKIE, path="/")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(DATA_PATH, data_page)
    app.router.add_get(EXPORT_PATH, export)
    app.router.add_get(ERASE_PATH, erase_page)
    app.router.add_post(ERASE_PATH, erase)
