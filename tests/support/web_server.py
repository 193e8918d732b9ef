"""A real web page for tests: bot.web mounted on an aiohttp server on 127.0.0.1:0, with a
real core, database and simulated clock; and how tests sign members in.

The server runs on the test's event loop; tests seed data through `server.core`, exactly as
chat would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import aiohttp
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.ports import Messenger
from bot.core.service import PlnCore
from bot.core.web_sign_in import token_hash
from bot.store.database import Database
from bot.store.web_models import WebSession
from bot.web.app import WebDeps, WebSettings, mount_web
from bot.web.identity import WebIdentity, start_session
from bot.web.links import CHECK_COOKIE, CHECK_FIELD
from bot.web.sessions import COOKIE, COOKIE_SIGNER

TEST_SECRET = "a-test-secret-not-for-production"
CHECK_INPUT = re.compile(r'name="link_check" value="([^"]+)"')
LINK = re.compile(r"(http://\S+/signin/link/[A-Za-z0-9_-]+)")


@dataclass
class WebServer:
    """A running web page: its address, its app and the core behind it."""

    base_url: str
    app: web.Application
    core: PlnCore
    db: Database
    clock: SimulatedClock
    runner: web.AppRunner

    def url(self, path: str) -> str:
        return self.base_url + path

    async def stop(self) -> None:
        await self.runner.cleanup()


@dataclass(frozen=True)
class SignedIn:
    """A member with a session: the cookie to send and the CSRF token its forms carry."""

    actor: Actor
    cookie: str
    csrf_token: str

    @property
    def cookies(self) -> dict[str, str]:
        return {COOKIE: self.cookie}


async def start_web_server(
    db: Database,
    clock: SimulatedClock,
    messenger: Messenger,
    config: CoreConfig,
    settings: WebSettings | None = None,
) -> WebServer:
    core = PlnCore(db, clock, messenger, config)
    app = web.Application()
    mount_web(app, WebDeps(core, db, clock, settings or WebSettings(secret=TEST_SECRET)))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base_url = f"http://127.0.0.1:{port}"
    core.config = replace(core.config, web_base_url=base_url)
    return WebServer(base_url, app, core, db, clock, runner)


async def member_session(server: WebServer, actor: Actor, *, join: bool = True) -> SignedIn:
    """Join `actor` (unless already done) and sign them in as a link or OAuth would."""
    if join:
        await server.core.handle_command(actor, "join")
    identity = WebIdentity(
        actor.community.platform,
        actor.community.external_id,
        actor.user_id,
        actor.display_name,
        actor.platform_admin,
    )
    cookie = await start_session(server.app, identity)
    return SignedIn(actor, cookie, await csrf_token_of(server, cookie))


async def csrf_token_of(server: WebServer, cookie: str) -> str:
    """The CSRF token of the session behind `cookie` (as its pages' forms carry it)."""
    session_id = await server.app[COOKIE_SIGNER].unsign(cookie)
    assert session_id is not None

    async def read(session: AsyncSession) -> str:
        found = await session.scalar(
            select(WebSession.csrf_token).where(WebSession.id_hash == token_hash(session_id))
        )
        assert found is not None
        return found

    return await server.db.run(read)


async def sign_in_link(server: WebServer, actor: Actor) -> str:
    """The link `/pln web` gives `actor` (who must have joined)."""
    replies = await server.core.handle_command(actor, "web")
    found = LINK.search(" ".join(reply.text for reply in replies))
    assert found is not None, replies
    return found.group(1)


@dataclass(frozen=True)
class LinkUsed:
    """What pressing Sign in on a link's page answered: the status, where it sends the
    browser, and the session cookie it set (None when refused)."""

    status: int
    location: str
    cookie: str | None


async def press_sign_in(client: aiohttp.ClientSession, link: str) -> LinkUsed:
    """As a browser does: open the link's page (its check cookie and form field), then
    press Sign in. `client` keeps no cookies (aiohttp.DummyCookieJar): they are sent here."""
    async with client.get(link, allow_redirects=False) as shown:
        assert shown.status == 200, await shown.text()
        check = shown.cookies[CHECK_COOKIE].value
        found = CHECK_INPUT.search(await shown.text())
        assert found is not None and found.group(1) == check
    async with client.post(
        link,
        data={CHECK_FIELD: check},
        cookies={CHECK_COOKIE: check},
        allow_redirects=False,
    ) as used:
        session = used.cookies.get(COOKIE)
        return LinkUsed(
            used.status, used.headers.get("Location", ""), session.value if session else None
        )
