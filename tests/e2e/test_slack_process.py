"""`pln-bot run --adapter slack` as an operator runs it: a separate process, real sockets.

The process talks to a local Slack stand-in (SLACK_API_URL) and listens on a free port
(PLN_HTTP_PORT=0, read back from its banner). Time moves only through `:advance` typed on
the bot's stdin, as docs/SLACK.md describes for demos; waits are for output and requests,
never for time to pass.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn

SECRET = "process-signing-secret"
START = "simulated=2026-11-20T10:00"  # Friday; the weekly prompt is Monday 09:00
LINE_TIMEOUT = 60.0
BANNER = re.compile(r"HTTP on 127\.0\.0\.1:(?P<port>\d+)")


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    port: int | None
    output: list[str]

    async def send_line(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def read_until(self, pattern: str) -> str:
        """Read stdout until a line matches `pattern`; returns that line."""
        assert self.process.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.process.stdout.readline(), LINE_TIMEOUT)
            if not raw:
                raise AssertionError(f"bot exited before {pattern!r}; output: {self.output}")
            line = raw.decode().rstrip()
            self.output.append(line)
            if re.search(pattern, line):
                return line


def _env(tmp_path: Path, slack: SlackStandIn, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "PLN_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}",
        SLACK_API_URL=slack.base_url,
        SLACK_BOT_TOKEN="xoxb-test",
        PLN_HTTP_HOST="127.0.0.1",
        PLN_HTTP_PORT="0",
        PLN_MODERATORS="slack:T1/UMOD",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@asynccontextmanager
async def bot_process(
    tmp_path: Path, slack: SlackStandIn, *, ready: str, **extra: str
) -> AsyncIterator[BotProcess]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--adapter",
        "slack",
        "--clock",
        START,
        cwd=tmp_path,
        env=_env(tmp_path, slack, **extra),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    bot = BotProcess(process, None, [])
    try:
        banner = await bot.read_until(ready)
        match = BANNER.search(banner)
        bot.port = int(match["port"]) if match else None
        yield bot
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), LINE_TIMEOUT)


async def test_missing_token_names_the_variable(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--adapter", "slack",
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), LINE_TIMEOUT)
    assert process.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_http_mode_serves_slack_and_fires_on_the_simulated_clock(tmp_path: Path) -> None:
    async with SlackStandIn() as slack:
        slack.add_user("UALICE", "Alice", tz="Europe/Berlin")
        async with bot_process(
            tmp_path, slack, ready="Slack adapter", SLACK_SIGNING_SECRET=SECRET
        ) as bot:
            assert bot.port is not None
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{bot.port}/healthz") as health,
            ):
                assert health.status == 200
            events = f"http://127.0.0.1:{bot.port}/slack/events"
            async with SlackRequests(events, SECRET, response_url=slack.response_url()) as client:
                joined = await client.slash_command("UALICE", "join")
                assert joined.status == 200
                await slack.wait_for(lambda: len(slack.hook_posts) >= 1)
                assert "Welcome to the PLN" in slack.hook_posts[0][1]["text"]
                forged = await client.slash_command("UALICE", "leave", signing="forged")
                assert forged.status == 401

            await bot.send_line(":advance 3d")  # Friday 10:00 -> Monday 10:00: the prompt fired
            await bot.read_until(r"\[clock\] It is Mon 23 Nov 2026")
            prompts = slack.sent_messages("UALICE")
            assert len(prompts) == 1
            assert prompts[0].params["blocks"][0]["type"] == "header"
        assert bot.process.returncode == 0


async def test_socket_mode_needs_no_public_url(tmp_path: Path) -> None:
    async with SlackStandIn() as slack:
        slack.add_user("UALICE", "Alice", tz="Europe/Berlin")
        async with bot_process(
            tmp_path, slack, ready="Socket Mode", SLACK_APP_TOKEN=slack.app_token
        ):
            await slack.wait_socket_connected()
            shapes = SlackRequests("http://127.0.0.1:9/unused", SECRET)  # builds payloads only
            payload = shapes.slash_command_payload(
                "UALICE", "help", response_url=slack.response_url("socket")
            )
            ack = await slack.socket_send("slash_commands", payload)
            assert "envelope_id" in ack
            await slack.wait_for(lambda: any(name == "socket" for name, _ in slack.hook_posts))
            text = next(body["text"] for name, body in slack.hook_posts if name == "socket")
            assert "Commands:" in text
