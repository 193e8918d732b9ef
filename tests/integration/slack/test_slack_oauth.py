"""Many workspaces through OAuth: install over real HTTP, tokens encrypted, data never crosses.

Two workspaces install the app through `/slack/install` and `/slack/oauth_redirect` (bolt's
OAuth flow, our database stores). Each is its own community: a prompt in one reaches only
its own members, sent with its own bot token.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.slack.oauth_state import SignedOAuthStateStore
from bot.core.actors import Actor, CommunityRef
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.models import Community, Member
from bot.store.slack_models import OAuthState, SlackInstallation
from tests.integration.slack.conftest import SIGNING_SECRET, SlackBot, StartBot
from tests.support.messenger import RecordingMessenger
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


async def install(
    bot: SlackBot, team_id: str, bot_token: str, tamper: Callable[[str], str] = str
) -> int:
    """Walk the browser side of the OAuth flow; returns the redirect's HTTP status.

    `tamper` changes the state on its way back (in the redirect and in the cookie alike)."""
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
        state = tamper(found.group(1))
        assert cookie == found.group(1), "bolt's cookie carries the state itself"
        async with browser.get(
            f"{base}/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": f"{STATE_COOKIE}={tamper(cookie)}"},
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


# --- the OAuth state: signed, never stored (issue 13) ----------------------------------------


async def state_rows(db: Database) -> int:
    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(OAuthState)) or 0)

    return await db.run(count)


async def test_install_page_requests_write_nothing_and_an_install_still_completes(
    start_bot: StartBot, db: Database
) -> None:
    """`GET /slack/install` needs no authentication: 500 of them must leave no rows; only
    a state used to complete an install is written down (to refuse its second use)."""
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    add_workspace_users(bot.slack)
    before = await state_rows(db)
    url = f"http://127.0.0.1:{bot.service.port}/slack/install"
    async with aiohttp.ClientSession() as browser:

        async def visit() -> int:
            async with browser.get(url, allow_redirects=False) as page:
                await page.read()
                return page.status

        for _ in range(10):
            statuses = await asyncio.gather(*(visit() for _ in range(50)))
            assert set(statuses) <= {200, 302}
    assert await state_rows(db) == before == 0
    assert await install(bot, "T2", "xoxb-team-two") == 200
    assert await state_rows(db) == 1, "the spent state's hash, kept until it expires"

    async def installed(session: AsyncSession) -> list[str | None]:
        return list(await session.scalars(select(SlackInstallation.team_id)))

    assert await bot.service.app.db.run(installed) == ["T2"]


def _flip_last(state: str) -> str:
    return state[:-1] + ("0" if state[-1] != "0" else "1")


def _later_expiry(state: str) -> str:
    expires, _, rest = state.partition("-")
    return f"{int(expires) + 3600}-{rest}"


@pytest.mark.parametrize("tamper", [_flip_last, _later_expiry, lambda s: "1-2-3", str.upper])
async def test_a_tampered_state_does_not_install(
    start_bot: StartBot, tamper: Callable[[str], str]
) -> None:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    add_workspace_users(bot.slack)
    assert await install(bot, "T2", "xoxb-team-two", tamper) != 200

    async def installations(session: AsyncSession) -> int:
        return len(list(await session.scalars(select(SlackInstallation.id))))

    assert await bot.service.app.db.run(installations) == 0
    assert bot.slack.calls_to("oauth.v2.access") == [], "no code is exchanged for a token"


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_a_state_expires_after_ten_minutes_and_works_once(db: Database) -> None:
    wall = Wall()
    states = SignedOAuthStateStore("client-secret", 600, wall, db)
    fresh, late = [await states.async_issue() for _ in range(2)]
    wall.now += timedelta(minutes=9, seconds=59)
    assert await states.async_consume(fresh)
    assert not await states.async_consume(fresh), "used once already"
    wall.now += timedelta(seconds=1)
    assert not await states.async_consume(late), "ten minutes old"


async def test_a_state_signed_with_another_secret_is_refused(db: Database) -> None:
    wall = Wall()
    ours = SignedOAuthStateStore("client-secret", 600, wall, db)
    theirs = SignedOAuthStateStore("another-secret", 600, wall, db)
    assert not await ours.async_consume(await theirs.async_issue())
    assert await SignedOAuthStateStore("client-secret", 600, wall, db).async_consume(
        await ours.async_issue()
    ), "another process with the same secret accepts it"
    assert not await ours.async_consume("")
    assert not await ours.async_consume("not-a-state")


async def test_a_state_works_once_across_processes_and_only_its_hash_is_kept_until_it_expires(
    db: Database, database_url: str
) -> None:
    """Two bot processes behind one load balancer share the database: a state spent in one
    is refused by the other (issue 13). What is kept is a hash, and only until expiry."""
    wall = Wall()
    other_process = Database(database_url)
    try:
        here = SignedOAuthStateStore("client-secret", 600, wall, db)
        there = SignedOAuthStateStore("client-secret", 600, wall, other_process)
        state = await here.async_issue()
        nonce = state.split("-")[1]
        assert await there.async_consume(state)
        assert not await here.async_consume(state), "spent in the other process"

        async def kept(session: AsyncSession) -> list[str]:
            return list(await session.scalars(select(OAuthState.state)))

        assert await db.run(kept) == [hashlib.sha256(nonce.encode()).hexdigest()]
        wall.now += timedelta(minutes=10)
        assert await here.async_consume(await here.async_issue())
        assert len(await db.run(kept)) == 1, "the expired one is gone"
    finally:
        await other_process.dispose()


async def test_forget_me_takes_the_installers_id_out_of_the_installation(
    start_bot: StartBot,
) -> None:
    """The person who installed the app erases themselves: the workspace keeps its bot, and
    its installation keeps neither their id nor a token of theirs."""
    token_key = Fernet.generate_key().decode()
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=token_key,
    )
    add_workspace_users(bot.slack)
    bot.slack.add_user("UADMINT2", "Installer", tz="Europe/Lisbon", team_id="T2")
    assert await install(bot, "T2", "xoxb-team-two") == 200

    async def installations(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.scalars(select(SlackInstallation))
        return [(row.user_id, row.data) for row in rows]

    ((user_column, sealed),) = await bot.service.app.db.run(installations)
    assert user_column == "UADMINT2"
    assert "UADMINT2" in Fernet(token_key.encode()).decrypt(sealed.encode()).decode()

    async with SlackRequests(
        bot.events_url, SIGNING_SECRET, team_id="T2", response_url=bot.slack.response_url("t2")
    ) as team_two:
        assert (await team_two.slash_command("UADMINT2", "join")).status == 200
        await bot.slack.wait_for_hook_posts(1, name="t2")
        assert (await team_two.slash_command("UADMINT2", "forget-me confirm")).status == 200
        await bot.slack.wait_for(
            lambda: any(
                "everything I held about you is erased" in body.get("text", "")
                for name, body in bot.slack.hook_posts
                if name == "t2"
            )
        )
        ((user_column, sealed),) = await bot.service.app.db.run(installations)
        assert user_column == ""
        assert "UADMINT2" not in Fernet(token_key.encode()).decrypt(sealed.encode()).decode()
        # the workspace keeps its bot: another member still gets answers
        assert (await team_two.slash_command("UANA", "join")).status == 200
        await bot.slack.wait_for_hook_posts(3, name="t2")
    assert await bot.service.tokens.bot_token("T2") == "xoxb-team-two"


async def test_an_installer_erased_from_discord_is_named_nowhere_once_slack_starts_again(
    start_bot: StartBot,
) -> None:
    """The Slack installer is linked to a Discord identity and erases themselves there,
    where the Slack key is not at hand: the plain column is cleared at once, the sealed
    copy is read without them, and the Slack process seals it again without them when it
    starts; the workspace keeps its bot."""
    token_key = Fernet.generate_key().decode()
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=token_key,
    )
    add_workspace_users(bot.slack)
    bot.slack.add_user("UADMINT2", "Installer", tz="Europe/Lisbon", team_id="T2")
    assert await install(bot, "T2", "xoxb-team-two") == 200
    core, db = bot.service.app.core, bot.service.app.db
    slack_self = Actor(CommunityRef("slack", "T2", "Team two"), "UADMINT2", "Installer")
    on_discord = Actor(CommunityRef("discord", "G-1", "Guild"), "D-installer", "Installer")
    await core.handle_command(slack_self, "join")
    discord = PlnCore(db, core.clock, RecordingMessenger(platform="discord"), core.config)
    await discord.handle_command(on_discord, "join")

    async def link(session: AsyncSession) -> None:
        ids = list(await session.scalars(select(Member.id).order_by(Member.id)))
        await session.execute(update(Member).values(person_id=ids[0]))

    await db.run(link)
    await discord.handle_command(on_discord, "forget-me confirm")

    async def installations(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.scalars(select(SlackInstallation))
        return [(row.user_id, row.data) for row in rows]

    def opened(sealed: str) -> str:
        return Fernet(token_key.encode()).decrypt(sealed.encode()).decode()

    ((user_column, sealed),) = await db.run(installations)
    assert user_column == ""
    store = bot.service.tokens._store  # type: ignore[attr-defined]
    found = await store.async_find_installation(enterprise_id=None, team_id="T2")
    assert found is not None and not found.user_id, "read without the erased installer"
    assert bot.service.at_start is not None
    await bot.service.at_start()  # what the Slack process does when it starts
    ((user_column, sealed),) = await db.run(installations)
    assert "UADMINT2" not in opened(sealed)
    assert await bot.service.tokens.bot_token("T2") == "xoxb-team-two"
