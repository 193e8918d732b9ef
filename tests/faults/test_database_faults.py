"""The database goes away or is locked in the middle of a fan-out: nothing is lost or doubled.

PostgreSQL: the server is shared with other engineers' tests, so it is not restarted;
instead every connection of the bot's own (scratch) database is ended with
pg_terminate_backend, twice, which is what a restart looks like from the bot (its pooled
connections die; pool_pre_ping and `Database.run`'s retry must carry it through).
SQLite: another connection holds an exclusive lock for longer than the bot's busy timeout,
so its units of work fail with "database is locked" and must be retried, not dropped.

A real `pln-bot run --adapter slack` process sends a `prompt now` to 200 members against an
instant stand-in; wall-clock waits are for the real process, never for simulated time.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.store.database import SQLITE_BUSY_TIMEOUT_MS
from tests.faults.conftest import postgres_base_url
from tests.support.bot_fleet import (
    SLACK_TEAM,
    Tally,
    bots,
    now_utc,
    seed_prompt_now,
    settle,
    slack_env,
    slack_user_ids,
    terminate_connections,
)
from tests.support.slack_standin import SlackLimits, SlackStandIn

MEMBERS = 200
DEADLINE = 90.0  # a bound on a loaded machine; passing runs end as soon as done
LIMITS = SlackLimits(latency=0.01, workspace=None, per_channel=None)  # an easy platform
LOCK_HELD = SQLITE_BUSY_TIMEOUT_MS / 1000 + 2.0  # past one busy timeout, within the retries


def _received(slack: SlackStandIn) -> int:
    return len(slack.dm_counts())


def _reached(slack: SlackStandIn, mark: int) -> bool:
    return _received(slack) >= mark


async def _finish_and_count(slack: SlackStandIn, url: str, users: list[str]) -> Tally:
    # the last results are committed just after their posts arrive; a result the fault
    # kept from being written is settled when its lease expires (checked with Slack)
    statuses = await settle(url, lambda: _received(slack), MEMBERS, deadline=DEADLINE)
    assert statuses["sent"] == MEMBERS, statuses
    return Tally.of(slack.dm_counts(), users)


@pytest.mark.postgres
async def test_postgres_connections_killed_mid_fan_out_lose_nothing(
    tmp_path: Path, postgres_scratch_url: str
) -> None:
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(postgres_scratch_url, "slack", SLACK_TEAM, users, now=now_utc())
    database = make_url(postgres_scratch_url).database
    assert database is not None
    async with SlackStandIn(limits=LIMITS) as slack:
        env = slack_env(postgres_scratch_url, slack.base_url, send_rate=100.0)
        async with bots("slack", [env], tmp_path) as (bot,):
            ended = 0
            for mark in (MEMBERS // 4, MEMBERS // 2):
                await slack.wait_for(partial(_reached, slack, mark), DEADLINE)
                ended += await terminate_connections(postgres_base_url(), database)
            assert ended >= 2, "the bot held no connection to end"
            tally = await _finish_and_count(slack, postgres_scratch_url, users)
            assert await bot.stop() == 0
    assert (tally.lost, tally.duplicated) == ((), ()), str(tally)


def _hold_exclusive_lock(path: Path, seconds: float, taken: asyncio.Event, loop: object) -> None:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        assert isinstance(loop, asyncio.AbstractEventLoop)
        loop.call_soon_threadsafe(taken.set)
        time.sleep(seconds)  # the fault itself: a writer that keeps the file locked
        connection.execute("COMMIT")
    finally:
        connection.close()


async def test_sqlite_locked_mid_fan_out_is_retried_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "pln-bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(url, "slack", SLACK_TEAM, users, now=now_utc())
    async with SlackStandIn(limits=LIMITS) as slack:
        env = slack_env(url, slack.base_url, send_rate=100.0)
        async with bots("slack", [env], tmp_path / "run") as (bot,):
            await slack.wait_for(lambda: _received(slack) >= MEMBERS // 4, DEADLINE)
            taken = asyncio.Event()
            holder = asyncio.to_thread(
                _hold_exclusive_lock, path, LOCK_HELD, taken, asyncio.get_running_loop()
            )
            holding = asyncio.ensure_future(holder)
            await taken.wait()
            during = _received(slack)
            await holding
            after_lock = _received(slack)
            tally = await _finish_and_count(slack, url, users)
            assert await bot.stop() == 0
    assert after_lock - during <= 2, "sends went on while the database was locked"
    assert "database is locked" in bot.log()  # it was hit, and retried
    assert (tally.lost, tally.duplicated) == ((), ()), str(tally)
