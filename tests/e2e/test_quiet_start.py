"""A normal start is quiet: no warnings, from pln-bot or the libraries it runs on.

Each adapter is started as the other e2e tests start it (`python -m bot run` in its own
directory, against the local Slack or Discord stand-in), left to print its banner, stopped
with SIGTERM, and its stderr read: only INFO lines. The libraries used to warn on every
start (slack_bolt: "`token` will be unused"; discord.py: "PyNaCl is not installed" and
"davey is not installed") about conditions an operator can do nothing about.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.support.discord_standin import DiscordStandIn
from tests.support.slack_standin import SlackStandIn

LINE_TIMEOUT = 60.0
START = "simulated=2026-11-20T10:00"
GUILD = "900000000000000009"
DISCORD_TOKEN = "quiet-discord-token.abc.def"
# the text format's ` WARNING ` and the JSON format's `"level": "WARNING"` (a pipe is not a
# terminal, so the process logs JSON unless PLN_LOG_FORMAT says otherwise)
LOUD = re.compile(
    r' (WARNING|ERROR|CRITICAL) |"level": "(WARNING|ERROR|CRITICAL)"|Traceback|Warning:'
)


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "PLN_", "SLACK_", "DATABASE_URL", "PYTHONWARNINGS"))
    }
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}",
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


async def _start_and_stop(tmp_path: Path, adapter: str, ready: str, env: dict[str, str]) -> str:
    """Run the adapter until its banner says `ready`, stop it with SIGTERM; its stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--adapter", adapter, "--clock", START,
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    seen: list[str] = []
    try:
        while not any(ready in line for line in seen):
            raw = await asyncio.wait_for(process.stdout.readline(), LINE_TIMEOUT)
            assert raw, f"the bot exited before {ready!r}: {seen}"
            seen.append(raw.decode())
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), LINE_TIMEOUT)
    assert process.returncode == 0, stderr.decode()
    return stderr.decode()


def _loud(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if LOUD.search(line)]


@pytest.mark.parametrize("mode", ["http", "socket", "oauth"])
async def test_slack_starts_without_a_warning(tmp_path: Path, mode: str) -> None:
    async with SlackStandIn() as slack:
        settings = {
            "SLACK_API_URL": slack.base_url,
            "PLN_HTTP_HOST": "127.0.0.1",
            "PLN_HTTP_PORT": "0",
        }
        if mode == "socket":
            settings |= {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": slack.app_token}
        elif mode == "http":
            settings |= {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret"}
        else:
            settings |= {
                "SLACK_CLIENT_ID": "111.222",
                "SLACK_CLIENT_SECRET": "client-secret",
                "SLACK_SIGNING_SECRET": "secret",
                "PLN_TOKEN_KEY": Fernet.generate_key().decode(),
            }
        stderr = await _start_and_stop(
            tmp_path, "slack", "Slack adapter", _env(tmp_path, **settings)
        )

    assert _loud(stderr) == []


async def test_discord_starts_without_a_warning(tmp_path: Path) -> None:
    async with DiscordStandIn(token=DISCORD_TOKEN) as server:
        server.add_guild(GUILD, "Quiet PLN", members=[])
        env = _env(
            tmp_path,
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=server.api_url,
            PLN_DISCORD_GUILD_IDS=GUILD,
        )
        stderr = await _start_and_stop(tmp_path, "discord", "connected as", env)

    assert _loud(stderr) == []


async def test_the_console_starts_without_a_warning(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--adapter", "console", "--clock", START,
        "--member", "alice",
        # the web page too (on a port of its own: 8080 may be another console's)
        cwd=tmp_path, env=_env(tmp_path, PLN_HTTP_PORT="0"), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(
        process.communicate(b"/pln join\n:advance 3d\n"), LINE_TIMEOUT
    )

    assert process.returncode == 0
    assert "This week's reflection" in stdout.decode()
    assert _loud(stderr.decode()) == []
