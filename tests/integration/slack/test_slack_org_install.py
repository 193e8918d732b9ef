"""Enterprise Grid: an org-wide install works in each workspace of the org, and app_uninstalled
removes every token of the org.

The org installs through `/slack/install` and `/slack/oauth_redirect` (bolt's OAuth flow; the
stand-in's oauth.v2.access answers `is_enterprise_install`, an enterprise and no team), then
requests arrive signed, as Slack sends them for an org-wide app: slash commands carry the
workspace's team id, events name the workspace only in their envelope (`authorizations` has
the enterprise and no team). Each workspace is its own community.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Answer, Community, Member
from bot.store.slack_models import SlackInstallation
from tests.integration.slack.conftest import SIGNING_SECRET, SlackBot, StartBot, prompts_to
from tests.support.slack_requests import SlackRequests
from tests.support.slack_requests.constants import BOT_USER_ID

CLIENT_ID = "1111.2222"
STATE_COOKIE = "slack-app-oauth-state"
ENTERPRISE = "E100"
ORG_TOKEN = "xoxb-org-wide"
EAST, WEST = "T21", "T22"  # two workspaces of the org
ANSWER = "Our trust-wide device refresh finally has a named owner in each school."


class OrgRequests(SlackRequests):
    """Slack's requests for an org-wide app: the enterprise named, the workspace in the
    slash command's team_id and in the event envelope, not in `authorizations`."""

    def slash_command_payload(self, *args: Any, **kwargs: Any) -> dict[str, str]:
        payload = super().slash_command_payload(*args, **kwargs)
        payload.update(
            enterprise_id=ENTERPRISE, enterprise_name="Trust", is_enterprise_install="true"
        )
        return payload

    def event_envelope(
        self, event: dict[str, Any], *, event_id: str | None = None, team_id: str | None = None
    ) -> dict[str, Any]:
        envelope = super().event_envelope(event, event_id=event_id, team_id=team_id)
        envelope["enterprise_id"] = ENTERPRISE
        envelope["context_enterprise_id"] = ENTERPRISE
        envelope["authorizations"] = [
            {
                "enterprise_id": ENTERPRISE,
                "team_id": None,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": True,
            }
        ]
        return envelope


def org_oauth_response(installer: str) -> dict[str, Any]:
    """What oauth.v2.access answers when an org admin installs the app org-wide."""
    return {
        "ok": True,
        "app_id": "A1",
        "authed_user": {"id": installer},
        "scope": "chat:write,commands,im:history,im:read,im:write,users:read",
        "token_type": "bot",
        "access_token": ORG_TOKEN,
        "bot_user_id": "UBOTORG",
        "team": None,
        "enterprise": {"id": ENTERPRISE, "name": "Trust"},
        "is_enterprise_install": True,
    }


async def install_org(bot: SlackBot) -> int:
    """The org admin's browser through the OAuth flow; returns the redirect's status."""
    base = f"http://127.0.0.1:{bot.service.port}"
    bot.slack.set_oauth_response("code-org", org_oauth_response("WADMIN"))
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{base}/slack/install", allow_redirects=False) as page:
            body = await page.text()
            cookie = page.cookies[STATE_COOKIE].value
        found = re.search(r"state=([\w-]+)", body + page.headers.get("Location", ""))
        assert found is not None
        async with browser.get(
            f"{base}/slack/oauth_redirect",
            params={"code": "code-org", "state": found.group(1)},
            headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
            allow_redirects=False,
        ) as redirect:
            return redirect.status


async def start_org_bot(start_bot: StartBot) -> SlackBot:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    bot.slack.add_user("WEAST", "Esi", tz="Europe/London", team_id=EAST)
    bot.slack.add_user("WWEST", "Wen", tz="Europe/London", team_id=WEST)
    bot.slack.add_user("WNOWHERE", "Nia", tz="Europe/London", team_id="T29")
    assert await install_org(bot) == 200
    bot.slack.grant_org_workspaces(ENTERPRISE, EAST, WEST)
    return bot


async def joined(requests: SlackRequests, bot: SlackBot, user_id: str, hook: str) -> None:
    assert (await requests.slash_command(user_id, "join")).status == 200
    await bot.slack.wait_for_hook_posts(1, name=hook)
    assert "Welcome" in bot.slack.hook_bodies(hook)[0]["text"]


async def community_rows(bot: SlackBot) -> dict[str, Community]:
    rows = await bot.rows(Community)
    return {row.external_id: row for row in rows}


