"""`GET /healthz` and `GET /metrics` on every adapter, as an operator's probe sees them.

Each adapter runs as its own process (`python -m bot run`) with PLN_HTTP_HOST=127.0.0.1 and
PLN_HTTP_PORT=0, reads the bound port from its banner, and is asked over real HTTP with an
aiohttp client: healthy once started, and after a weekly prompt went out the metrics count
it (rows by queue, platform and state), the events it answered (ack latency histogram) and
the platform's refusals the stand-in injected (platform errors by code).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.support.discord_standin import DiscordStandIn
from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn

LINE_TIMEOUT = 60.0
START = "simulated=2026-11-20T10:00"  # Friday; the weekly prompt is Monday 09:00
SECRET = "ops-signing-secret"
DISCORD_TOKEN = "ops-discord-token.abc.def"
GUILD = "900000000000000009"
ALICE = "800000000000000020"
PORT = re.compile(r"127\.0\.0\.1:(?P<port>\d+)")


class Bot:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.output: list[str] = []
        self.port = 0

    async def read_until(self, pattern: str) -> str:
        assert self.process.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.process.stdout.readline(), LINE_TIMEOUT)
            if not raw:
                raise AssertionError(f"bot exited before {pattern!r}; output: {self.output}")
            line = raw.decode().rstrip()
            self.output.append(line)
            if re.search(pattern, line):
                return line

    async def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def get(self, path: str) -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.port}{path}") as response,
        ):
            return response.status, await response.text()


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "PLN_", "SLACK_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}",
        PLN_HTTP_HOST="127.0.0.1",
        PLN_HTTP_PORT="0",
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


@asynccontextmanager
async def running(
    tmp_path: Path, adapter: str, ready: str, env: dict[str, str], *args: str
) -> AsyncIterator[Bot]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--adapter", adapter, "--clock", START, *args,
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    bot = Bot(process)
    try:
        match = PORT.search(await bot.read_until(ready))
        assert match is not None, bot.output
        bot.port = int(match["port"])
        yield bot
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), LINE_TIMEOUT)


async def assert_healthy(bot: Bot) -> None:
    """200 both while start-up catches up and after it (a simulated clock has no alarm)."""
    status, body = await bot.get("/healthz")
    assert status == 200, body
    assert '"status": "ok"' in body and '"database": "ok"' in body
    assert '"scheduler": "simulated"' in body or '"scheduler": "catching up"' in body


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one series in the exposition text (labels in any order)."""
    for line in metrics.splitlines():
        series, _, value = line.rpartition(" ")
        if not series.startswith(name + "{") and series != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            return float(value)
    raise AssertionError(f"no {name} {labels} in:\n{metrics}")


async def test_the_console_serves_health_and_metrics_when_a_port_is_set(tmp_path: Path) -> None:
    env = _env(tmp_path)
    async with running(tmp_path, "console", "Health and metrics", env, "--member", "alice") as bot:
        # the console reads lines once started: on a loaded machine the note comes first
        await bot.type(":now")
        await bot.read_until(r"\[clock\] It is")
        await assert_healthy(bot)
        await bot.type("/pln join")
        await bot.type(":advance 3d")
        await bot.read_until("This week's reflection")
        await bot.read_until(r"\[clock\] It is Mon 23 Nov 2026")  # the fan-out is over
        status, metrics = await bot.get("/metrics")

    assert status == 200
    assert sample(metrics, "pln_deliveries", queue="prompt", platform="console", status="sent") == 1
    assert sample(metrics, "pln_queue_depth", queue="prompt") == 0
    assert sample(metrics, "pln_send_lag_seconds", queue="prompt") == 0
    assert sample(metrics, "pln_event_ack_seconds_count", platform="console", kind="line") >= 1
    assert sample(metrics, "pln_store_up") == 1
    assert sample(metrics, "pln_fanout_total", queue="prompt") == 0  # finished: idle again


async def test_slack_http_mode_serves_them_beside_its_events(tmp_path: Path) -> None:
    async with SlackStandIn() as slack:
        slack.add_user("UALICE", "Alice", tz="UTC")
        env = _env(
            tmp_path,
            SLACK_API_URL=slack.base_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
        )
        async with running(tmp_path, "slack", "Slack adapter", env) as bot:
            await assert_healthy(bot)
            events = f"http://127.0.0.1:{bot.port}/slack/events"
            async with SlackRequests(events, SECRET, response_url=slack.response_url()) as client:
                assert (await client.slash_command("UALICE", "join")).status == 200
                await slack.wait_for(lambda: len(slack.hook_posts) >= 1)
            slack.rate_limit_next("chat.postMessage", 1, retry_after=0)
            await bot.type(":advance 3d")
            await bot.read_until(r"\[clock\] It is Mon 23 Nov 2026")
            status, metrics = await bot.get("/metrics")

    assert status == 200
    assert sample(metrics, "pln_deliveries", queue="prompt", platform="slack", status="sent") == 1
    assert sample(metrics, "pln_platform_errors_total", platform="slack", code="ratelimited") == 1
    assert sample(metrics, "pln_event_ack_seconds_count", platform="slack", kind="command") >= 1


async def test_slack_socket_mode_serves_them_when_a_port_is_set(tmp_path: Path) -> None:
    async with SlackStandIn() as slack:
        slack.add_user("UALICE", "Alice", tz="UTC")
        env = _env(
            tmp_path,
            SLACK_API_URL=slack.base_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN=slack.app_token,
        )
        async with running(tmp_path, "slack", "Socket Mode; /healthz", env) as bot:
            await assert_healthy(bot)
            shapes = SlackRequests("http://127.0.0.1:9/unused", SECRET)  # builds payloads only
            payload = shapes.slash_command_payload(
                "UALICE", "help", response_url=slack.response_url("socket")
            )
            await slack.socket_send("slash_commands", payload)
            await slack.wait_for(lambda: any(name == "socket" for name, _ in slack.hook_posts))
            status, metrics = await bot.get("/metrics")

    assert status == 200
    assert sample(metrics, "pln_event_ack_seconds_count", platform="slack", kind="command") == 1


async def test_discord_serves_them_when_a_port_is_set(tmp_path: Path) -> None:
    async with DiscordStandIn(token=DISCORD_TOKEN) as server:
        server.add_user(ALICE, "alice")
        server.add_guild(GUILD, "Ops PLN", members=[ALICE])
        env = _env(
            tmp_path,
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=server.api_url,
            PLN_DISCORD_GUILD_IDS=GUILD,
        )
        async with running(tmp_path, "discord", "connected as", env) as bot:
            await assert_healthy(bot)
            join = await server.slash_command_interaction(GUILD, ALICE, "pln", "join")
            await server.wait_for_responses(join, 2, timeout=LINE_TIMEOUT)
            server.rate_limit_next("POST", re.compile(r"/channels/\d+/messages"), 1)
            await bot.type(":advance 3d")
            await bot.read_until(r"\[clock\] It is Mon 23 Nov 2026")
            status, metrics = await bot.get("/metrics")

    assert status == 200
    assert sample(metrics, "pln_deliveries", queue="prompt", platform="discord", status="sent") == 1
    assert sample(metrics, "pln_platform_errors_total", platform="discord", code="429") == 1
    assert (
        sample(
            metrics, "pln_event_ack_seconds_count", platform="discord", kind="application_command"
        )
        == 1
    )
