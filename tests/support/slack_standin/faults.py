"""Failures injected the way Slack reports them: HTTP 429 with Retry-After, HTTP 5xx, or
HTTP 200 with `{"ok": false, "error": ...}`, per method or per user."""

from __future__ import annotations

from collections import deque

from tests.support.slack_standin.model import _Refusal
from tests.support.slack_standin.state import SlackState


class FailureInjection(SlackState):
    """Tests call these to make the next calls of a method, or DMs to a user, fail."""

    _failing_users: dict[str, str]
    _refusals: dict[str, deque[_Refusal]]

    # -- failure injection -----------------------------------------------------------------

    def fail_user(self, user_id: str, error: str = "user_not_found") -> None:
        """DMs to this user (chat.postMessage, conversations.open) answer ok=false `error`."""
        self._failing_users[user_id] = error

    def rate_limit_next(self, method: str, times: int, retry_after: int = 0) -> None:
        """The next `times` calls of `method` get HTTP 429 with a Retry-After header."""
        queue = self._refusals.setdefault(method, deque())
        queue.extend(_Refusal(429, retry_after) for _ in range(times))

    def server_error_next(self, method: str, times: int, status: int = 500) -> None:
        """The next `times` calls of `method` get HTTP `status` (Slack's occasional 5xx);
        `UPLOAD_METHOD` refuses POSTs of file bytes to upload URLs instead."""
        queue = self._refusals.setdefault(method, deque())
        queue.extend(_Refusal(status) for _ in range(times))

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 200 `{"ok": false, "error": error}`,
        e.g. views.open with "expired_trigger_id"."""
        queue = self._refusals.setdefault(method, deque())
        queue.extend(_Refusal(200, error=error) for _ in range(times))
