"""In headless Chromium: "Sign in with Slack" and "Sign in with Discord" from the sign-in
page, through the stand-ins' authorize pages and back, land a member on home."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.store.database import Database
from bot.web.deps import WebSettings
from bot.web.oauth.discord import MANAGE_GUILD
from tests.support.discord_standin.plugin import running_discord_standin
from tests.support.discord_standin.server import DiscordStandIn
from tests.support.messenger import RecordingMessenger
from tests.support.slack_standin import SlackStandIn
from tests.support.slack_standin.plugin import running_slack_standin
from tests.support.web_browser import BROWSER_TEST
from tests.support.web_server import TEST_SECRET, WebServer, start_web_server
from tests.web.oauth_support import CLIENT_ID, CLIENT_SECRET

pytestmark = BROWSER_TEST

GUILD = "900000000000000001"
SECOND_GUILD = "900000000000000002"
GRACE = "100000000000000002"
OWNER = "100000000000000001"
MANAGER = "100000000000000003"
ADA = Actor(CommunityRef("slack", "T1"), "U1", "Ada Lovelace")
MANAGER_ACTOR = Actor(CommunityRef("discord", GUILD), MANAGER, "Margaret")


@dataclass
class OAuthSite:
    server: WebServer
    slack: SlackStandIn
    discord: DiscordStandIn


@pytest_asyncio.fixture(loop_scope="session")
async def site(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[OAuthSite]:
    """The web page with both sign-ins pointed at stand-ins, on the browser's loop."""
    path = tmp_path / "pln-bot.db"
    shutil.copyfile(sqlite_template, path)
    clock = SimulatedClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with running_slack_standin() as slack, running_discord_standin() as discord:
        settings = WebSettings(
            secret=TEST_SECRET,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_api_url=slack.base_url,
            discord_client_id=CLIENT_ID,
            discord_client_secret=CLIENT_SECRET,
            discord_api_url=discord.api_url,
            discord_bot_token="bot-token",
        )
        server = await start_web_server(db, clock, RecordingMessenger(), CoreConfig(), settings)
        slack.openid.set_clock(lambda: clock.now().timestamp())
        slack.openid.register_app(CLIENT_ID, CLIENT_SECRET, server.url("/signin/slack/callback"))
        discord.oauth.register_app(CLIENT_ID, CLIENT_SECRET, server.url("/signin/discord/callback"))
        yield OAuthSite(server, slack, discord)
        await server.stop()
    await db.dispose()


async def test_sign_in_with_slack(
    page: Any,
    site: OAuthSite,
    axe: Callable[[Any], Awaitable[None]],
    screenshot: Callable[[Any, str], Awaitable[Path]],
) -> None:
    await site.server.core.handle_command(ADA, "join")
    site.slack.add_user("U1", "Ada Lovelace", team_id="T1")
    site.slack.openid.sign_in_as("U1")

    await page.goto(site.server.url("/signin/slack/callback?code=stolen&state=forged"))
    assert "not started in this browser" in await page.locator("main").inner_text()
    await axe(page)  # the refusal page

    await page.goto(site.server.url("/signin"))
    await axe(page)
    await screenshot(page, "signin-buttons")
    await page.get_by_role("link", name="Sign in with Slack").click()
    await page.wait_for_url(site.server.url("/"))

    assert "Signed in as Ada Lovelace" in await page.locator("main").inner_text()
    assert [call.ok for call in site.slack.calls_to("openid.connect.token")] == [True]


async def test_sign_in_with_discord_as_a_server_manager(
    page: Any, site: OAuthSite, screenshot: Callable[[Any, str], Awaitable[Path]]
) -> None:
    site.discord.add_guild(
        GUILD, owner_id=OWNER, members=[MANAGER], member_permissions={MANAGER: MANAGE_GUILD}
    )
    await site.server.core.handle_command(MANAGER_ACTOR, "join")
    site.discord.oauth.sign_in_as(MANAGER)

    await page.goto(site.server.url("/signin"))
    await page.get_by_role("link", name="Sign in with Discord").click()
    await page.wait_for_url(site.server.url("/"))

    main = await page.locator("main").inner_text()
    assert "as a moderator" in main
    await screenshot(page, "home-after-discord")


async def test_a_member_of_two_servers_picks_one_by_keyboard(
    page: Any,
    site: OAuthSite,
    axe: Callable[[Any], Awaitable[None]],
    screenshot: Callable[[Any, str], Awaitable[Path]],
) -> None:
    site.discord.add_user(GRACE, "grace", global_name="Grace Hopper")
    for guild, name in ((GUILD, "Northside PLN"), (SECOND_GUILD, "Southside PLN")):
        site.discord.add_guild(guild, name, owner_id=OWNER, members=[GRACE])
        actor = Actor(CommunityRef("discord", guild, name), GRACE, "Grace Hopper")
        await site.server.core.handle_command(actor, "join")
    site.discord.oauth.sign_in_as(GRACE)

    await page.goto(site.server.url("/signin/discord"))
    await page.wait_for_url(site.server.url("/signin/discord/callback") + "?*")
    assert "Which server?" in await page.locator("main").inner_text()
    await axe(page)
    await screenshot(page, "choose-server")
    await page.get_by_role("link", name="Southside PLN").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(site.server.url("/"))

    assert "Signed in as Grace Hopper" in await page.locator("main").inner_text()
    member_calls = [c for c in site.discord.oauth.bearer_calls if c.endswith("/member")]
    assert member_calls == [f"/users/@me/guilds/{SECOND_GUILD}/member"]
