"""Every route of the web page against everyone who must get nothing from it.

The routes are read from the mounted app, so a page added later is in the table without
anyone listing it; a page whose handler does not say who it is for (`@public`,
`@require_member`, `@require_moderator`) fails the first test. For each route:

| who                                  | member pages        | moderator pages     |
| ------------------------------------ | ------------------- | ------------------- |
| signed out                           | sign-in page        | sign-in page        |
| forged cookie                        | sign-in page        | sign-in page        |
| replayed session after sign-out      | sign-in page        | sign-in page        |
| a member (not a moderator)           | their own only      | 403                 |
| another community's moderator        | nothing of ours     | nothing of ours     |
| any POST without the CSRF token      | 403                 | 403                 |

"Nothing of ours": no page shows the planted private answer or our member's name. And no
moderator page shows the planted answer to our own moderator either.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from aiohttp import web
from aiohttp.web_urldispatcher import StaticResource

from bot.core.actors import CommunityRef
from bot.web.security import HEADERS
from bot.web.sessions import COOKIE, access_of
from tests.support.actors import member
from tests.support.web_server import SignedIn, WebServer, member_session

PLANTED = "PLANTED-PRIVATE-PHRASE-7Q"
ALICE = member("alicia")  # a member of our community (console), not a moderator
MOD = member("mod")  # our moderator (PLN_MODERATORS console:mod)
OTHER = CommunityRef("slack", "T0OTHER", "Other school")
OLGA = member("olga", OTHER, platform_admin=True)  # the other community's moderator
PARAMETER = re.compile(r"\{[^}]+\}")
# values tried for a route's parameters, first match wins: ids, numbers, kinds of file
CANDIDATES = ("1", "md", "json", "a")
PROTECTED = ("member", "moderator")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with every {parameter} filled in
    access: str | None


def _filled(resource: web.AbstractResource) -> str:
    """The resource's path with a value its pattern accepts for every parameter."""
    info = resource.get_info()
    if "formatter" not in info:
        return resource.canonical
    names = PARAMETER.findall(info["formatter"])
    for values in itertools.product(CANDIDATES, repeat=len(names)):
        filled = {name[1:-1]: value for name, value in zip(names, values, strict=True)}
        path = str(info["formatter"]).format(**filled)
        if info["pattern"].fullmatch(path):
            return path
    raise AssertionError(f"add a value {resource.canonical} accepts to CANDIDATES")


def routes(app: web.Application) -> list[Route]:
    found = []
    for resource in app.router.resources():
        if isinstance(resource, StaticResource):
            continue
        path = _filled(resource)
        for route in resource:
            if route.method != "HEAD":
                found.append(Route(route.method, path, access_of(route.handler)))
    return found


async def _request(
    client: aiohttp.ClientSession, server: WebServer, route: Route, cookie: str | None,
    data: dict[str, str] | None = None,
) -> tuple[int, str, str]:  # fmt: skip
    cookies = {COOKIE: cookie} if cookie else None
    async with client.request(
        route.method, server.url(route.path), cookies=cookies, data=data, allow_redirects=False
    ) as response:
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (route, name)
        return response.status, response.headers.get("Location", ""), await response.text()


async def _plant(server: WebServer) -> None:
    """Our member writes a private note, then answers Monday's prompt, both planted."""
    await server.core.handle_command(ALICE, "join")
    replies = await server.core.handle_message(ALICE, f"{PLANTED} in a note")
    assert "private note" in replies[0].text
    server.clock.advance(timedelta(days=3))  # Monday 23 November, 10:00: the prompt is out
    await server.core.run_due_work()
    replies = await server.core.handle_message(ALICE, f"{PLANTED} in an answer")
    assert "Saved as your answer" in replies[0].text


def test_every_page_says_who_it_is_for(web_server: WebServer) -> None:
    undeclared = [route for route in routes(web_server.app) if route.access is None]
    assert undeclared == [], "decorate with @public, @require_member or @require_moderator"


async def test_signed_out_forged_and_replayed_sessions_get_the_sign_in_page(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    await _plant(web_server)
    alice = await member_session(web_server, ALICE, join=False)
    signed_out = await member_session(web_server, ALICE, join=False)
    async with web_client.post(
        web_server.url("/signout"),
        cookies=signed_out.cookies,
        data={"csrf_token": signed_out.csrf_token},
        allow_redirects=False,
    ) as response:
        assert response.status == 303
    forged = [
        "",
        "garbage",
        alice.cookie.rsplit(".", 1)[0],  # the id without its signature
        alice.cookie.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ]

    checked = 0
    for route in routes(web_server.app):
        if route.access not in PROTECTED:
            continue
        for cookie in [*forged, signed_out.cookie]:
            status, location, body = await _request(web_client, web_server, route, cookie or None)
            assert (status, location) == (303, "/signin"), (route, cookie)
            assert PLANTED not in body
            checked += 1
    assert checked >= 5


async def test_members_get_403_on_moderator_pages_and_never_see_another_community(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    await _plant(web_server)
    alice = await member_session(web_server, ALICE, join=False)
    mod = await member_session(web_server, MOD)
    olga = await member_session(web_server, OLGA)

    for route in routes(web_server.app):
        if route.access not in PROTECTED or route.method != "GET":
            continue
        if route.access == "moderator":
            status, _, body = await _request(web_client, web_server, route, alice.cookie)
            assert status == 403, route
            assert PLANTED not in body
            status, _, body = await _request(web_client, web_server, route, mod.cookie)
            assert status < 500, route
            assert PLANTED not in body, f"{route.path} shows a member's private answer"
        status, _, body = await _request(web_client, web_server, route, olga.cookie)
        assert status < 500, route
        assert PLANTED not in body, route
        assert ALICE.display_name not in body, route


async def test_a_post_without_the_csrf_token_is_refused(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    await _plant(web_server)
    alice = await member_session(web_server, ALICE, join=False)
    mod = await member_session(web_server, MOD)
    posts = [r for r in routes(web_server.app) if r.method == "POST" and r.access in PROTECTED]
    assert any(route.path == "/signout" for route in posts)

    for route in posts:
        signed: SignedIn = mod if route.access == "moderator" else alice
        for data in (None, {"csrf_token": ""}, {"csrf_token": alice.csrf_token + "x"}):
            status, _, _ = await _request(web_client, web_server, route, signed.cookie, data)
            assert status == 403, (route, data)
        if signed is mod:  # another member's token is not this session's
            status, _, _ = await _request(
                web_client, web_server, route, mod.cookie, {"csrf_token": alice.csrf_token}
            )
            assert status == 403, route
    # still signed in: nothing above ran
    status, _, _ = await _request(web_client, web_server, Route("GET", "/", "member"), alice.cookie)
    assert status == 200
