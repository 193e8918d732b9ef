"""Slack's request signature, and the broken variants that prove the app refuses them:
"forged" (wrong secret), "stale" (a timestamp 10 minutes old) or "missing"."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Literal

Signing = Literal["valid", "forged", "stale", "missing"]

STALE_SECONDS = 600


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class RequestSigning:
    """Signs request bodies with the app's signing secret."""

    signing_secret: str

    def signature_headers(self, body: bytes, signing: Signing = "valid") -> dict[str, str]:
        if signing == "missing":
            return {}
        timestamp = int(time.time()) - (STALE_SECONDS if signing == "stale" else 0)
        secret = self.signing_secret if signing != "forged" else "not-" + self.signing_secret
        return {
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": slack_signature(secret, str(timestamp), body),
        }
