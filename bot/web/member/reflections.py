"""My reflections: every answer and note (searchable, with its prompt and date), and for
each one edit, delete (after the chat's own confirmation), share and unshare."""

from __future__ import annotations

from aiohttp import web

from bot.core.commands.data_commands import DeleteAnswer, Share, Unshare
from bot.core.my_reflections import (
    ReflectionEntry,
    edit_and_take_down,
    my_reflection,
    my_reflections,
)
from bot.store.database import DatabaseUnavailable
from bot.web.member.core_calls import (
    actor_of,
    core_of,
    database_down,
    not_found,
    private_page,
    read,
    run,
)
from bot.web.sessions import require_member

LIST_PATH = "/me/reflections"
ENTRY_PATH = LIST_PATH + "/{number:\\d{1,9}}"
MAX_SEARCH = 200


def _number(request: web.Request) -> int:
    return int(request.match_info["number"])


async def _entry_or_404(request: web.Request, number: int) -> ReflectionEntry:
    entry = await read(request, lambda ctx: my_reflection(ctx, number))
    if entry is None:
        # another member's number reads exactly like one that does not exist
        raise not_found(request, f"There is no #{number} of yours.")
    return entry


async def _list(request: web.Request, notices: list[str], status: int = 200) -> web.Response:
    search = request.query.get("q", "")[:MAX_SEARCH].strip()
    entries = await read(request, lambda ctx: my_reflections(ctx, search))
    return private_page(
        "member/reflections.html",
        request,
        {"title": "My reflections", "entries": entries, "search": search, "notices": notices},
        status,
    )


@require_member
async def list_page(request: web.Request) -> web.StreamResponse:
    return await _list(request, [])


@require_member
async def edit_page(request: web.Request) -> web.StreamResponse:
    entry = await _entry_or_404(request, _number(request))
    return private_page(
        "member/edit.html",
        request,
        {"title": f"Edit #{entry.number}", "entry": entry, "parts": entry.parts, "notices": []},
    )


@require_member
async def edit_submit(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    form = await request.post()
    parts = [str(value) for value in form.getall("part", [])]
    try:
        core = core_of(request)
        edited = await edit_and_take_down(
            core.with_context, core.messenger, actor_of(request), number, parts
        )
    except DatabaseUnavailable as error:
        raise database_down(request) from error
    if edited.saved:
        also = [edited.also.text] if edited.also is not None else []
        return await _list(request, [edited.reply.text, *also])
    entry = await _entry_or_404(request, number)
    # refused: the form again, with what they typed, so nothing they wrote is lost
    return private_page(
        "member/edit.html",
        request,
        {
            "title": f"Edit #{number}",
            "entry": entry,
            "parts": parts,
            "notices": [edited.reply.text],
        },
        status=422,
    )


@require_member
async def delete_page(request: web.Request) -> web.StreamResponse:
    """The chat's confirmation ("Delete #12? It is gone for good..."), then a button."""
    number = _number(request)
    entry = await _entry_or_404(request, number)
    said = await run(request, DeleteAnswer(number, confirmed=False))
    return private_page(
        "member/delete.html",
        request,
        {"title": f"Delete #{number}?", "entry": entry, "notices": said},
    )


@require_member
async def delete_submit(request: web.Request) -> web.StreamResponse:
    return await _list(request, await run(request, DeleteAnswer(_number(request), confirmed=True)))


@require_member
async def share_submit(request: web.Request) -> web.StreamResponse:
    return await _list(request, await run(request, Share(_number(request))))


@require_member
async def unshare_submit(request: web.Request) -> web.StreamResponse:
    return await _list(request, await run(request, Unshare(_number(request))))


def add_routes(app: web.Application) -> None:
    app.router.add_get(LIST_PATH, list_page)
    app.router.add_get(ENTRY_PATH + "/edit", edit_page)
    app.router.add_post(ENTRY_PATH + "/edit", edit_submit)
    app.router.add_get(ENTRY_PATH + "/delete", delete_page)
    app.router.add_post(ENTRY_PATH + "/delete", delete_submit)
    app.router.add_post(ENTRY_PATH + "/share", share_submit)
    app.router.add_post(ENTRY_PATH + "/unshare", unshare_submit)
