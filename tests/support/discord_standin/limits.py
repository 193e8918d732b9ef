"""Discord's rate limits, enforced: a fan-out test or benchmark meets the platform's real rules.

Off unless a `DiscordLimits` is given to `DiscordStandIn(limits=...)`, so other tests see an
instant, unlimited Discord. With it, every REST call takes `latency` seconds (as a real
network does); the bot's REST calls are limited globally (Discord: 50 a second per bot;
interaction callbacks and webhooks are outside it), opening a DM channel
(POST /users/@me/channels) has its own, stricter rate (Discord's anti-spam for new DMs),
and a share of message posts can be answered 5xx before anything is stored. Refusals are
429s as discord.py expects them: a `retry_after` JSON body with `global`, Retry-After and
X-RateLimit-* headers (the `Via` header every answer carries tells discord.py it is not a
Cloudflare ban). Wall-clock time: these limits are the platform's, not the bot's clock's.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.discord_standin.model import _Answer
from tests.support.token_bucket import TokenBucket

DM_OPEN = ("POST", "/users/@me/channels")
OUTSIDE_GLOBAL = ("/interactions/", "/webhooks/")
MESSAGE_POST_SUFFIX = "/messages"


@dataclass(frozen=True)
class DiscordLimits:
    """What the stand-in enforces. `None` turns a limit off."""

    latency: float = 0.150  # seconds before every REST answer
    global_per_second: float | None = 50.0  # every REST call of the bot
    dm_open_per_second: float | None = 5.0  # POST /users/@me/channels
    burst_seconds: float = 1.0  # a bucket holds this many seconds' worth of calls
    server_error_rate: float = 0.0  # share of message posts answered 5xx, nothing stored
    server_error_status: int = 502  # one discord.py retries itself (500/502/504 are)
    seed: int = 0  # for the 5xx draw, so a run can be repeated
    # A 5xx is transient: a channel just refused one is not refused again on the next try.
    server_errors_in_a_row: int = 1


class DiscordLimitEnforcer:
    """Decides, per REST call, whether Discord would refuse it; counts what it refused."""

    def __init__(
        self, limits: DiscordLimits, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self.rate_limited = 0  # 429s answered
        self.server_errors = 0  # 5xx answered
        self.refused_by_scope: Counter[str] = Counter()
        self._monotonic = monotonic
        self._random = random.Random(limits.seed)
        self._errors_in_a_row: Counter[str] = Counter()
        now = monotonic()
        self._global = _bucket(limits.global_per_second, limits.burst_seconds, now)
        self._dm_open = _bucket(limits.dm_open_per_second, limits.burst_seconds, now)

    async def delay(self) -> None:
        if self.limits.latency > 0:
            await asyncio.sleep(self.limits.latency)

    def refusal(
        self, method: str, path: str, bucket_headers: Callable[[float], dict[str, str]]
    ) -> _Answer | None:
        """An answer refusing the call, or None when Discord would let it through."""
        if path.startswith(OUTSIDE_GLOBAL):
            return None
        now = self._monotonic()
        scoped = [("global", self._global)]
        if (method, path) == DM_OPEN:
            scoped.append(("dm_open", self._dm_open))
        for scope, bucket in scoped:
            if bucket is None:
                continue
            wait = bucket.wait(now)
            if wait > 0:
                self.rate_limited += 1
                self.refused_by_scope[scope] += 1
                return _too_many(scope, wait, bucket_headers)
        for _, bucket in scoped:
            if bucket is not None:
                bucket.take()
        is_post = method == "POST" and path.endswith(MESSAGE_POST_SUFFIX)
        if is_post and self._server_error(path):
            status = self.limits.server_error_status
            return _Answer(status, {"message": f"{status}: Bad Gateway", "code": 0})
        return None

    def advertised(self, method: str, path: str) -> tuple[int, int, float] | None:
        """The bucket a successful answer tells the client about (limit, remaining, seconds
        to reset), where the stand-in enforces one of its own: the DM-open limit. Discord's
        answers say what a route allows, and discord.py paces itself by them, so they must
        say what is enforced: no more (429s), no less (a fan-out held below the limit)."""
        if (method, path) != DM_OPEN or self._dm_open is None:
            return None
        bucket = self._dm_open
        bucket.wait(self._monotonic())  # brings its tokens up to date
        return int(bucket.capacity), max(int(bucket.tokens), 0), self.limits.burst_seconds

    def _server_error(self, path: str) -> bool:
        """Draw a 5xx for a post to `path`, never more than the allowed run in a row."""
        if self._errors_in_a_row[path] >= self.limits.server_errors_in_a_row:
            del self._errors_in_a_row[path]
            return False
        if self._random.random() >= self.limits.server_error_rate:
            self._errors_in_a_row.pop(path, None)
            return False
        self._errors_in_a_row[path] += 1
        self.server_errors += 1
        return True


def _bucket(rate: float | None, burst_seconds: float, now: float) -> TokenBucket | None:
    return None if rate is None else TokenBucket(rate, rate * burst_seconds, now)


def _too_many(
    scope: str, wait: float, bucket_headers: Callable[[float], dict[str, str]]
) -> _Answer:
    is_global = scope == "global"
    headers = {
        "Retry-After": str(max(1, math.ceil(wait))),
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update(bucket_headers(wait))
    body = {
        "message": "You are being rate limited.",
        "retry_after": round(wait, 3),
        "global": is_global,
        "code": 0,
    }
    return _Answer(429, body, headers)
