"""Failures injected the way Discord reports them: 429s with bucket headers, 5xx, refused
DMs, refused uploads, and messages accepted whose answer is lost."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from tests.support.discord_standin.constants import CODE_CANNOT_MESSAGE_USER, Snowflake
from tests.support.discord_standin.model import _Answer, _Fault
from tests.support.discord_standin.records import _compile_path_pattern
from tests.support.discord_standin.rest import Rest


class FaultInjection(Rest):
    """Tests call these to make the next matching REST calls fail."""

    _dm_failures: dict[str, tuple[int, int, str, int | None]]
    _accept_then_fail: int

    # -- fault injection -------------------------------------------------------------------

    def rate_limit_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        times: int = 1,
        retry_after: float = 0.0,
        global_: bool = False,
    ) -> None:
        """Answer the next `times` matching calls with 429 as Discord does.

        Headers: Retry-After, X-RateLimit-{Limit,Remaining=0,Reset,Reset-After,Bucket,Scope},
        X-RateLimit-Global for global limits, and `Via` (discord.py treats a 429 without Via
        as a Cloudflare ban and raises instead of retrying). Body: message/retry_after/global.
        """

        def answer(bucket: str) -> _Answer:
            headers = {
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Scope": "global" if global_ else "user",
            }
            if global_:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(self._bucket_headers(bucket, remaining=0, reset_after=retry_after))
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": global_,
                "code": 0,
            }
            return _Answer(429, body, headers)

        self._add_fault(method, path_pattern, times, answer)

    def server_error_next(
        self, method: str, path_pattern: str | re.Pattern[str], times: int = 1, status: int = 500
    ) -> None:
        """Answer the next `times` matching calls with a 5xx.

        discord.py retries 500/502/504/524 after sleeping 1 + 2*attempt seconds (up to five
        tries) and raises DiscordServerError at once for other 5xx such as 503.
        """
        body = {"message": f"{status}: Server Error", "code": 0}
        self._add_fault(method, path_pattern, times, lambda _bucket: _Answer(status, body))

    def fail_dm(
        self,
        user_id: Snowflake,
        code: int = CODE_CANNOT_MESSAGE_USER,
        status: int = 403,
        message: str = "Cannot send messages to this user",
        *,
        times: int | None = None,
    ) -> None:
        """Refuse messages to `user_id`'s DM (they block DMs or left every shared guild).

        Lasts until `allow_dm(user_id)` unless `times` limits it. discord.py raises
        discord.Forbidden with `.code == 50007`.
        """
        self._dm_failures[str(user_id)] = (code, status, message, times)

    def allow_dm(self, user_id: Snowflake) -> None:
        self._dm_failures.pop(str(user_id), None)

    def dm_too_fast_next(self, times: int = 1, status: int = 403) -> None:
        """Refuse the next `times` DM openings (POST /users/@me/channels) with code 40003."""
        body = {"message": "You are opening direct messages too fast.", "code": 40003}
        self._add_fault("POST", "/users/@me/channels", times, lambda _bucket: _Answer(status, body))

    def accept_then_fail_next(self, times: int = 1) -> None:
        """The next `times` message posts are stored and delivered, then answered 500.

        The case a retry must not turn into a duplicate: Discord accepted the message but
        the answer was lost, so the client cannot know it was sent.
        """
        self._accept_then_fail += times

    def refuse_files_next(self, times: int = 1, status: int = 413) -> None:
        """The next `times` requests that carry files are refused with `status` and nothing
        is stored: 413 is Discord's "Request entity too large" (code 40005)."""
        self._refuse_files.extend([status] * times)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._dm_failures.clear()

    def _add_fault(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        times: int,
        answer: Callable[[str], _Answer],
    ) -> None:
        pattern = _compile_path_pattern(path_pattern)
        self._faults.append(_Fault(method, pattern, times, answer))
