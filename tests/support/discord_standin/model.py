"""The stand-in's own bookkeeping: snowflakes, injected faults, routed calls and their
answers, guilds, interactions, and gateway connections and sessions."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.support.discord_standin.constants import DISCORD_EPOCH_MS, JsonDict
from tests.support.discord_standin.records import (
    InteractionResponse,
    RecordedFile,
    RecordedRequest,
)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json_dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _Snowflakes:
    """Snowflakes from the wall clock, strictly increasing even within one millisecond."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> str:
        from_clock = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(from_clock, self._last + 1)
        return str(self._last)


@dataclass
class _Fault:
    """An injected failure for the next `remaining` matching REST calls."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    answer: Callable[[str], _Answer]

    def applies(self, method: str, path: str) -> bool:
        method_ok = self.method == "*" or self.method.upper() == method
        return self.remaining > 0 and method_ok and self.pattern.fullmatch(path) is not None


@dataclass
class _Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Call:
    """A REST call being handled: route parameters plus the decoded body."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Callable[[_Call], Any]
    needs_auth: bool
    bucket: str


@dataclass
class _Guild:
    id: str
    name: str
    owner_id: str
    member_ids: list[str]
    member_permissions: dict[str, int]
    channel_ids: list[str]
    joined_at: str


@dataclass
class _Interaction:
    id: str
    token: str
    type: int
    payload: JsonDict
    user_id: str
    guild_id: str | None
    channel_id: str
    message_id: str | None
    created: float
    callback_type: int | None = None
    original_message_id: str | None = None
    responses: list[InteractionResponse] = field(default_factory=list)
    followup_ids: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Connection:
    """One gateway websocket; its zlib context lives as long as the socket, as on Discord."""

    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    query: dict[str, str]
    compressor: Any | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    session: _Session | None = None


@dataclass(eq=False)
class _Session:
    session_id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    events: list[JsonDict] = field(default_factory=list)
    connection: _Connection | None = None


Interceptor = Callable[["RecordedRequest", int], "_Answer | None"]
"""A fault test's hook: sees a REST call and the port it came in on; may answer it instead."""
