"""Sign in with Slack, as Slack serves it: /openid/connect/authorize (a browser redirect),
openid.connect.token (code + client secret + redirect URL + PKCE verifier -> an access
token and an RS256-signed ID token), openid.connect.userInfo and the signing keys.

Set up in a test with `standin.openid.register_app(client_id, secret, redirect_uri)` and
`standin.openid.sign_in_as(user_id)` (a user added with `add_user`); `standin.openid.grants`
enforces the grant rules and records every refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.support.oauth_grants import AuthorizationServer, GrantRefused
from tests.support.slack_standin.constants import Answer
from tests.support.slack_standin.model import _Fail
from tests.support.slack_standin.records import RecordedCall

ID_TOKEN_LIFETIME_SECONDS = 3600
_KEY: RSAKey | None = None  # one key per test process: generating RSA keys is slow


def _signing_key() -> RSAKey:
    global _KEY
    if _KEY is None:
        _KEY = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
    return _KEY


class SlackOpenId:
    """The OpenID Connect side of one Slack stand-in."""

    def __init__(self, issuer: Callable[[], str], users: dict[str, dict[str, Any]]) -> None:
        """`issuer`: the stand-in's origin once started (Slack's is https://slack.com)."""
        self._issuer = issuer
        self._users = users
        self.grants = AuthorizationServer()
        self.register_app = self.grants.register_app
        self.sign_in_as = self.grants.sign_in_as

    def set_clock(self, now: Callable[[], float]) -> None:
        """Slack's clock for codes and ID tokens (the wall clock unless a test moves it)."""
        self.grants.now = now

    async def authorize(self, request: web.Request) -> web.Response:
        """The browser's stop at Slack: straight back to the app with a code (or an error)."""
        try:
            location = self.grants.authorize(request.query, required_scopes={"openid"})
        except GrantRefused as refused:
            return web.Response(status=400, text=f"Slack cannot sign you in: {refused.error}")
        raise web.HTTPFound(location)

    async def keys(self, request: web.Request) -> web.Response:
        return web.json_response(KeySet([_signing_key()]).as_dict(private=False))

    def token(self, call: RecordedCall) -> Answer:
        params = {key: str(value) for key, value in call.params.items()}
        try:
            access_token, grant = self.grants.redeem(
                client_id=params.get("client_id", ""),
                client_secret=params.get("client_secret", ""),
                code=params.get("code", ""),
                redirect_uri=params.get("redirect_uri", ""),
                code_verifier=params.get("code_verifier", ""),
                grant_type=params.get("grant_type", "authorization_code"),
            )
        except GrantRefused as refused:
            raise _Fail(refused.error) from None
        now = int(self.grants.now())
        claims = {
            "iss": self._issuer(),
            "sub": grant.user_id,
            "aud": grant.client_id,
            "exp": now + ID_TOKEN_LIFETIME_SECONDS,
            "iat": now,
            "auth_time": now,
            "nonce": grant.nonce,
            **self._claims(grant.user_id),
        }
        key = _signing_key()
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        return {
            "ok": True,
            "access_token": access_token,
            "token_type": "Bearer",
            "id_token": id_token,
        }

    def user_info(self, call: RecordedCall) -> Answer:
        grant = self.grants.tokens.get(call.token or "")
        if grant is None:
            raise _Fail("invalid_auth")
        return {"ok": True, "sub": grant.user_id, **self._claims(grant.user_id)}

    def _claims(self, user_id: str) -> dict[str, Any]:
        user = self._users.get(user_id, {})
        team_id = str(user.get("team_id", ""))
        name = str(user.get("real_name") or user.get("name") or user_id)
        return {
            "https://slack.com/user_id": user_id,
            "https://slack.com/team_id": team_id,
            "https://slack.com/team_name": team_id,
            "name": name,
            "given_name": name.split(" ")[0],
            "locale": "en-US",
        }
