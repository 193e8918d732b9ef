"""Sign in with Discord, as Discord serves it: /oauth2/authorize (a browser redirect),
/oauth2/token (code + client credentials + redirect URL + PKCE verifier -> a Bearer token),
and the Bearer-token REST calls `identify` and `guilds.members.read` allow.

A member's permissions come from roles: each member given permission bits (`add_member`,
`add_guild(member_permissions=...)`) holds one role carrying them, listed in the member
object and in GET /guilds/{id}/roles, so a client must add the roles up itself, as on
Discord. Set up with `standin.oauth.register_app(...)` and `standin.oauth.sign_in_as(...)`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.support.discord_standin.constants import JsonDict
from tests.support.discord_standin.model import _Guild
from tests.support.oauth_grants import AuthorizationServer, GrantRefused

SCOPES_NEEDED = {"identify"}
_MEMBER_PATH = re.compile(r"/users/@me/guilds/(?P<guild_id>\d+)/member")


def permission_role_id(guild_id: str, user_id: str) -> str:
    """The id of the role that carries a member's permission bits: stable, snowflake-sized."""
    digest = hashlib.sha256(f"{guild_id}/{user_id}".encode()).digest()
    return str(int.from_bytes(digest[:7], "big") + 1)


def permission_roles(guild: _Guild) -> list[JsonDict]:
    """One role per member with permission bits (added to the @everyone role by callers)."""
    return [
        {
            "id": permission_role_id(guild.id, user_id),
            "name": f"perms-{user_id}",
            "permissions": str(bits),
            "position": 1,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        for user_id, bits in sorted(guild.member_permissions.items())
        if bits
    ]


class DiscordOAuth:
    """The OAuth2 side of one Discord stand-in."""

    def __init__(
        self,
        guilds: dict[str, _Guild],
        user: Callable[[str], JsonDict],
        member: Callable[[str, str], JsonDict],
    ) -> None:
        self._guilds = guilds
        self._user = user
        self._member = member
        self.grants = AuthorizationServer()
        self.register_app = self.grants.register_app
        self.sign_in_as = self.grants.sign_in_as
        self.bearer_calls: list[str] = []  # paths called with a member's token

    async def authorize(self, request: web.Request) -> web.Response:
        """The browser's stop at Discord: straight back to the app with a code (or error)."""
        try:
            location = self.grants.authorize(request.query, required_scopes=SCOPES_NEEDED)
        except GrantRefused as refused:
            return web.Response(status=400, text=f"Discord cannot sign you in: {refused.error}")
        raise web.HTTPFound(location)

    def handles(self, path: str, authorization: str) -> bool:
        """Whether a REST call is ours: the token endpoint, or a member's Bearer token."""
        return path == "/oauth2/token" or authorization.startswith("Bearer ")

    async def rest(self, request: web.Request, path: str) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        if path == "/oauth2/token" and request.method == "POST":
            return await self._token(request, authorization)
        grant = self.grants.tokens.get(authorization.removeprefix("Bearer ").strip())
        if grant is None:
            return _json(401, {"message": "401: Unauthorized", "code": 0})
        self.bearer_calls.append(path)
        scopes = set(grant.scope.split())
        if request.method == "GET" and path == "/users/@me":
            return _json(200, self._user(grant.user_id))
        found = _MEMBER_PATH.fullmatch(path)
        if request.method == "GET" and found is not None:
            if "guilds.members.read" not in scopes:
                return _json(403, {"message": "Missing Access", "code": 50001})
            guild = self._guilds.get(found["guild_id"])
            if guild is None or grant.user_id not in guild.member_ids:
                return _json(404, {"message": "Unknown Guild", "code": 10004})
            member = self._member(guild.id, grant.user_id)
            if guild.member_permissions.get(grant.user_id):
                member["roles"] = [permission_role_id(guild.id, grant.user_id)]
            return _json(200, member)
        return _json(404, {"message": "404: Not Found", "code": 0})

    async def _token(self, request: web.Request, authorization: str) -> web.Response:
        form = dict(parse_qsl(await request.text()))
        client_id, client_secret = _basic(authorization)
        try:
            access_token, grant = self.grants.redeem(
                client_id=client_id or form.get("client_id", ""),
                client_secret=client_secret or form.get("client_secret", ""),
                code=form.get("code", ""),
                redirect_uri=form.get("redirect_uri", ""),
                code_verifier=form.get("code_verifier", ""),
                grant_type=form.get("grant_type", ""),
            )
        except GrantRefused as refused:
            if refused.error in {"invalid_client_id", "bad_client_secret"}:
                return _json(401, {"error": "invalid_client"})
            return _json(400, {"error": "invalid_grant", "error_description": refused.error})
        return _json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 604800,
                "refresh_token": access_token + "-refresh",
                "scope": grant.scope,
            },
        )


def _basic(authorization: str) -> tuple[str, str]:
    if not authorization.startswith("Basic "):
        return "", ""
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _json(status: int, body: Any) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(body).encode(), content_type="application/json"
    )
