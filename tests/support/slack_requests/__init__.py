"""Signed HTTP requests to a bolt app's `POST /slack/events`, in Slack's real payload shapes.

Bolt verifies `X-Slack-Signature` against the real wall clock, so the signature here is computed
the way Slack does (v0 HMAC-SHA256 over "v0:{timestamp}:{body}") with `time.time()`. `signing`
selects a broken variant to prove the app refuses it: "forged" (wrong secret), "stale" (valid
signature over a timestamp 10 minutes old) or "missing" (no signature headers at all).

The payload builders are public so the same shapes can be delivered over Socket Mode
(`SlackStandIn.socket_send`), where Slack sends exactly these bodies inside an envelope.

The package splits the work by job, and `client.SlackRequests` composes the parts: `signing`
(the signature and its broken variants), `ids` (fresh ts values and ids), `constants`, and
one payload module per kind of request: `slash_commands`, `events` and `interactivity`.
"""

from tests.support.slack_requests.client import SlackRequests, SlackResponse
from tests.support.slack_requests.constants import BOT_USER_ID, FORM, VERIFICATION_TOKEN
from tests.support.slack_requests.ids import next_ts, unique_id
from tests.support.slack_requests.signing import STALE_SECONDS, Signing, slack_signature

__all__ = [
    "BOT_USER_ID",
    "FORM",
    "STALE_SECONDS",
    "VERIFICATION_TOKEN",
    "Signing",
    "SlackRequests",
    "SlackResponse",
    "next_ts",
    "slack_signature",
    "unique_id",
]
