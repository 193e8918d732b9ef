"""Many workspaces through OAuth: install over real HTTP, tokens encrypted, data never crosses.

Two workspaces install the app through `/slack/install` and `/slack/oauth_redirect` (bolt's
OAuth flow, our database stores). Each is its own community: a prompt in one reaches only
its own members, sent with its own bot token.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Community, SlackInstallation
from tests.integration.slack.conftest import SIGNING_SECRET, SlackBot, StartBot
from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn

CLIENT_ID = "1111.2222"
STATE_COOKIE = "slack-app-oauth-state"


def oauth_response(team_id: str, bot_token: str, installer: str) -> dict[str, Any]:
    """What Slack's oauth.v2.access answers for a bot install."""
    return {
        "ok": True,
        "app_id": "A1",
        "authed_user": {"id": installer},
        "scope": "chat:write,commands,im:history,im:read,im:write,users:read",
        "token_type": "bot",
        "access_token": bot_token,
        "bot_user_id": f"UBOT{team_id}",
        "team": {"id": team_id, "name": f"School {team_id}"},
        "enterprise": None,
        "is_enterprise_install": False,
    }


async def install(bot: SlackBot, team_id: str, bot_token: str) -> int:
    """Walk the browser side of the OAuth flow; returns the redirect's HTTP status."""
    base = f"http://127.0.0.1:{bot.service.port}"
    code = f"code-{team_id}"
    bot.slack.set_oauth_response(code, oauth_response(team_id, bot_token, f"UADMIN{team_id}"))
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{base}/slack/install", allow_redirects=False) as page:
            assert page.status in (200, 302)
            body = await page.text()
            cookie = page.cookies[STATE_COOKIE].value
        found = re.search(r"state=([\w-]+)", body + page.headers.get("Location", ""))
        assert found is not None, "the install page links to Slack with a state"
        async with browser.get(
            f"{base}/slack/oauth_redirect",
            params={"code": code, "state": found.group(1)},
            headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
            allow_redirects=False,
        ) as redirect:
            return redirect.status


def add_workspace_users(slack: SlackStandIn) -> None:
    slack.add_user("UANA", "Ana", tz="Europe/Lisbon", team_id="T2")
    slack.add_user("UMOD2", "Moderator Two", tz="Europe/Lisbon", team_id="T2", is_admin=True)
    slack.add_user("UBEN", "Ben", tz="America/Chicago", team_id="T3")


async def test_two_workspaces_install_and_never_share_members_or_tokens(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    add_workspace_users(bot.slack)
    assert await install(bot, "T2", "xoxb-team-two") == 200
    assert await install(bot, "T3", "xoxb-team-three") == 200

    async def raw_installations(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(SlackInstallation.data)))

    stored = await bot.service.app.db.run(raw_installations)
    assert len(stored) == 2
    assert all("xoxb-" not in data for data in stored), "tokens are encrypted at rest"

    events = bot.events_url
    async with (
        SlackRequests(
            events, SIGNING_SECRET, team_id="T2", response_url=bot.slack.response_url("t2")
        ) as team_two,
        SlackRequests(
            events, SIGNING_SECRET, team_id="T3", response_url=bot.slack.response_url("t3")
        ) as team_three,
    ):
        assert (await team_two.slash_command("UANA", "join")).status == 200
        assert (await team_three.slash_command("UBEN", "join")).status == 200
        await bot.slack.wait_for_hook_posts(1, name="t2")
        await bot.slack.wait_for_hook_posts(1, name="t3")

        assert (await team_two.slash_command("UMOD2", "prompt now")).status == 200
        await bot.slack.wait_for_messages("UANA", 1)
        await bot.slack.wait_for(
            lambda: any(
                "Sent this week's prompt" in body.get("text", "")
                for name, body in bot.slack.hook_posts
                if name == "t2"
            )
        )

    assert [call.token for call in bot.slack.sent_messages("UANA")] == ["xoxb-team-two"]
    assert bot.slack.sent_messages("UBEN") == [], "a prompt in one workspace stays there"

    async def communities(session: AsyncSession) -> set[str]:
        return set(await session.scalars(select(Community.external_id)))

    assert await bot.service.app.db.run(communities) == {"T2", "T3"}


async def test_a_workspace_that_never_installed_gets_nothing(start_bot: StartBot) -> None:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    async with SlackRequests(
        bot.events_url, SIGNING_SECRET, team_id="T9", response_url=bot.slack.response_url("t9")
    ) as stranger:
        response = await stranger.slash_command("UANA", "join")
    assert response.status != 500

    async def communities(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Community.external_id)))

    assert await bot.service.app.db.run(communities) == []
    assert bot.slack.calls_to("chat.postMessage") == []


async def test_uninstalling_removes_the_workspace_tokens(start_bot: StartBot) -> None:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    add_workspace_users(bot.slack)
    assert await install(bot, "T3", "xoxb-team-three") == 200
    async with SlackRequests(bot.events_url, SIGNING_SECRET, team_id="T3") as team_three:
        response = await team_three.event({"type": "app_uninstalled", "event_ts": "1.0"})
    assert response.status == 200

    async def installations(session: AsyncSession) -> int:
        return len(list(await session.scalars(select(SlackInstallation.id))))

    await bot.settle()  # bolt runs the uninstall listener after its ack
    assert await bot.service.app.db.run(installations) == 0
    assert await bot.service.tokens.bot_token("T3") is None
