"""Pytest plugin: `discord_standin_factory` starts Discord stand-ins on 127.0.0.1 for a test.

Registered in tests/conftest.py (`pytest_plugins`). Use it where a fixture or test needs a
stand-in of its own:

    async with discord_standin_factory(token=TOKEN) as standin:
        standin.add_user(...)

The keyword arguments are `DiscordStandIn`'s; the stand-in is stopped when the block ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest

from tests.support.discord_standin.server import DiscordStandIn

DiscordStandInFactory = Callable[..., AbstractAsyncContextManager[DiscordStandIn]]


@asynccontextmanager
async def running_discord_standin(**options: Any) -> AsyncIterator[DiscordStandIn]:
    """A started `DiscordStandIn(**options)`, bound to 127.0.0.1; stopped on leaving."""
    async with DiscordStandIn(**options) as standin:
        yield standin


@pytest.fixture
def discord_standin_factory() -> DiscordStandInFactory:
    """An async context manager factory: `async with discord_standin_factory(**options)`."""
    return running_discord_standin
