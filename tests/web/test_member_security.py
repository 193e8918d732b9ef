"""Every member route (`/me/...`) against everyone who must get nothing of alice's: signed
out, a forged cookie, a session replayed after signing out, a POST without the CSRF token,
and a moderator of another community (who sees only their own, empty, pages).

A table over the app's own routes: a new member route that is not in it fails the test.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import aiohttp

from bot.core.actors import CommunityRef
from bot.core.runner import Runner
from tests.support.actors import member
from tests.support.web_server import SignedIn, WebServer, member_session

ALICE = member("alice")
OTHER_MODERATOR = dataclasses.replace(
    member("mod", CommunityRef("console", "elsewhere", "Elsewhere")), platform_admin=True
)
SECRET = "Quokkaville trolley secret"

GETS = (
    "/me/reflections",
    "/me/reflections/1/edit",
    "/me/reflections/1/delete",
    "/me/digest",
    "/me/goals",
    "/me/settings",
    "/me/data",
    "/me/export/md",
    "/me/export/json",
    "/me/erase",
)
POSTS = (
    "/me/reflections/1/edit",
    "/me/reflections/1/delete",
    "/me/reflections/1/share",
    "/me/reflections/1/unshare",
    "/me/settings",
    "/me/erase",
)


def member_routes(server: WebServer) -> set[tuple[str, str]]:
    """(method, path with 1 for a number, md|json for a kind) of every /me/ route."""
    found = set()
    for route in server.app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if not path.startswith("/me/") or route.method == "HEAD":
            continue
        path = path.replace("{number}", "1")
        for kind in ("md", "json") if "{kind}" in path else ("",):
            found.add((route.method, path.replace("{kind}", kind)))
    return found


async def alices_week(server: WebServer) -> SignedIn:
    await server.core.handle_command(ALICE, "join")
    await Runner(server.core).advance(timedelta(days=7))
    await server.core.handle_message(ALICE, SECRET)
    return await member_session(server, ALICE, join=False)


async def status_of(
    client: aiohttp.ClientSession,
    server: WebServer,
    method: str,
    path: str,
    cookies: dict[str, str],
    data: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    async with client.request(
        method, server.url(path), cookies=cookies, data=data, allow_redirects=False
    ) as response:
        body = await response.text(errors="replace")
        return response.status, response.headers.get("Location", ""), body


async def test_the_table_covers_every_member_route(web_server: WebServer) -> None:
    expected = {("GET", path) for path in GETS} | {("POST", path) for path in POSTS}
    assert member_routes(web_server) == expected


async def test_nobody_but_alice_gets_anything_of_hers(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice = await alices_week(web_server)
    forged = {"pln_session": "forged.cookie-value"}
    replayed = await member_session(web_server, ALICE, join=False)
    await status_of(
        web_client,
        web_server,
        "POST",
        "/signout",
        replayed.cookies,
        {"csrf_token": replayed.csrf_token},
    )
    for who, cookies in (("signed out", {}), ("forged", forged), ("replayed", replayed.cookies)):
        for method, path in [("GET", p) for p in GETS] + [("POST", p) for p in POSTS]:
            status, location, _ = await status_of(web_client, web_server, method, path, cookies)
            assert (status, location) == (303, "/signin"), (who, method, path)

    for path in POSTS:  # alice herself, without the form's token
        status, _, _ = await status_of(web_client, web_server, "POST", path, alice.cookies)
        assert status == 403, path

    other = await member_session(web_server, OTHER_MODERATOR)
    for path in GETS:
        status, _, body = await status_of(web_client, web_server, "GET", path, other.cookies)
        assert SECRET not in body, path
        assert status in (200, 404), path
    for path in POSTS:
        data = {"csrf_token": other.csrf_token, "part": "taken over", "change": "resume"}
        _, _, body = await status_of(web_client, web_server, "POST", path, other.cookies, data)
        assert SECRET not in body, path

    # alice's words are all still hers, unchanged, and still private
    _, _, body = await status_of(web_client, web_server, "GET", "/me/reflections", alice.cookies)
    assert SECRET in body and "taken over" not in body and "Share with the PLN #1" in body
