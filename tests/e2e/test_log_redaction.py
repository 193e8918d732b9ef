"""A real bot process's log never carries a token, a secret or a member's answer.

The Slack adapter runs as its own process at DEBUG with JSON logs (as in a container), with
planted values: a bot token, a signing secret, an LLM key and a database password that the
settings hold, and an answer phrase a member writes in a DM. Its stderr, every line of it,
is then searched for each: none may appear. The lines must be JSON objects.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn

LINE_TIMEOUT = 60.0
START = "simulated=2026-11-20T10:00"
TOKEN = "xoxb-planted-4242-token-value"
SIGNING = "planted-signing-secret-7f3a9c"
LLM_KEY = "planted-llm-key-b81d0e55"
ANSWER = "PLANTED answer about the zebra budget"


async def read_until(stream: asyncio.StreamReader, pattern: str, seen: list[str]) -> None:
    while True:
        raw = await asyncio.wait_for(stream.readline(), LINE_TIMEOUT)
        if not raw:
            raise AssertionError(f"bot exited before {pattern!r}; output: {seen}")
        seen.append(raw.decode())
        if pattern in seen[-1]:
            return


async def test_no_token_secret_or_answer_reaches_the_log(tmp_path: Path) -> None:
    log_path = tmp_path / "bot.log"
    async with SlackStandIn() as slack:
        slack.add_team("T1", bot_token=TOKEN)  # the planted token is the real one
        slack.add_user("UALICE", "Alice", tz="UTC")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SLACK_", "PLN_", "DISCORD_", "DATABASE_URL"))
        }
        env.update(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}",
            SLACK_API_URL=slack.base_url,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SIGNING,
            PLN_LLM_URL="http://127.0.0.1:9/v1",
            PLN_LLM_API_KEY=LLM_KEY,
            PLN_HTTP_HOST="127.0.0.1",
            PLN_HTTP_PORT="0",
            PLN_LOG_LEVEL="DEBUG",
            PLN_LOG_FORMAT="json",
            PYTHONUNBUFFERED="1",
        )
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--adapter", "slack", "--clock", START,
                cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=log,
            )  # fmt: skip
            assert process.stdout is not None and process.stdin is not None
            seen: list[str] = []
            try:
                await read_until(process.stdout, "Slack adapter, HTTP on", seen)
                port = seen[-1].split("127.0.0.1:")[1].split(" ")[0]
                events = f"http://127.0.0.1:{port}/slack/events"
                async with SlackRequests(
                    events, SIGNING, response_url=slack.response_url()
                ) as client:
                    assert (await client.slash_command("UALICE", "join")).status == 200
                    await slack.wait_for(lambda: len(slack.hook_posts) >= 1)
                    process.stdin.write(b":advance 3d\n")
                    await process.stdin.drain()
                    await read_until(process.stdout, "It is Mon 23 Nov 2026", seen)
                    await slack.wait_for(lambda: slack.dm_counts()["UALICE"] >= 1)  # the prompt
                    answered = await client.event(client.message_im_event("UALICE", ANSWER))
                    assert answered.status == 200
                    # the 200 is bolt's ack; the answer is saved, then confirmed by DM
                    await slack.wait_for(lambda: slack.dm_counts()["UALICE"] >= 2)
                    forged = await client.slash_command("UALICE", "history", signing="forged")
                    assert forged.status == 401
                    before = len(slack.hook_posts)
                    assert (await client.slash_command("UALICE", "history")).status == 200
                    await slack.wait_for(lambda: len(slack.hook_posts) > before)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), LINE_TIMEOUT)

    assert any(ANSWER in str(body) for _hook, body in slack.hook_posts)  # it was really there
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert lines, "the process logged nothing at DEBUG"
    for line in lines:
        json.loads(line)  # one JSON object per line
    text = "\n".join(lines)
    for planted in (TOKEN, SIGNING, LLM_KEY, ANSWER, "zebra"):
        assert planted not in text
