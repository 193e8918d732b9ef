"""The token bucket the platform stand-ins enforce their rate limits with."""

from __future__ import annotations


class TokenBucket:
    """`rate` calls a second with bursts of `burst`: the shape of a platform's limiter."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, burst)
        self.tokens = self.capacity
        self.stamp = now

    def wait(self, now: float) -> float:
        """0 when a call may pass now, else the seconds until one could (nothing taken)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0
