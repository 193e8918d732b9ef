"""Sign in with Slack on the Slack process's own server, in the many-workspace OAuth mode
and in the single-workspace mode (SLACK_BOT_TOKEN): the app's SLACK_CLIENT_ID and secret
drive it, and a workspace admin is an admin on the web page as in chat (users.info with
that workspace's bot token), a member is not."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.web_models import WebSession
from bot.web.oauth.pending import PENDING_COOKIE
from bot.web.sessions import COOKIE
from tests.integration.slack.conftest import (
    BOT_TOKEN,
    MODERATOR,
    SIGNING_SECRET,
    SlackBot,
    StartBot,
)
from tests.integration.slack.test_slack_oauth import CLIENT_ID, install
from tests.support.slack_requests import SlackRequests

CLIENT_SECRET = "client-secret"


async def _oauth_mode(start_bot: StartBot) -> SlackBot:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        pln_token_key=Fernet.generate_key().decode(),
    )
    bot.slack.add_user("UADA", "Ada Admin", team_id="T2", is_admin=True)
    bot.slack.add_user("UMAX", "Max Member", team_id="T2")
    assert await install(bot, "T2", "xoxb-team-two") == 200
    async with SlackRequests(bot.events_url, SIGNING_SECRET, team_id="T2") as team:
        for user_id in ("UADA", "UMAX"):
            hook = bot.slack.response_url(f"join-{user_id}")
            assert (await team.slash_command(user_id, "join", response_url=hook)).status == 200
    await bot.settle()
    base = f"http://127.0.0.1:{bot.service.port}"
    bot.slack.openid.set_clock(lambda: bot.clock.now().timestamp())
    bot.slack.openid.register_app(CLIENT_ID, CLIENT_SECRET, base + "/signin/slack/callback")
    return bot


async def _sign_in(bot: SlackBot, user_id: str) -> tuple[int, str]:
    """The whole round trip as a browser makes it; the callback's status and home's text."""
    bot.slack.openid.sign_in_as(user_id)
    base = f"http://127.0.0.1:{bot.service.port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(base + "/signin/slack", allow_redirects=False) as start:
            pending = {PENDING_COOKIE: start.cookies[PENDING_COOKIE].value}
            at_slack = start.headers["Location"]
        assert urlsplit(at_slack).netloc == urlsplit(bot.slack.base_url).netloc
        async with http.get(at_slack, allow_redirects=False) as back:
            callback = back.headers["Location"]
        async with http.get(callback, cookies=pending, allow_redirects=False) as done:
            status = done.status
            session = done.cookies[COOKIE].value if COOKIE in done.cookies else ""
        async with http.get(base + "/", cookies={COOKIE: session}) as home:
            return status, await home.text()


async def _admin_flags(bot: SlackBot) -> list[bool]:
    async def read(session: AsyncSession) -> list[bool]:
        rows = await session.scalars(select(WebSession.platform_admin).order_by(WebSession.id))
        return list(rows.all())

    return await bot.db.run(read)


async def test_a_workspace_admin_signs_in_as_a_moderator_and_a_member_does_not(
    start_bot: StartBot,
) -> None:
    bot = await _oauth_mode(start_bot)

    status, home = await _sign_in(bot, "UADA")
    assert status == 303
    assert "Signed in as" in home and "as a moderator" in home

    status, home = await _sign_in(bot, "UMAX")
    assert status == 303
    assert "Signed in as" in home and "as a moderator" not in home
    assert await _admin_flags(bot) == [True, False]
    assert [call.token for call in bot.slack.calls_to("users.info")][-1] == "xoxb-team-two"


async def _single_workspace(start_bot: StartBot, monkeypatch: pytest.MonkeyPatch) -> SlackBot:
    """SLACK_BOT_TOKEN plus the app's client id and secret, in the environment too, where
    bolt would look for them to start an install flow of its own."""
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", CLIENT_SECRET)
    bot = await start_bot(slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET)
    assert os.environ["SLACK_CLIENT_ID"] == CLIENT_ID  # given back once bolt is built
    base = f"http://127.0.0.1:{bot.service.port}"
    bot.slack.openid.set_clock(lambda: bot.clock.now().timestamp())
    bot.slack.openid.register_app(CLIENT_ID, CLIENT_SECRET, base + "/signin/slack/callback")
    return bot


async def test_a_single_workspace_bot_signs_in_the_member_who_joined(
    start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await _single_workspace(start_bot, monkeypatch)
    await bot.join("UALICE")  # bolt still answers with SLACK_BOT_TOKEN

    status, home = await _sign_in(bot, "UALICE")
    assert status == 303
    assert "Signed in as" in home and "as a moderator" not in home

    status, home = await _sign_in(bot, "UBOB")  # never typed /pln join
    assert status == 403 and "Signed in as" not in home
    assert await _admin_flags(bot) == [False]


async def test_a_single_workspace_bot_offers_no_install_of_its_own(
    start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await _single_workspace(start_bot, monkeypatch)
    assert bot.service.bolt.oauth_flow is None
    base = f"http://127.0.0.1:{bot.service.port}"
    async with aiohttp.ClientSession() as http:
        async with http.get(base + "/slack/install", allow_redirects=False) as install_page:
            assert install_page.status == 404
        async with http.get(base + "/signin") as signin:
            assert "/signin/slack" in await signin.text()


async def test_a_workspace_admin_of_a_single_workspace_bot_signs_in_as_a_moderator(
    start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await _single_workspace(start_bot, monkeypatch)
    await bot.join(MODERATOR)

    status, home = await _sign_in(bot, MODERATOR)
    assert status == 303 and "as a moderator" in home
    assert [call.token for call in bot.slack.calls_to("users.info")][-1] == BOT_TOKEN
