"""Slack's rate limits, enforced: a fan-out test or benchmark meets the platform's real rules.

Off unless a `SlackLimits` is given to `SlackStandIn(limits=...)`, so other tests see an
instant, unlimited Slack. With it, every Web API call takes `latency` seconds (as a real
network does), chat.postMessage is limited per channel (Slack: about 1 a second, each
member's DM being its own channel) and per workspace (Slack: several hundred a minute),
answering HTTP 429 with a whole-second Retry-After beyond either, and a share of calls can be
answered 5xx before anything is stored. Wall-clock time: these limits are the platform's, not
the bot's simulated clock's.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.slack_standin.constants import Answer
from tests.support.slack_standin.records import RecordedCall
from tests.support.token_bucket import TokenBucket

LIMITED_METHODS = frozenset({"chat.postMessage"})


@dataclass(frozen=True)
class SlackLimits:
    """What the stand-in enforces. `None` turns a limit off."""

    latency: float = 0.150  # seconds before every Web API answer
    per_channel: float | None = 1.0  # chat.postMessage per channel per second
    workspace: float | None = 5.0  # chat.postMessage per workspace per second
    burst_seconds: float = 1.0  # a bucket holds this many seconds' worth of calls
    server_error_rate: float = 0.0  # share of limited calls answered 5xx, nothing stored
    server_error_status: int = 503
    seed: int = 0  # for the 5xx draw, so a run can be repeated
    # A 5xx is transient: a channel just refused one is not refused again on the next try.
    server_errors_in_a_row: int = 1


class LimitEnforcer:
    """Decides, per call, whether Slack would refuse it; counts what it refused."""

    def __init__(
        self, limits: SlackLimits, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self.rate_limited = 0  # 429s answered
        self.server_errors = 0  # 5xx answered
        self.refused_by_scope: Counter[str] = Counter()
        self._monotonic = monotonic
        self._random = random.Random(limits.seed)
        self._errors_in_a_row: Counter[str] = Counter()
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    async def delay(self) -> None:
        if self.limits.latency > 0:
            await asyncio.sleep(self.limits.latency)

    def refusal(self, call: RecordedCall, team_id: str) -> tuple[int, Answer, dict[str, str]]:
        """An answer refusing `call`, or status 0 when Slack would let it through."""
        if call.method not in LIMITED_METHODS:
            return 0, {}, {}
        now = self._monotonic()
        channel = _channel_of(call)
        buckets = [
            (scope, self._bucket(scope, key, rate, now))
            for scope, key, rate in (
                ("channel", f"{team_id}/{channel}", self.limits.per_channel),
                ("workspace", team_id, self.limits.workspace),
            )
            if rate is not None
        ]
        for scope, bucket in buckets:
            wait = bucket.wait(now)
            if wait > 0:  # refused calls take no token: Slack counts what it accepts
                self.rate_limited += 1
                self.refused_by_scope[scope] += 1
                retry_after = str(max(1, math.ceil(wait)))
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": retry_after}
        for _, bucket in buckets:
            bucket.take()
        if self._server_error(channel):
            return self.limits.server_error_status, {"ok": False, "error": "fatal_error"}, {}
        return 0, {}, {}

    def _server_error(self, channel: str) -> bool:
        """Draw a 5xx for a call to `channel`, never more than the allowed run in a row."""
        if self._errors_in_a_row[channel] >= self.limits.server_errors_in_a_row:
            del self._errors_in_a_row[channel]
            return False
        if self._random.random() >= self.limits.server_error_rate:
            self._errors_in_a_row.pop(channel, None)
            return False
        self._errors_in_a_row[channel] += 1
        self.server_errors += 1
        return True

    def _bucket(self, scope: str, key: str, rate: float, now: float) -> TokenBucket:
        bucket = self._buckets.get((scope, key))
        if bucket is None:
            bucket = TokenBucket(rate, rate * self.limits.burst_seconds, now)
            self._buckets[(scope, key)] = bucket
        return bucket


def _channel_of(call: RecordedCall) -> str:
    """The channel a post lands in: a user id means that user's DM, as Slack reads it."""
    channel = str(call.params.get("channel") or "")
    return "D" + channel if channel[:1] in ("U", "W") else channel
