"""Slack OAuth `state` values: signed and stateless, so the open install page writes nothing.

`GET /slack/install` needs no authentication, so a state stored per request would let
anyone fill the database. A signed state (an expiry and a nonce, with an HMAC keyed from the
client secret) is checked on the redirect instead; nonces are remembered only until their
state expires, to refuse a second use in this process. (The `oauth_state` table of the
earlier stored form is left in the schema, unused.)
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from logging import Logger
from typing import Any

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

STATE_NONCE_BYTES = 16  # a signed state's random part: 32 hex characters
# derives the state-signing key from the client secret, so the secret itself signs nothing
STATE_KEY_LABEL = b"pln-bot slack oauth state v1"


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class SignedOAuthStateStore(AsyncOAuthStateStore):
    """OAuth `state` values that need no storage: a random nonce and an expiry, signed.

    `GET /slack/install` needs no authentication, so issuing a state must cost nothing that
    piles up: a state is `<expiry>-<nonce>-<HMAC-SHA256>` keyed with a secret only the bot
    holds (the Slack client secret), and nothing is written anywhere. Any process behind
    the load balancer can check a state another one issued, as long as they share the
    secret. A state is refused when its signature does not match (tampered, or made with
    another secret) or its expiry (10 minutes) has passed.

    Single use is kept per process only: a consumed nonce is remembered until its state
    expires (at most `max_remembered` of them), so a replay to the same process is refused.
    Across processes a state could be used again within its 10 minutes; bolt's state
    cookie still ties it to the browser that began the install.
    """

    def __init__(
        self,
        secret: str,
        expiration_seconds: int,
        clock: Clock,
        *,
        max_remembered: int = 10_000,
    ) -> None:
        if not secret:
            raise ValueError("signing OAuth states needs a secret")
        self._key = hmac.new(STATE_KEY_LABEL, secret.encode(), hashlib.sha256).digest()
        self._lifetime = timedelta(seconds=expiration_seconds)
        self._clock = clock
        self._max_remembered = max_remembered
        self._consumed: dict[str, datetime] = {}  # nonce -> its state's expiry

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A fresh signed state; nothing is stored."""
        expires = int((self._clock() + self._lifetime).timestamp())
        body = f"{expires}-{secrets.token_hex(STATE_NONCE_BYTES)}"
        return f"{body}-{self._sign(body)}"

    async def async_consume(self, state: str) -> bool:
        """True for a state this secret signed that has not expired nor been used here."""
        now = self._clock()
        expires_text, _, rest = state.partition("-")
        nonce, _, signature = rest.partition("-")
        body = f"{expires_text}-{nonce}"
        if not (expires_text.isdigit() and nonce and signature):
            return False
        if not hmac.compare_digest(signature, self._sign(body)):
            log.info("oauth state refused", extra={"fields": {"reason": "signature"}})
            return False
        expires = _from_epoch(int(expires_text))
        if now >= expires:
            log.info("oauth state refused", extra={"fields": {"reason": "expired"}})
            return False
        self._forget_expired(now)
        if nonce in self._consumed:
            log.info("oauth state refused", extra={"fields": {"reason": "used"}})
            return False
        if len(self._consumed) >= self._max_remembered:
            # full of live states: forget the one closest to expiring (bounded memory)
            del self._consumed[min(self._consumed, key=self._consumed.__getitem__)]
        self._consumed[nonce] = expires
        return True

    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def _forget_expired(self, now: datetime) -> None:
        for nonce in [n for n, expires in self._consumed.items() if now >= expires]:
            del self._consumed[nonce]
