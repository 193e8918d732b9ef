"""Pytest plugin: `slack_standin_factory` starts Slack stand-ins on 127.0.0.1 for a test.

Registered in tests/conftest.py (`pytest_plugins`). Use it where a fixture or test needs a
stand-in of its own:

    async with slack_standin_factory() as standin:
        standin.add_user(...)

The stand-in is stopped when the block ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from tests.support.slack_standin.server import SlackStandIn

SlackStandInFactory = Callable[[], AbstractAsyncContextManager[SlackStandIn]]


@asynccontextmanager
async def running_slack_standin() -> AsyncIterator[SlackStandIn]:
    """A started `SlackStandIn`, bound to 127.0.0.1; stopped on leaving."""
    async with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def slack_standin_factory() -> SlackStandInFactory:
    """An async context manager factory: `async with slack_standin_factory() as standin`."""
    return running_slack_standin
