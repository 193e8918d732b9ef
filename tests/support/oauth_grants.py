"""The authorization-code grant as a platform enforces it, shared by the Slack and Discord
stand-ins: registered apps (client id, secret, redirect URLs), the person signed in at the
platform in the test's browser, and codes that are single use, short-lived and bound to
the client, the redirect URL and the PKCE challenge.

Every check is real, so a client that sends the wrong secret, redirect URL or verifier is
refused here the way the platform would refuse it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

CODE_LIFETIME_SECONDS = 600


class GrantRefused(Exception):
    """A request the platform refuses; `error` is the platform's error code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    client_secret: str
    redirect_uris: frozenset[str]


@dataclass(frozen=True)
class Grant:
    """What a code stands for: who signed in, for which app, redirect URL and challenge."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    user_id: str
    scope: str
    nonce: str
    issued_at: float


@dataclass
class AuthorizationServer:
    """Apps, the signed-in person, codes and access tokens of one stand-in platform."""

    now: Callable[[], float] = time.time
    apps: dict[str, RegisteredApp] = field(default_factory=dict)
    browser_user: str | None = None  # who is signed in to the platform in the test browser
    tokens: dict[str, Grant] = field(default_factory=dict)  # access token -> its grant
    refusals: list[str] = field(default_factory=list)  # every error answered, in order
    _codes: dict[str, Grant] = field(default_factory=dict)

    def register_app(self, client_id: str, client_secret: str, *redirect_uris: str) -> None:
        self.apps[client_id] = RegisteredApp(client_id, client_secret, frozenset(redirect_uris))

    def sign_in_as(self, user_id: str | None) -> None:
        """The person the platform's authorize page sees as signed in (None: nobody)."""
        self.browser_user = user_id

    def authorize(self, query: Mapping[str, str], required_scopes: set[str]) -> str:
        """Where the platform sends the browser back: the redirect URL with a code and the
        state; GrantRefused when the request is bad before a redirect URL can be trusted."""
        app = self.apps.get(query.get("client_id", ""))
        if app is None:
            raise self._refuse("invalid_client_id")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in app.redirect_uris:
            raise self._refuse("bad_redirect_uri")
        state = query.get("state", "")
        if query.get("response_type") != "code":
            return self._back(redirect_uri, error="unsupported_response_type", state=state)
        scopes = set(query.get("scope", "").split())
        if not required_scopes <= scopes:
            return self._back(redirect_uri, error="invalid_scope", state=state)
        challenge = query.get("code_challenge", "")
        if query.get("code_challenge_method") != "S256" or len(challenge) < 43:
            return self._back(redirect_uri, error="invalid_request", state=state)
        if self.browser_user is None:
            return self._back(redirect_uri, error="access_denied", state=state)
        code = secrets.token_urlsafe(24)
        self._codes[code] = Grant(
            app.client_id,
            redirect_uri,
            challenge,
            self.browser_user,
            query.get("scope", ""),
            query.get("nonce", ""),
            self.now(),
        )
        return self._back(redirect_uri, code=code, state=state)

    def redeem(
        self,
        *,
        client_id: str,
        client_secret: str,
        code: str,
        redirect_uri: str,
        code_verifier: str,
        grant_type: str,
    ) -> tuple[str, Grant]:
        """A new access token for a code, once; GrantRefused with the platform's error."""
        app = self.apps.get(client_id)
        if app is None:
            raise self._refuse("invalid_client_id")
        if not hmac.compare_digest(client_secret.encode(), app.client_secret.encode()):
            raise self._refuse("bad_client_secret")
        if grant_type != "authorization_code":
            raise self._refuse("unsupported_grant_type")
        grant = self._codes.pop(code, None)  # single use, even when refused below
        if grant is None or grant.client_id != client_id:
            raise self._refuse("invalid_code")
        if self.now() - grant.issued_at > CODE_LIFETIME_SECONDS:
            raise self._refuse("code_expired")
        if redirect_uri != grant.redirect_uri:
            raise self._refuse("bad_redirect_uri")
        digest = hashlib.sha256(code_verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if not code_verifier or not hmac.compare_digest(challenge, grant.code_challenge):
            raise self._refuse("invalid_code_verifier")
        token = secrets.token_urlsafe(24)
        self.tokens[token] = grant
        return token, grant

    def _refuse(self, error: str) -> GrantRefused:
        self.refusals.append(error)
        return GrantRefused(error)

    def _back(self, redirect_uri: str, **params: str) -> str:
        if "error" in params:
            self.refusals.append(params["error"])
        separator = "&" if "?" in redirect_uri else "?"
        return redirect_uri + separator + urlencode({k: v for k, v in params.items() if v})
