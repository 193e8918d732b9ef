"""Slack's posting limits as Slack sets them: chat.postMessage allows about one message a
second per channel (each member's DM is its own channel) and a workspace-wide rate on top
(`PLN_SLACK_SEND_RATE`, default 5/s).

A 429 halves the rate of the workspace it came from (AIMD, `bot.adapters.pacing`). The
retry handlers see a 429 before the messenger does, deep inside slack_sdk, without knowing
the workspace; the messenger names it for the call in a context variable, so the handler
slows the right one down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.adapters.pacing import Monotonic, PacerSet, Sleep, wait_turns

CHANNEL_RATE = 1.0  # chat.postMessage: about 1 message per second per channel
DEFAULT_WORKSPACE_RATE = 5.0
ANY_WORKSPACE = ""  # a call made outside a send (bolt's own): Slack's limits still apply

_workspace: ContextVar[str] = ContextVar("pln_slack_workspace", default=ANY_WORKSPACE)


class SlackLimits:
    """Per-channel and per-workspace pacers, shared by every send of the process."""

    def __init__(
        self,
        workspace_rate: float = DEFAULT_WORKSPACE_RATE,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.workspaces = PacerSet(workspace_rate, sleep=sleep, monotonic=monotonic)
        self.channels = PacerSet(CHANNEL_RATE, sleep=sleep, monotonic=monotonic)

    def __deepcopy__(self, memo: dict[int, object]) -> SlackLimits:
        return self  # bolt deep-copies contexts holding the client's retry handlers

    @property
    def cool_downs(self) -> int:
        return self.workspaces.cool_downs

    async def wait_turn(self, workspace: str, channel: str) -> None:
        """The channel's second, then the workspace's turn."""
        await wait_turns(self.channels.of(f"{workspace}/{channel}"), self.workspaces.of(workspace))

    def slow_down(self, seconds: float) -> None:
        """A 429 for the workspace of the call in progress: halve its rate, hold it."""
        self.workspaces.of(_workspace.get()).slow_down(seconds)

    def slow_down_workspace(self, workspace: str, seconds: float) -> None:
        self.workspaces.of(workspace).slow_down(seconds)

    @contextmanager
    def calling_for(self, workspace: str) -> Iterator[None]:
        """Calls made inside are this workspace's (for `slow_down` from the retry handler)."""
        token = _workspace.set(workspace)
        try:
            yield
        finally:
            _workspace.reset(token)

    def scope(self, workspace: str, channel: str) -> ChannelTurns:
        return ChannelTurns(self, workspace, channel)


class ChannelTurns:
    """Turns for one channel of one workspace (what `upload_files` paces with)."""

    def __init__(self, limits: SlackLimits, workspace: str, channel: str) -> None:
        self._limits = limits
        self._workspace = workspace
        self._channel = channel

    async def wait_turn(self) -> None:
        await self._limits.wait_turn(self._workspace, self._channel)
