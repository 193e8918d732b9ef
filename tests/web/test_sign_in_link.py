"""Signing in with a `/pln web` link, sessions and sign-out, over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.service import PlnCore
from bot.core.web_sign_in import WEB_OFF
from bot.store.models import Member
from bot.store.web_models import WebSession, WebSignInLink
from bot.web.links import CHECK_COOKIE, CHECK_FIELD
from bot.web.security import HEADERS
from bot.web.sessions import COOKIE
from tests.support.actors import member
from tests.support.web_server import WebServer, member_session, press_sign_in, sign_in_link

ALICE = member("alice")


async def _get(
    client: aiohttp.ClientSession, url: str, cookie: str | None = None
) -> aiohttp.ClientResponse:
    cookies = {COOKIE: cookie} if cookie else None
    async with client.get(url, allow_redirects=False, cookies=cookies) as response:
        await response.read()
        return response


async def test_a_link_signs_its_member_in_once(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    await web_server.core.handle_command(ALICE, "join")
    link = await sign_in_link(web_server, ALICE)

    shown = await _get(web_client, link)
    assert shown.status == 200
    assert "Sign in" in await shown.text()
    again = await _get(web_client, link)  # a link preview's GET does not use it up
    assert again.status == 200

    shown = await _get(web_client, link)
    check = shown.cookies[CHECK_COOKIE]
    assert check["httponly"] and check["samesite"] == "Strict"
    form = {CHECK_FIELD: check.value}
    async with web_client.post(
        link, data=form, cookies={CHECK_COOKIE: check.value}, allow_redirects=False
    ) as used:
        assert used.status == 303
        assert used.headers["Location"] == "/"
        cookie = used.cookies[COOKIE]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert not cookie["secure"]  # plain http on 127.0.0.1
    home = await _get(web_client, web_server.url("/"), cookie.value)
    assert home.status == 200
    assert "alice" in await home.text()

    replayed = await press_sign_in_refused(web_client, link, check.value)
    assert replayed.status == 403
    assert "expired or was already used" in await replayed.text()
    assert COOKIE not in replayed.cookies


async def press_sign_in_refused(
    client: aiohttp.ClientSession, link: str, check: str
) -> aiohttp.ClientResponse:
    async with client.post(
        link, data={CHECK_FIELD: check}, cookies={CHECK_COOKIE: check}, allow_redirects=False
    ) as response:
        await response.read()
        return response


async def test_another_sites_form_cannot_use_a_link(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    """Login CSRF: a page elsewhere posting to someone's link (without the check its own
    page set) signs nobody in and leaves the link working."""
    await web_server.core.handle_command(ALICE, "join")
    link = await sign_in_link(web_server, ALICE)
    for data, cookies in (
        (None, None),
        ({CHECK_FIELD: "guess"}, None),
        ({CHECK_FIELD: "guess"}, {CHECK_COOKIE: "other"}),
        (None, {CHECK_COOKIE: "guess"}),
    ):
        async with web_client.post(
            link, data=data, cookies=cookies, allow_redirects=False
        ) as refused:
            assert refused.status == 403
            assert COOKIE not in refused.cookies
            assert "Open the link again" in await refused.text()

    used = await press_sign_in(web_client, link)
    assert (used.status, used.location) == (303, "/")
    assert used.cookie is not None


async def test_an_expired_link_is_refused(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    await web_server.core.handle_command(ALICE, "join")
    link = await sign_in_link(web_server, ALICE)
    web_server.clock.advance(timedelta(minutes=10, seconds=1))

    assert (await _get(web_client, link)).status == 403
    response = await press_sign_in_refused(web_client, link, "a-check")
    assert response.status == 403
    assert "expired or was already used" in await response.text()
    assert COOKIE not in response.cookies


async def test_an_unknown_link_is_refused(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    url = web_server.url("/signin/link/not-a-token")
    assert (await _get(web_client, url)).status == 403
    response = await press_sign_in_refused(web_client, url, "a-check")
    assert response.status == 403


async def test_only_members_get_a_link_and_only_the_hash_is_stored(web_server: WebServer) -> None:
    replies = await web_server.core.handle_command(ALICE, "web")
    assert "join" in replies[0].text.lower()
    await web_server.core.handle_command(ALICE, "join")
    link = await sign_in_link(web_server, ALICE)
    token = link.rsplit("/", 1)[1]

    async def stored(session: AsyncSession) -> list[str]:
        return list((await session.scalars(select(WebSignInLink.token_hash))).all())

    hashes = await web_server.db.run(stored)
    assert len(hashes) == 1
    assert token not in hashes[0]


async def test_without_a_base_url_the_command_says_the_page_is_off(core: PlnCore) -> None:
    await core.handle_command(ALICE, "join")
    replies = await core.handle_command(ALICE, "web")
    assert [reply.text for reply in replies] == [WEB_OFF.text]


async def test_signed_out_visitors_go_to_the_sign_in_page(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    home = await _get(web_client, web_server.url("/"))
    assert home.status == 303
    assert home.headers["Location"] == "/signin"
    signin = await _get(web_client, web_server.url("/signin"))
    assert signin.status == 200
    text = await signin.text()
    assert "/pln web" in text
    assert "Sign in with Slack" not in text  # no OAuth client configured


async def test_a_forged_cookie_is_a_signed_out_visitor(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    signed = await member_session(web_server, ALICE)
    session_id = signed.cookie.rsplit(".", 1)[0]
    for forged in (session_id, f"{session_id}.forged", "x" * 40, signed.cookie + "a"):
        response = await _get(web_client, web_server.url("/"), forged)
        assert response.status == 303, forged


async def test_sign_out_needs_the_csrf_token_and_ends_the_session(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    signed = await member_session(web_server, ALICE)
    url = web_server.url("/signout")

    async with web_client.post(url, cookies=signed.cookies, allow_redirects=False) as refused:
        assert refused.status == 403
    async with web_client.post(
        url, cookies=signed.cookies, data={"csrf_token": "wrong"}, allow_redirects=False
    ) as refused:
        assert refused.status == 403
    assert (await _get(web_client, web_server.url("/"), signed.cookie)).status == 200

    async with web_client.post(
        url, cookies=signed.cookies, data={"csrf_token": signed.csrf_token}, allow_redirects=False
    ) as done:
        assert done.status == 303
        assert done.headers["Location"] == "/signin"
    replayed = await _get(web_client, web_server.url("/"), signed.cookie)
    assert replayed.status == 303


async def test_a_session_ends_after_eight_hours_and_when_the_member_leaves(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    signed = await member_session(web_server, ALICE)
    web_server.clock.advance(timedelta(hours=7, minutes=59))
    assert (await _get(web_client, web_server.url("/"), signed.cookie)).status == 200
    web_server.clock.advance(timedelta(minutes=2))
    assert (await _get(web_client, web_server.url("/"), signed.cookie)).status == 303

    bob = member("bob")
    signed = await member_session(web_server, bob)
    await web_server.core.handle_command(bob, "leave")
    assert (await _get(web_client, web_server.url("/"), signed.cookie)).status == 303


async def test_every_answer_carries_the_security_headers(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    signed = await member_session(web_server, ALICE)
    for path, cookie in (("/", signed.cookie), ("/", None), ("/signin", None),
                         ("/static/style.css", None), ("/no-such-page", None)):  # fmt: skip
        response = await _get(web_client, web_server.url(path), cookie)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
    assert "unsafe-inline" not in HEADERS["Content-Security-Policy"]


async def test_erasing_the_member_ends_their_sessions(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    signed = await member_session(web_server, ALICE)
    await web_server.core.handle_command(ALICE, "forget-me confirm")

    assert (await _get(web_client, web_server.url("/"), signed.cookie)).status == 303


async def test_dead_sessions_and_links_are_forgotten_at_the_next_sign_in(
    web_server: WebServer,
) -> None:
    await member_session(web_server, ALICE)
    await sign_in_link(web_server, ALICE)
    web_server.clock.advance(timedelta(hours=8, seconds=1))
    await member_session(web_server, member("bob"))

    async def count(session: AsyncSession) -> tuple[int, int]:
        sessions = await session.scalar(select(func.count()).select_from(WebSession))
        links = await session.scalar(select(func.count()).select_from(WebSignInLink))
        return int(sessions or 0), int(links or 0)

    assert await web_server.db.run(count) == (1, 0)  # bob's session only


async def test_the_moderator_rule_is_asked_on_every_request(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    """PLN_MODERATORS, then a moderator added in chat, then removed: each on the next request."""
    mod, alice = member("mod"), ALICE
    await web_server.core.handle_command(mod, "join")
    signed = await member_session(web_server, alice)
    home = web_server.url("/")
    assert "as a moderator" not in await _text(web_client, home, signed.cookie)

    await web_server.core.handle_command(mod, "moderators add @alice")
    assert "as a moderator" in await _text(web_client, home, signed.cookie)
    await web_server.core.handle_command(mod, "moderators remove @alice")
    assert "as a moderator" not in await _text(web_client, home, signed.cookie)


async def test_looking_at_a_page_changes_nothing_about_the_member(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    signed = await member_session(web_server, ALICE)
    gone = web_server.clock.now()

    async def mark(session: AsyncSession) -> None:
        await session.execute(
            update(Member).where(Member.platform_user_id == "alice").values(unreachable_at=gone)
        )

    async def unreachable(session: AsyncSession) -> object:
        return await session.scalar(
            select(Member.unreachable_at).where(Member.platform_user_id == "alice")
        )

    await web_server.db.run(mark)
    assert (await _get(web_client, web_server.url("/"), signed.cookie)).status == 200
    assert await web_server.db.run(unreachable) == gone  # a page view is no DM to the bot


async def _text(client: aiohttp.ClientSession, url: str, cookie: str) -> str:
    async with client.get(url, cookies={COOKIE: cookie}, allow_redirects=False) as response:
        assert response.status == 200
        return await response.text()
