"""Sign in with Discord: OAuth2 (`identify` and `guilds.members.read`) with state and PKCE.

The member's token says who they are and, per guild, which roles they hold; whether those
roles add up to Manage Guild (or Administrator, or ownership) needs the guild's roles and
owner, which only the bot token can read. Without a bot token in this process nobody
counts as a Discord admin here; PLN_MODERATORS and moderators added in chat still do.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri

from bot.web.oauth.pending import PendingSignIn, SignInRefused
from bot.web.oauth.platform_user import HTTP_TIMEOUT, PlatformUser, read_json
from bot.web.oauth.settings import DiscordEndpoints

SCOPES: Final = "identify guilds.members.read"
ADMINISTRATOR: Final = 1 << 3
MANAGE_GUILD: Final = 1 << 5


@dataclass(frozen=True)
class DiscordAccount:
    """A Discord user who just signed in, and the token to ask about their guilds with."""

    user_id: str
    display_name: str
    access_token: str


class DiscordSignIn:
    """One app's Sign in with Discord, against the endpoints in `endpoints`."""

    def __init__(self, endpoints: DiscordEndpoints) -> None:
        self.endpoints = endpoints

    def authorize_url(self, pending: PendingSignIn, redirect_uri: str) -> str:
        """Where the browser goes to sign in at Discord, with state and PKCE S256.

        `prompt=none` skips Discord's consent screen for someone who already allowed it.
        """
        return str(
            prepare_grant_uri(
                self.endpoints.authorize_url,
                self.endpoints.client_id,
                "code",
                redirect_uri=redirect_uri,
                scope=SCOPES,
                state=pending.state,
                code_challenge=pending.code_challenge,
                code_challenge_method="S256",
                prompt="none",
            )
        )

    async def account(self, code: str, pending: PendingSignIn, redirect_uri: str) -> DiscordAccount:
        """Trade the code (with the PKCE verifier) for a token and read who signed in."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": pending.code_verifier,
        }
        pair = f"{self.endpoints.client_id}:{self.endpoints.client_secret.get_secret_value()}"
        credentials = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
            try:
                async with http.post(
                    self.endpoints.token_url, data=form, headers=credentials
                ) as response:
                    tokens = await read_json(response, "Discord")
                    status = response.status
                if status != 200 or not tokens.get("access_token"):
                    raise SignInRefused(
                        f"Discord refused the sign-in ({tokens.get('error', status)}). "
                        "Start again from the sign-in page."
                    )
                access_token = str(tokens["access_token"])
                user = await self._get(http, "/users/@me", bearer=access_token)
            except aiohttp.ClientError:
                raise SignInRefused("Could not reach Discord to finish signing in.") from None
        if user is None or not user.get("id"):
            raise SignInRefused("Discord would not say who you are. Start again.")
        name = user.get("global_name") or user.get("username") or user["id"]
        return DiscordAccount(str(user["id"]), str(name)[:200], access_token)

    async def membership(self, account: DiscordAccount, guild_id: str) -> PlatformUser | None:
        """The account as a member of this guild, or None when they are not in it."""
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
            try:
                member = await self._get(
                    http, f"/users/@me/guilds/{guild_id}/member", bearer=account.access_token
                )
                if member is None:
                    return None
                admin = await self._manages_guild(http, guild_id, account.user_id, member)
            except aiohttp.ClientError:
                raise SignInRefused("Could not reach Discord to finish signing in.") from None
        name = member.get("nick") or account.display_name
        return PlatformUser("discord", guild_id, account.user_id, str(name)[:200], admin)

    async def _manages_guild(
        self, http: aiohttp.ClientSession, guild_id: str, user_id: str, member: dict[str, Any]
    ) -> bool:
        """Owner, Administrator or Manage Guild, from the guild's roles (the bot's view)."""
        bot_token = self.endpoints.bot_token
        if bot_token is None:
            return False
        bot = f"Bot {bot_token.get_secret_value()}"
        guild = await self._get(http, f"/guilds/{guild_id}", authorization=bot)
        roles = await self._get_list(http, f"/guilds/{guild_id}/roles", authorization=bot)
        if guild is None:
            return False
        if str(guild.get("owner_id")) == user_id:
            return True
        held = {str(role) for role in member.get("roles") or []} | {guild_id}  # + @everyone
        permissions = 0
        for role in roles:
            if str(role.get("id")) in held:
                permissions |= int(role.get("permissions") or 0)
        return bool(permissions & (ADMINISTRATOR | MANAGE_GUILD))

    async def _get(
        self,
        http: aiohttp.ClientSession,
        path: str,
        *,
        bearer: str | None = None,
        authorization: str | None = None,
    ) -> dict[str, Any] | None:
        """A JSON object from the API; None for 404 (unknown guild or member)."""
        headers = {"Authorization": authorization or f"Bearer {bearer}"}
        async with http.get(self.endpoints.api_url + path, headers=headers) as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise SignInRefused(
                    f"Discord refused to answer (HTTP {response.status}). Try again in a minute."
                )
            return await read_json(response, "Discord")

    async def _get_list(
        self, http: aiohttp.ClientSession, path: str, *, authorization: str
    ) -> list[dict[str, Any]]:
        headers = {"Authorization": authorization}
        async with http.get(self.endpoints.api_url + path, headers=headers) as response:
            if response.status != 200:
                return []
            body = await response.json(content_type=None)
        return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []
