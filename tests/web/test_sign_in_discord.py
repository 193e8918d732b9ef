"""Sign in with Discord (OAuth2, `identify` + `guilds.members.read`) against the Discord
stand-in's real endpoints: Manage Guild is added up from the member's roles, and state,
PKCE and the client secret are all enforced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.core.clock import SimulatedClock
from bot.web.oauth.discord import ADMINISTRATOR, MANAGE_GUILD, DiscordSignIn
from bot.web.oauth.pending import SignInRefused, start_pending
from bot.web.oauth.platform_user import PlatformUser
from tests.support.discord_standin.plugin import DiscordStandInFactory
from tests.support.discord_standin.server import DiscordStandIn
from tests.web.oauth_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_BASE,
    discord_endpoints,
    follow_authorize,
)

REDIRECT = REDIRECT_BASE + "/discord/callback"
GUILD = "900000000000000001"
OTHER_GUILD = "900000000000000002"
OWNER = "100000000000000001"
MEMBER = "100000000000000002"
MANAGER = "100000000000000003"
ADMIN = "100000000000000004"
SEND_MESSAGES = 1 << 11


@pytest.fixture
async def discord(discord_standin_factory: DiscordStandInFactory) -> AsyncIterator[DiscordStandIn]:
    async with discord_standin_factory() as standin:
        standin.oauth.register_app(CLIENT_ID, CLIENT_SECRET, REDIRECT)
        standin.add_user(MEMBER, "grace", global_name="Grace Hopper")
        standin.add_guild(
            GUILD,
            owner_id=OWNER,
            members=[MEMBER, MANAGER, ADMIN],
            member_permissions={MEMBER: SEND_MESSAGES, MANAGER: MANAGE_GUILD, ADMIN: ADMINISTRATOR},
        )
        standin.add_guild(OTHER_GUILD, owner_id=OWNER, members=[MANAGER])
        yield standin


async def _sign_in(discord: DiscordStandIn, user_id: str, guild: str) -> PlatformUser | None:
    client = DiscordSignIn(discord_endpoints(discord.api_url))
    discord.oauth.sign_in_as(user_id)
    pending = start_pending("discord", SimulatedClock().now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    assert back["state"] == pending.state
    account = await client.account(back["code"], pending, REDIRECT)
    return await client.membership(account, guild)


async def test_a_discord_member_signs_in_to_a_guild_they_belong_to(
    discord: DiscordStandIn,
) -> None:
    user = await _sign_in(discord, MEMBER, GUILD)
    assert user == PlatformUser("discord", GUILD, MEMBER, "Grace Hopper", platform_admin=False)
    assert discord.oauth.bearer_calls == ["/users/@me", f"/users/@me/guilds/{GUILD}/member"]


async def test_a_member_without_manage_guild_is_not_an_admin(discord: DiscordStandIn) -> None:
    user = await _sign_in(discord, MEMBER, GUILD)
    assert user is not None and user.platform_admin is False


@pytest.mark.parametrize("who", [MANAGER, ADMIN, OWNER])
async def test_manage_guild_administrator_or_ownership_makes_an_admin(
    discord: DiscordStandIn, who: str
) -> None:
    user = await _sign_in(discord, who, GUILD)
    assert user is not None and user.platform_admin is True


async def test_manage_guild_in_one_guild_counts_in_that_guild_only(
    discord: DiscordStandIn,
) -> None:
    user = await _sign_in(discord, MANAGER, OTHER_GUILD)
    assert user is not None and user.platform_admin is False


async def test_without_a_bot_token_nobody_is_an_admin(discord: DiscordStandIn) -> None:
    client = DiscordSignIn(discord_endpoints(discord.api_url, bot_token=None))
    discord.oauth.sign_in_as(OWNER)
    pending = start_pending("discord", SimulatedClock().now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    account = await client.account(back["code"], pending, REDIRECT)
    user = await client.membership(account, GUILD)
    assert user is not None and user.platform_admin is False


async def test_someone_outside_the_guild_gets_no_membership(discord: DiscordStandIn) -> None:
    assert await _sign_in(discord, MEMBER, OTHER_GUILD) is None


async def test_a_wrong_pkce_verifier_is_refused(discord: DiscordStandIn) -> None:
    client = DiscordSignIn(discord_endpoints(discord.api_url))
    discord.oauth.sign_in_as(MEMBER)
    pending = start_pending("discord", SimulatedClock().now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    forged = replace(pending, code_verifier="x" * 64)

    with pytest.raises(SignInRefused, match="invalid_grant"):
        await client.account(back["code"], forged, REDIRECT)
    assert discord.oauth.grants.refusals == ["invalid_code_verifier"]


async def test_a_wrong_client_secret_is_refused(discord: DiscordStandIn) -> None:
    client = DiscordSignIn(discord_endpoints(discord.api_url, secret="not-it"))
    discord.oauth.sign_in_as(MEMBER)
    pending = start_pending("discord", SimulatedClock().now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))

    with pytest.raises(SignInRefused, match="invalid_client"):
        await client.account(back["code"], pending, REDIRECT)


async def test_a_redirect_url_the_app_did_not_register_is_refused(
    discord: DiscordStandIn,
) -> None:
    client = DiscordSignIn(discord_endpoints(discord.api_url))
    discord.oauth.sign_in_as(MEMBER)
    pending = start_pending("discord", SimulatedClock().now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))

    with pytest.raises(SignInRefused, match="invalid_grant"):
        await client.account(back["code"], pending, REDIRECT + "-elsewhere")
    assert discord.oauth.grants.refusals == ["bad_redirect_uri"]
