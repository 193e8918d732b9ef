"""Sign in with Slack: OpenID Connect (`openid.connect.token`, `openid.connect.userInfo`).

The workspace and user come from the ID token, which is checked against Slack's published
keys (signature, issuer, audience = our client id, nonce, expiry by the injected clock);
userInfo must then name the same user in the same workspace. Everything is fetched from
SLACK_API_URL's host, so tests point it at the stand-in.
"""

from __future__ import annotations

from typing import Any, Final

import aiohttp
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from bot.core.clock import Clock
from bot.web.oauth.pending import PendingSignIn, SignInRefused
from bot.web.oauth.platform_user import HTTP_TIMEOUT, PlatformUser, read_json
from bot.web.oauth.settings import SlackEndpoints

SCOPES: Final = "openid profile"
TEAM_CLAIM: Final = "https://slack.com/team_id"
USER_CLAIM: Final = "https://slack.com/user_id"
CLOCK_LEEWAY_SECONDS: Final = 120


class SlackSignIn:
    """One app's Sign in with Slack, against the endpoints in `endpoints`."""

    def __init__(self, endpoints: SlackEndpoints, clock: Clock) -> None:
        self.endpoints = endpoints
        self._clock = clock

    def authorize_url(self, pending: PendingSignIn, redirect_uri: str) -> str:
        """Where the browser goes to sign in at Slack, with state, nonce and PKCE S256."""
        return str(
            prepare_grant_uri(
                self.endpoints.authorize_url,
                self.endpoints.client_id,
                "code",
                redirect_uri=redirect_uri,
                scope=SCOPES,
                state=pending.state,
                nonce=pending.nonce,
                code_challenge=pending.code_challenge,
                code_challenge_method="S256",
            )
        )

    async def identify(self, code: str, pending: PendingSignIn, redirect_uri: str) -> PlatformUser:
        """Trade the code (with the PKCE verifier) for tokens and say who signed in."""
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
            tokens = await self._token(http, code, pending, redirect_uri)
            claims = await self._id_token_claims(http, str(tokens.get("id_token", "")), pending)
            info = await self._user_info(http, str(tokens.get("access_token", "")))
        team_id = str(claims.get(TEAM_CLAIM) or "")
        user_id = str(claims.get(USER_CLAIM) or claims.get("sub") or "")
        if not team_id or not user_id:
            raise SignInRefused("Slack did not say which workspace you signed in to. Try again.")
        if info.get("sub") != claims.get("sub") or info.get(TEAM_CLAIM) != team_id:
            raise SignInRefused("Slack's answers about you did not agree. Try again.")
        name = info.get("name") or claims.get("name") or info.get("given_name") or user_id
        return PlatformUser("slack", team_id, user_id, str(name)[:200])

    async def _token(
        self, http: aiohttp.ClientSession, code: str, pending: PendingSignIn, redirect_uri: str
    ) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": pending.code_verifier,
            "client_id": self.endpoints.client_id,
            "client_secret": self.endpoints.client_secret.get_secret_value(),
        }
        try:
            async with http.post(self.endpoints.token_url, data=form) as response:
                body = await read_json(response, "Slack")
        except aiohttp.ClientError:
            raise SignInRefused("Could not reach Slack to finish signing in. Try again.") from None
        if body.get("ok") is not True:
            raise SignInRefused(
                f"Slack refused the sign-in ({body.get('error', 'no reason given')}). "
                "Start again from the sign-in page."
            )
        return body

    async def _id_token_claims(
        self, http: aiohttp.ClientSession, id_token: str, pending: PendingSignIn
    ) -> dict[str, Any]:
        try:
            async with http.get(self.endpoints.keys_url) as response:
                keys = KeySet.import_key_set(await read_json(response, "Slack"))  # type: ignore[arg-type]
            token = jwt.decode(id_token, keys, algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                now=int(self._clock.now().timestamp()),
                leeway=CLOCK_LEEWAY_SECONDS,
                iss={"essential": True, "value": self.endpoints.issuer},
                aud={"essential": True, "value": self.endpoints.client_id},
                nonce={"essential": True, "value": pending.nonce},
                sub={"essential": True},
                exp={"essential": True},
            ).validate(token.claims)
        except aiohttp.ClientError:
            raise SignInRefused("Could not reach Slack to finish signing in. Try again.") from None
        except (JoseError, ValueError, KeyError, TypeError):
            raise SignInRefused(
                "Slack's sign-in token did not check out. Start again from the sign-in page."
            ) from None
        return dict(token.claims)

    async def _user_info(self, http: aiohttp.ClientSession, access_token: str) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {access_token}"}
        try:
            async with http.post(self.endpoints.userinfo_url, headers=headers) as response:
                body = await read_json(response, "Slack")
        except aiohttp.ClientError:
            raise SignInRefused("Could not reach Slack to finish signing in. Try again.") from None
        if body.get("ok") is not True:
            raise SignInRefused(f"Slack would not say who you are ({body.get('error')}).")
        return body
