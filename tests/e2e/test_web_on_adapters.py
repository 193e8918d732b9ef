"""The web page on the chat adapters' own servers, each its own process: Slack's HTTP mode
always serves it beside its events (and a Slack member signs in with `/pln web`'s link);
Discord serves it with PLN_WEB=on and not without."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import aiohttp

from bot.web.security import HEADERS
from bot.web.sessions import COOKIE
from tests.e2e.test_ops_http import (
    DISCORD_TOKEN,
    GUILD,
    SECRET,
    Bot,
    _env,
    running,
)
from tests.support.discord_standin import DiscordStandIn
from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn
from tests.support.web_server import press_sign_in

LINK = re.compile(r"http://127\.0\.0\.1:\d+/signin/link/[A-Za-z0-9_-]+")


async def _signin_page(bot: Bot) -> tuple[int, dict[str, str]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{bot.port}/signin", allow_redirects=False) as response,
    ):
        return response.status, dict(response.headers)


async def test_a_slack_member_signs_in_on_the_slack_server_with_the_link(tmp_path: Path) -> None:
    async with SlackStandIn() as slack:
        slack.add_user("UALICE", "Alice", tz="UTC")
        env = _env(
            tmp_path,
            SLACK_API_URL=slack.base_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
        )
        async with running(tmp_path, "slack", "Slack adapter", env) as bot:
            status, headers = await _signin_page(bot)
            assert status == 200
            assert headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
            events = f"http://127.0.0.1:{bot.port}/slack/events"
            async with SlackRequests(events, SECRET, response_url=slack.response_url()) as client:
                assert (await client.slash_command("UALICE", "join")).status == 200
                await slack.wait_for(lambda: len(slack.hook_posts) >= 1)
                assert (await client.slash_command("UALICE", "web")).status == 200
                await slack.wait_for(lambda: LINK.search(json.dumps(slack.hook_posts)) is not None)
            found = LINK.search(json.dumps(slack.hook_posts))
            assert found is not None
            async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
                used = await press_sign_in(http, found.group(0))
                assert (used.status, used.location) == (303, "/")
                assert used.cookie is not None
                home = f"http://127.0.0.1:{bot.port}/"
                async with http.get(home, cookies={COOKIE: used.cookie}) as page:
                    assert page.status == 200
                    assert "Signed in as <strong>Alice</strong>" in await page.text()


async def _discord_signin_status(tmp_path: Path, **settings: str) -> int:
    await asyncio.to_thread(tmp_path.mkdir)
    async with DiscordStandIn(token=DISCORD_TOKEN) as server:
        server.add_guild(GUILD, "Web PLN", members=[])
        env = _env(
            tmp_path,
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=server.api_url,
            PLN_DISCORD_GUILD_IDS=GUILD,
            **settings,
        )
        async with running(tmp_path, "discord", "connected as", env) as bot:
            status, _ = await _signin_page(bot)
    return status


async def test_discord_serves_the_page_only_with_pln_web_on(tmp_path: Path) -> None:
    assert await _discord_signin_status(tmp_path / "on", PLN_WEB="on") == 200
    assert await _discord_signin_status(tmp_path / "off") == 404
