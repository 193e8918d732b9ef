"""The Slack adapter as it runs for real: bolt on a real port, Slack's Web API a local stand-in.

`slack_bot` starts the same SlackService the CLI starts, on the test's database (a real SQLite
file or the real PostgreSQL server), HTTP mode on 127.0.0.1:0, with SLACK_API_URL pointing at
the stand-in. Sleeps inside pacing and retries are recorded, never waited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.adapters.slack.service import SlackService, build_slack_service
from bot.adapters.slack.settings import SlackSettings
from bot.config import load_settings
from bot.core.clock import SimulatedClock
from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test"
MODERATOR = "UMOD"


@dataclass
class Sleeps:
    """Every sleep pacing and retries asked for, in seconds; none is actually waited."""

    waited: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waited.append(seconds)


@dataclass
class SlackBot:
    service: SlackService
    slack: SlackStandIn
    requests: SlackRequests
    clock: SimulatedClock
    sleeps: Sleeps

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}/slack/events"

    async def advance(self, **delta: float) -> None:
        from datetime import timedelta

        await self.service.app.runner.advance(timedelta(**delta))


def slack_settings(api_url: str, **overrides: Any) -> SlackSettings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api_url,
        "pln_http_host": "127.0.0.1",
        "pln_http_port": 0,
        "pln_slack_send_rate": 1000,
    }
    values.update(overrides)
    return SlackSettings(**values)


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as standin:
        standin.add_user(MODERATOR, "Mo Moderator", tz="America/Toronto", is_admin=True)
        for user_id, name, zone in (
            ("UALICE", "Alice", "Europe/Berlin"),
            ("UBOB", "Bob", "America/New_York"),
            ("UCAROL", "Carol", "Asia/Singapore"),
        ):
            standin.add_user(user_id, name, tz=zone)
        yield standin


StartBot = Callable[..., Awaitable[SlackBot]]


@pytest.fixture
async def start_bot(
    slack: SlackStandIn, database_url: str, clock: SimulatedClock
) -> AsyncIterator[StartBot]:
    """Start the Slack bot (once per call) with optional SlackSettings overrides."""
    started: list[SlackBot] = []

    async def start(**overrides: Any) -> SlackBot:
        sleeps = Sleeps()
        settings = load_settings(database_url=database_url)
        service = build_slack_service(
            settings, slack_settings(slack.base_url, **overrides), clock, sleep=sleeps
        )
        await service.start()
        requests = SlackRequests(
            f"http://127.0.0.1:{service.port}/slack/events",
            SIGNING_SECRET,
            response_url=slack.response_url(),
        )
        bot = SlackBot(service, slack, requests, clock, sleeps)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        await bot.requests.close()
        await bot.service.stop()


@pytest.fixture
async def bot(start_bot: StartBot) -> SlackBot:
    return await start_bot()
