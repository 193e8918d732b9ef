"""The Slack adapter as it runs for real: bolt on a real port, Slack's Web API a local stand-in.

`slack_bot` starts the same SlackService the CLI starts, on the test's database (a real SQLite
file or the real PostgreSQL server, emptied first), HTTP mode on 127.0.0.1:0, with
SLACK_API_URL pointing at the stand-in. Sleeps inside pacing and retries are recorded, never
waited.

Listeners run after bolt has answered Slack, so a test waits for their effects: on the
stand-in (`slack.wait_for_*`) or, when a request has no visible effect, with `bot.settle()`,
which returns once every bolt listener started so far has finished. Both are event-driven.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.asyncio_runner import AsyncioLazyListenerRunner
from slack_bolt.listener.async_listener_completion_handler import AsyncListenerCompletionHandler
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.slack.service import SlackService, build_slack_service
from bot.adapters.slack.settings import SlackSettings
from bot.config import load_settings
from bot.core.clock import SimulatedClock
from bot.store.database import Database
from bot.store.models import Delivery, Member
from tests.support.slack_requests import SlackRequests, SlackResponse
from tests.support.slack_standin import RecordedCall, SlackStandIn

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test"
MODERATOR = "UMOD"
MEMBERS = ("UALICE", "UBOB", "UCAROL")

T = TypeVar("T")


@dataclass
class Sleeps:
    """Every sleep pacing and retries asked for, in seconds; none is actually waited."""

    waited: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waited.append(seconds)


class ListenerTracker:
    """Counts bolt listener runs, ack listeners and lazy listeners alike, as they start and end.

    Bolt starts a listener's task before it writes the HTTP answer, and a lazy listener is
    counted the moment bolt hands it over; so once a request's answer has arrived, its
    listeners are already counted, and `idle` turns true only when they have all finished.
    Every finish wakes the stand-in's waiters.
    """

    def __init__(self, bolt: AsyncApp, on_change: Callable[[], None]) -> None:
        self.started = 0
        self.finished = 0
        self._on_change = on_change
        runner = bolt.listener_runner
        runner.listener_start_handler = _Started(runner.listener_start_handler, self)
        runner.listener_completion_handler = _Finished(runner.listener_completion_handler, self)
        runner.lazy_listener_runner = _TrackedLazyRunner(runner.lazy_listener_runner.logger, self)

    @property
    def idle(self) -> bool:
        return self.started == self.finished

    def start(self) -> None:
        self.started += 1

    def finish(self) -> None:
        self.finished += 1
        self._on_change()


class _Started(AsyncListenerStartHandler):
    def __init__(self, inner: AsyncListenerStartHandler, tracker: ListenerTracker) -> None:
        self._inner, self._tracker = inner, tracker

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self._tracker.start()
        await self._inner.handle(request=request, response=response)


class _Finished(AsyncListenerCompletionHandler):
    def __init__(self, inner: AsyncListenerCompletionHandler, tracker: ListenerTracker) -> None:
        self._inner, self._tracker = inner, tracker

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        try:
            await self._inner.handle(request=request, response=response)
        finally:
            self._tracker.finish()


class _TrackedLazyRunner(AsyncioLazyListenerRunner):
    """bolt's asyncio lazy runner, with each lazy listener counted from hand-over to end."""

    def __init__(self, logger: Any, tracker: ListenerTracker) -> None:
        super().__init__(logger)
        self._tracker = tracker
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        self._tracker.start()
        task = asyncio.ensure_future(
            to_runnable_function(internal_func=function, logger=self.logger, request=request)
        )
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._tracker.finish()