async def test_an_org_wide_install_serves_each_workspace_as_its_own_community(
    start_bot: StartBot,
) -> None:
    bot = await start_org_bot(start_bot)
    ((enterprise, team, org_wide),) = await bot.query(
        lambda s: s.execute(
            select(
                SlackInstallation.enterprise_id,
                SlackInstallation.team_id,
                SlackInstallation.is_enterprise_install,
            )
        )
    )
    assert (enterprise, team, org_wide) == (ENTERPRISE, None, True), "stored for the org"

    events = bot.events_url
    async with (
        OrgRequests(
            events, SIGNING_SECRET, team_id=EAST, response_url=bot.slack.response_url("e")
        ) as east,
        OrgRequests(
            events, SIGNING_SECRET, team_id=WEST, response_url=bot.slack.response_url("w")
        ) as west,
    ):
        await joined(east, bot, "WEAST", "e")
        await joined(west, bot, "WWEST", "w")
        assert set(await community_rows(bot)) == {EAST, WEST}, "one community per workspace"

        await bot.advance(days=4)  # Monday 23 November, 09:00 in London: the weekly prompt
        for user_id in ("WEAST", "WWEST"):
            (prompt,) = prompts_to(bot.slack, user_id)
            assert prompt.token == ORG_TOKEN, "the org's token speaks in each workspace"
        assert await bot.service.tokens.bot_token(EAST) == ORG_TOKEN
        assert await bot.service.tokens.bot_token("T29") is None, "not a workspace of the org"

        # a DM reply from the west workspace: the envelope alone names the workspace
        reply = west.message_im_event("WWEST", ANSWER)
        assert (await west.event(reply)).status == 200
        await bot.settle()

    async def answered(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.execute(
            select(Community.external_id, Member.platform_user_id)
            .join(Member, Member.community_id == Community.id)
            .join(Answer, Answer.member_id == Member.id)
        )
        return list(rows.tuples())

    assert await bot.query(answered) == [(WEST, "WWEST")]


async def test_app_uninstalled_from_the_org_removes_every_token_of_the_org(
    start_bot: StartBot,
) -> None:
    bot = await start_org_bot(start_bot)
    events = bot.events_url
    async with (
        OrgRequests(
            events, SIGNING_SECRET, team_id=EAST, response_url=bot.slack.response_url("e")
        ) as east,
        OrgRequests(
            events, SIGNING_SECRET, team_id=WEST, response_url=bot.slack.response_url("w")
        ) as west,
    ):
        await joined(east, bot, "WEAST", "e")
        await joined(west, bot, "WWEST", "w")
        assert len(await bot.rows(SlackInstallation)) == 3, "the org's row and two workspaces"

        bot.slack.uninstall(ENTERPRISE)
        response = await east.event({"type": "app_uninstalled", "event_ts": "1.0"})
        assert response.status == 200
        await bot.settle()

    assert await bot.rows(SlackInstallation) == []
    assert await bot.service.tokens.bot_token(EAST) is None
    assert await bot.service.tokens.bot_token(WEST) is None
    communities = await community_rows(bot)
    assert {team: row.uninstalled_at for team, row in communities.items()} == {
        EAST: bot.clock.now(),
        WEST: bot.clock.now(),
    }, "both workspaces' data is now kept for the stated period only"


async def test_team_access_revoked_uninstalls_only_those_workspaces(
    start_bot: StartBot,
) -> None:
    bot = await start_org_bot(start_bot)
    events = bot.events_url
    async with (
        OrgRequests(
            events, SIGNING_SECRET, team_id=EAST, response_url=bot.slack.response_url("e")
        ) as east,
        OrgRequests(
            events, SIGNING_SECRET, team_id=WEST, response_url=bot.slack.response_url("w")
        ) as west,
    ):
        await joined(east, bot, "WEAST", "e")
        await joined(west, bot, "WWEST", "w")
        revoked = {"type": "team_access_revoked", "team_ids": [WEST], "event_ts": "1.0"}
        assert (await east.event(revoked)).status == 200
        await bot.settle()

    assert await bot.service.tokens.bot_token(EAST) == ORG_TOKEN
    assert await bot.service.tokens.bot_token(WEST) is None
    communities = await community_rows(bot)
    assert communities[EAST].uninstalled_at is None
    assert communities[WEST].uninstalled_at == bot.clock.now()


async def test_forget_me_of_the_org_admin_who_installed_takes_their_id_out(
    start_bot: StartBot,
) -> None:
    """The installer of an org-wide install erases themselves from one workspace: the org's
    installation keeps its bot but neither their id nor a token of theirs."""
    bot = await start_org_bot(start_bot)
    bot.slack.add_user("WADMIN", "Ada Admin", tz="Europe/London", team_id=EAST)
    async with OrgRequests(
        bot.events_url, SIGNING_SECRET, team_id=EAST, response_url=bot.slack.response_url("e")
    ) as east:
        await joined(east, bot, "WADMIN", "e")
        assert (await east.slash_command("WADMIN", "forget-me confirm")).status == 200
        await bot.slack.wait_for(
            lambda: any(
                "everything I held about you is erased" in body.get("text", "")
                for body in bot.slack.hook_bodies("e")
            )
        )
    installers = {row.user_id for row in await bot.rows(SlackInstallation)}
    assert installers == {""}
    assert await bot.service.tokens.bot_token(EAST) == ORG_TOKEN, "the org keeps its bot"
