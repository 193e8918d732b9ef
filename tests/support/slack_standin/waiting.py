"""Waiting for what the bot does asynchronously: woken on every change, never polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.support.slack_standin.records import RecordedCall, UploadedFile
from tests.support.slack_standin.state import SlackState


class Waiting(SlackState):
    """`wait_for` and the waits built on it; `notify_change` wakes them."""

    _change: asyncio.Event

    # -- waiting for asynchronous side effects ---------------------------------------------

    def notify_change(self) -> None:
        """Wake every `wait_for` to re-check its predicate.

        Called after every recorded Web API call (once its answer is known) and every hook
        post; test instrumentation may call it too when something else a predicate reads
        has changed. Waking is event-driven: waiters never poll on a timer.
        """
        self._change.set()
        self._change = asyncio.Event()

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
        *,
        description: str = "the expected Slack traffic",
    ) -> None:
        """Return as soon as `predicate()` is true, re-checked on every `notify_change`.

        Raises TimeoutError naming `description` (never a message body: bodies may carry
        what a member wrote) when it is still false after `timeout` seconds.
        """
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    # no await between the check and taking the event: no wake-up is lost
                    await self._change.wait()
        except TimeoutError:
            raise TimeoutError(f"{description} did not happen within {timeout}s") from None

    async def wait_for_hook_posts(
        self,
        n: int,
        *,
        name: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[dict[str, Any]]:
        """Wait for at least `n` response_url posts (to hook `name` only, when given)."""
        where = f" to hook {name!r}" if name is not None else ""
        await self.wait_for(
            lambda: len(self.hook_bodies(name)) >= n,
            timeout,
            description=f"{n} response_url post(s){where}",
        )
        return self.hook_bodies(name)

    async def wait_for_messages(
        self,
        user_id: str,
        n: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[RecordedCall]:
        """Wait for at least `n` accepted chat.postMessage calls in `user_id`'s DM."""
        await self.wait_for(
            lambda: len(self.sent_messages(user_id)) >= n,
            timeout,
            description=f"{n} DM(s) to {user_id}",
        )
        return self.sent_messages(user_id)

    async def wait_for_uploads(
        self,
        user_id: str,
        n: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[UploadedFile]:
        """Wait for at least `n` files shared in `user_id`'s DM."""
        await self.wait_for(
            lambda: len(self.uploads_to(user_id)) >= n,
            timeout,
            description=f"{n} file upload(s) to {user_id}",
        )
        return self.uploads_to(user_id)