@dataclass
class SlackBot:
    service: SlackService
    slack: SlackStandIn
    requests: SlackRequests
    clock: SimulatedClock
    sleeps: Sleeps
    listeners: ListenerTracker
    _hooks: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}/slack/events"

    @property
    def db(self) -> Database:
        return self.service.app.db

    async def advance(self, **delta: float) -> None:
        from datetime import timedelta

        await self.service.app.runner.advance(timedelta(**delta))

    async def settle(self, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Wait until every bolt listener started so far (lazy ones included) has finished."""
        await self.slack.wait_for(
            lambda: self.listeners.idle, timeout, description="bolt listeners to finish"
        )

    async def command(
        self,
        user_id: str,
        text: str,
        *,
        channel_id: str = "C1",
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> tuple[SlackResponse, list[dict[str, Any]]]:
        """`/pln text` from `user_id` through a response_url of its own; returns bolt's HTTP
        answer and everything the command then posted to that response_url."""
        hook = f"{user_id.lower()}-{next(self._hooks)}"
        response = await self.requests.slash_command(
            user_id, text, channel_id=channel_id, response_url=self.slack.response_url(hook)
        )
        await self.settle(timeout)
        return response, self.slack.hook_bodies(hook)

    async def join(self, *user_ids: str) -> None:
        for user_id in user_ids:
            response, posts = await self.command(user_id, "join")
            assert response.status == 200
            assert len(posts) == 1 and "Welcome" in posts[0]["text"]

    async def prompt_now(self, user_id: str = MODERATOR) -> list[dict[str, Any]]:
        """`/pln prompt now`, waiting for the fan-out to end; returns the response_url posts."""
        response, posts = await self.command(user_id, "prompt now", timeout=60.0)
        assert response.status == 200
        return posts

    async def query(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        return await self.db.run(work)

    async def rows(self, model: type[T], *where: Any) -> list[T]:
        """Every row of `model` matching `where`, ordered by id."""

        async def load(session: AsyncSession) -> list[T]:
            statement = select(model).where(*where).order_by(model.id)  # type: ignore[attr-defined]
            return list((await session.scalars(statement)).all())

        return await self.db.run(load)

    async def count(self, model: type[Any], *where: Any) -> int:
        async def count(session: AsyncSession) -> int:
            statement = select(func.count()).select_from(model).where(*where)
            return int((await session.scalar(statement)) or 0)

        return await self.db.run(count)


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
    slack: SlackStandIn, database_url: str, db: Database, clock: SimulatedClock
) -> AsyncIterator[StartBot]:
    """Start the Slack bot (once per call) with optional SlackSettings overrides.

    Takes `db` so PostgreSQL starts empty (that fixture truncates every table).
    """
    started: list[SlackBot] = []

    async def start(**overrides: Any) -> SlackBot:
        sleeps = Sleeps()
        settings = load_settings(database_url=database_url)
        service = build_slack_service(
            settings, slack_settings(slack.base_url, **overrides), clock, sleep=sleeps
        )
        listeners = ListenerTracker(service.bolt, slack.notify_change)
        await service.start()
        requests = SlackRequests(
            f"http://127.0.0.1:{service.port}/slack/events",
            SIGNING_SECRET,
            response_url=slack.response_url(),
        )
        bot = SlackBot(service, slack, requests, clock, sleeps, listeners)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        await bot.settle()  # no listener may outlive the database it writes to
        await bot.requests.close()
        await bot.service.stop()


@pytest.fixture
async def bot(start_bot: StartBot) -> SlackBot:
    return await start_bot()


# -- reading what the bot sent ------------------------------------------------------------


def texts(payload: Any) -> list[str]:
    """Every string under a "text" key of a payload or view: fallback, blocks, fields, buttons."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return found


def action_ids(payload: dict[str, Any]) -> list[str]:
    """The action ids of the buttons in a payload's (or view's) actions blocks, in order."""
    return [
        element["action_id"]
        for block in payload.get("blocks") or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]


def button_value(payload: dict[str, Any], action_id: str) -> str:
    for block in payload.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["action_id"] == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def is_prompt(call: RecordedCall) -> bool:
    """A DM carrying a prompt (weekly, prompt now or a snooze reminder): it has an Answer button."""
    return "pln.prompt.answer" in action_ids(call.params)


def prompts_to(slack: SlackStandIn, user_id: str) -> list[RecordedCall]:
    return [call for call in slack.sent_messages(user_id) if is_prompt(call)]


def replies_to(slack: SlackStandIn, user_id: str) -> list[RecordedCall]:
    """DMs to `user_id` that are not prompts: the bot's answers to what the member did."""
    return [call for call in slack.sent_messages(user_id) if not is_prompt(call)]


def same(stored: str, expected: str) -> bool:
    """Compare a member's text without pytest ever printing it (assertion rewriting would)."""
    return stored == expected


async def member_row(bot: SlackBot, user_id: str) -> Member:
    members = await bot.rows(Member, Member.platform_user_id == user_id)
    assert len(members) == 1, f"{user_id} should have exactly one member row"
    return members[0]


async def deliveries_of(bot: SlackBot, user_id: str) -> list[Delivery]:
    member = await member_row(bot, user_id)
    return await bot.rows(Delivery, Delivery.member_id == member.id)
