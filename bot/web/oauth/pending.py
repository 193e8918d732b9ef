"""A sign-in in progress: the `state`, PKCE verifier and nonce a browser must bring back.

They travel in a signed cookie rather than a server-side table, so a callback may land on
any of several processes sharing one database, and so the state is bound to the browser
that started the sign-in (a callback with another browser's `state` is refused: that is
what stops someone from signing a victim in as the attacker). The cookie is signed with
itsdangerous and carries its own expiry, checked against the injected clock.
"""

from __future__ import annotations

import hmac
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Final

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from itsdangerous import BadSignature, URLSafeSerializer

PENDING_COOKIE: Final = "pln_signin"
PENDING_LIFETIME: Final = timedelta(minutes=10)
_SALT: Final = "pln-web-oauth-pending"


class SignInRefused(Exception):
    """The sign-in cannot go on; str() is one line a person can act on (never a secret)."""


@dataclass(frozen=True)
class PendingSignIn:
    """What the callback checks: which platform, the `state` sent, the PKCE verifier, the
    OpenID nonce, an optional community the person asked for, and when it stops counting."""

    provider: str
    state: str
    code_verifier: str
    nonce: str
    expires_at: int  # seconds since the epoch
    community: str = ""

    @property
    def code_challenge(self) -> str:
        """PKCE S256: the hash of the verifier, sent with the authorize redirect."""
        return str(create_s256_code_challenge(self.code_verifier))


def start_pending(provider: str, now: datetime, community: str = "") -> PendingSignIn:
    """A fresh sign-in: unguessable state, verifier (43+ characters, RFC 7636) and nonce."""
    return PendingSignIn(
        provider=provider,
        state=generate_token(32),
        code_verifier=generate_token(64),
        nonce=generate_token(32),
        expires_at=int((now + PENDING_LIFETIME).timestamp()),
        community=community[:64],
    )


class PendingCookies:
    """Signs pending sign-ins into a cookie value and checks one coming back."""

    def __init__(self, secret: str | bytes) -> None:
        self._serializer = URLSafeSerializer(secret, salt=_SALT)

    def dump(self, pending: PendingSignIn) -> str:
        return str(self._serializer.dumps(asdict(pending)))

    def check(
        self, cookie: str | None, *, provider: str, state: str | None, now: datetime
    ) -> PendingSignIn:
        """The pending sign-in this callback belongs to, or SignInRefused saying why."""
        if not cookie:
            raise SignInRefused(
                "This sign-in was not started in this browser (or cookies are off). "
                "Start again from the sign-in page."
            )
        try:
            fields = self._serializer.loads(cookie)
            pending = PendingSignIn(**fields)
        except (BadSignature, TypeError):
            raise SignInRefused("This sign-in could not be checked. Start again.") from None
        if pending.provider != provider:
            raise SignInRefused("This sign-in was started for another platform. Start again.")
        if now.timestamp() >= pending.expires_at:
            raise SignInRefused("This sign-in took longer than 10 minutes. Start again.")
        if not state or not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise SignInRefused(
                "This sign-in does not match the one started in this browser. Start again."
            )
        return pending
