"""`pln-bot run --adapter discord` as an operator runs it: a separate process, real sockets.

The process logs in to a local Discord stand-in (DISCORD_API_URL), takes the gateway from
its `GET /gateway/bot`, syncs `/pln`, and answers interactions; time moves only through
`:advance` typed on the bot's stdin.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from tests.support.discord_standin import DiscordStandIn

TOKEN = "process-discord-token.abc.def"
GUILD = "900000000000000009"
ALICE = "800000000000000020"
LINE_TIMEOUT = 60.0


async def read_until(stream: asyncio.StreamReader, pattern: str, seen: list[str]) -> str:
    while True:
        raw = await asyncio.wait_for(stream.readline(), LINE_TIMEOUT)
        if not raw:
            raise AssertionError(f"bot exited before {pattern!r}; output: {seen}")
        line = raw.decode().rstrip()
        seen.append(line)
        if re.search(pattern, line):
            return line


async def test_run_connects_answers_commands_and_fires_on_the_simulated_clock(
    tmp_path: Path,
) -> None:
    async with DiscordStandIn(token=TOKEN) as server:
        server.add_user(ALICE, "alice")
        server.add_guild(GUILD, "Process PLN", members=[ALICE])
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DISCORD_", "PLN_", "SLACK_", "DATABASE_URL"))
        }
        env.update(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}",
            DISCORD_TOKEN=TOKEN,
            DISCORD_API_URL=server.api_url,
            PLN_DISCORD_GUILD_IDS=GUILD,
            PLN_DEFAULT_TIMEZONE="UTC",
            PYTHONUNBUFFERED="1",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--adapter", "discord",
            "--clock", "simulated=2026-11-20T10:00",
            cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert process.stdout is not None and process.stdin is not None
        seen: list[str] = []
        try:
            await read_until(process.stdout, "Discord adapter, connected as", seen)
            assert [c["name"] for c in server.commands(GUILD)] == ["pln"]
            join = await server.slash_command_interaction(GUILD, ALICE, "pln", "join")
            responses = await server.wait_for_responses(join, 2, timeout=LINE_TIMEOUT)
            assert "Welcome to the PLN" in (responses[1].content or "")
            assert responses[1].ephemeral

            process.stdin.write(b":advance 3d\n")
            await process.stdin.drain()
            await read_until(process.stdout, r"\[clock\] It is Mon 23 Nov 2026", seen)
            prompts = [m for m in server.dm_messages(ALICE) if m.get("embeds")]
            assert len(prompts) == 1
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), LINE_TIMEOUT)
        assert process.returncode == 0
