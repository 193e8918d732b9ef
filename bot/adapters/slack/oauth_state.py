"""Slack OAuth `state` values: signed and stateless, so the open install page writes nothing.

`GET /slack/install` needs no authentication, so a state stored per request would let
anyone fill the database. A signed state (an expiry and a nonce, with an HMAC keyed from the
client secret) is checked on the redirect instead. Only a state that passes that check is
written down, as the hash of its nonce until it expires, so that a second use is refused
by every process sharing the database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from logging import Logger
from typing import Any

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.database import Database
from bot.store.dialect import insert_ignoring_duplicates
from bot.store.slack_models import OAuthState

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

    Single use holds across processes: consuming a good state inserts the SHA-256 of its
    nonce into `oauth_state` (a duplicate insert lands nowhere, so of two processes taking
    one state, one wins), and rows go once their state has expired. Only states the bot
    signed in the last 10 minutes are ever written, each once, so the table stays small.
    """

    def __init__(self, secret: str, expiration_seconds: int, clock: Clock, db: Database) -> None:
        if not secret:
            raise ValueError("signing OAuth states needs a secret")
        self._key = hmac.new(STATE_KEY_LABEL, secret.encode(), hashlib.sha256).digest()
        self._lifetime = timedelta(seconds=expiration_seconds)
        self._clock = clock
        self._db = db

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
        if not await self._db.run(partial(_spend, _nonce_hash(nonce), expires, now)):
            log.info("oauth state refused", extra={"fields": {"reason": "used"}})
            return False
        return True

    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


async def _spend(nonce_hash: str, expires: datetime, now: datetime, session: AsyncSession) -> bool:
    """Record one use of a state; False when it was used before (by any process)."""
    await session.execute(delete(OAuthState).where(OAuthState.expires_at <= now))
    landed = await session.execute(
        insert_ignoring_duplicates(session, OAuthState, ["state"]).values(
            state=nonce_hash, expires_at=expires
        )
    )
    return bool(getattr(landed, "rowcount", 0))
