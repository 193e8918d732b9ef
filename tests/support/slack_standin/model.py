"""The stand-in's own bookkeeping: pending uploads, installed teams, injected refusals,
and the failure a Web API method raises to answer `{"ok": false}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.support.slack_standin.constants import Answer
from tests.support.slack_standin.records import RecordedCall


@dataclass
class _PendingUpload:
    """An upload URL handed out by files.getUploadURLExternal, and the bytes POSTed to it."""

    filename: str
    length: int
    team_id: str
    content: bytes | None = None


@dataclass(frozen=True)
class _Team:
    """An installed bot token: one workspace's, or (with `enterprise_id`) an org-wide
    install's, which speaks in the org's workspaces it was granted (`workspaces`)."""

    team_id: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    name: str
    enterprise_id: str | None = None
    workspaces: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Refusal:
    """An injected failure: 429 (with Retry-After), a 5xx, or HTTP 200 with an error."""

    status: int
    retry_after: int | None = None
    error: str | None = None

    def answer(self) -> tuple[int, Answer, dict[str, str]]:
        if self.error is not None:
            return self.status, {"ok": False, "error": self.error}, {}
        if self.retry_after is not None:
            body = {"ok": False, "error": "ratelimited"}
            return self.status, body, {"Retry-After": str(self.retry_after)}
        return self.status, {"ok": False, "error": "internal_error"}, {}


class _Fail(Exception):
    """Raised by a method handler to answer HTTP 200 `{"ok": false, "error": ...}` like Slack."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


Handler = Callable[[RecordedCall, _Team], Answer]

Interceptor = Callable[[RecordedCall, int], tuple[int, Answer, dict[str, str]] | None]
"""A fault test's hook: sees a call and the port it came in on; may answer it instead."""
