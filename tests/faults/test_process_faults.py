"""Processes die or are stopped in the middle of a fan-out: every member still gets the prompt
exactly once, and a graceful stop leaves nothing half-sent.

Real `pln-bot run --adapter slack` processes on the wall clock send a `prompt now` to 200
members (not 1,000: each test stays under a minute with today's engine; the benchmark runs
10,000) through a stand-in with 20 ms per call. The stand-in signals a process from inside
a chosen DM post (`KillSwitch`), so the moment is exact, not a race: while a post is in
flight, with the platform either never storing it or storing it and the answer lost.

Both stand-ins let the bot check after a crash whether an interrupted post arrived (Slack:
conversations.history with the message's metadata; Discord: the nonce and the DM's last
messages), so nobody need be left "uncertain" here: exactly once is the bar.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.bot_fleet import (
    DISCORD_GUILD,
    SLACK_TEAM,
    BotProcess,
    KillSwitch,
    Tally,
    bots,
    delivery_statuses,
    discord_env,
    discord_user_ids,
    expire_leases,
    live_leases,
    now_utc,
    seed_prompt_now,
    settle,
    slack_env,
    slack_user_ids,
    start_bot,
    wait_ready,
)
from tests.support.discord_standin import DiscordLimits, DiscordStandIn
from tests.support.slack_standin import SlackLimits, SlackStandIn

MEMBERS = 200
DISCORD_MEMBERS = 120  # a DM channel is opened before each post: twice the calls
DEADLINE = 90.0  # a bound for a loaded machine; a passing run returns as soon as done
STOP_WITHIN = 10.0  # seconds from SIGTERM to exit
# Several processes start before the prompt fires, so each wakes for it on its own alarm;
# starting (imports, migrations check, token check) can take 10 s on a loaded machine.
FIRE_IN = timedelta(seconds=20)
LIMITS = SlackLimits(latency=0.02, workspace=None, per_channel=None)
# The survivors of a kill take its rows when its lease expires: 5 s where the engine reads
# LEASE_ENV (bot_fleet sets it), else its default (a minute), which these bounds allow.
LEASE_STUCK = 70.0
LEASE_DEADLINE = 180.0


async def _start(
    slack: SlackStandIn, switch: KillSwitch, url: str, workdir: Path, name: str
) -> BotProcess:
    api_url = await slack.add_listener()
    bot = await start_bot("slack", slack_env(url, api_url, send_rate=200.0), workdir, name)
    switch.bind(api_url, bot)
    return bot


def _received(slack: SlackStandIn) -> int:
    return len(slack.dm_counts())


async def test_kill_9_mid_send_then_restart_sends_everyone_exactly_once(
    tmp_path: Path, fresh_database_url: str
) -> None:
    url = fresh_database_url
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(url, "slack", SLACK_TEAM, users, now=now_utc())
    switch = KillSwitch()
    async with SlackStandIn(limits=LIMITS) as slack:
        slack.intercept = switch.slack
        switch.arm(MEMBERS // 3, stored=False)  # dies before Slack stores the post
        first = await _start(slack, switch, url, tmp_path, "first")
        assert await first.wait(DEADLINE) == -signal.SIGKILL
        await expire_leases(url)  # no process alive: nobody need wait out the dead one's
        switch.arm(2 * MEMBERS // 3, stored=True)  # dies after; only the answer is lost
        second = await _start(slack, switch, url, tmp_path, "second")
        assert await second.wait(DEADLINE) == -signal.SIGKILL
        await expire_leases(url)
        third = await _start(slack, switch, url, tmp_path, "third")
        statuses = await settle(url, lambda: _received(slack), MEMBERS, deadline=DEADLINE)
        await wait_ready([third], DEADLINE)  # a stop before its signal handlers is a kill
        assert await third.stop() == 0
        tally = Tally.of(slack.dm_counts(), users)
    assert len(switch.fired) == 2
    assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
    assert statuses["sent"] == MEMBERS, statuses


@pytest.mark.postgres
async def test_kill_9_mid_send_on_discord_then_restart_sends_everyone_exactly_once(
    tmp_path: Path, postgres_scratch_url: str
) -> None:
    """Discord: an interrupted post is found by its nonce or in the DM's last messages."""
    url = postgres_scratch_url
    users = discord_user_ids(DISCORD_MEMBERS)
    await seed_prompt_now(url, "discord", DISCORD_GUILD, users, now=now_utc())
    switch = KillSwitch()
    limits = DiscordLimits(latency=0.02, global_per_second=None, dm_open_per_second=None)
    async with DiscordStandIn(limits=limits) as discord_server:
        for user in users:
            discord_server.add_user(user, f"member{user[-4:]}")
        discord_server.add_guild(DISCORD_GUILD, "Fault PLN", members=users)
        discord_server.intercept = switch.discord

        async def start(name: str) -> BotProcess:
            api_url = await discord_server.add_listener()
            env = discord_env(url, api_url, dm_rate=50.0)
            bot = await start_bot("discord", env, tmp_path, name)
            switch.bind(api_url, bot)
            return bot

        switch.arm(DISCORD_MEMBERS // 3, stored=False)
        assert await (await start("first")).wait(DEADLINE) == -signal.SIGKILL
        await expire_leases(url)  # no process alive: nobody need wait out the dead one's
        switch.arm(2 * DISCORD_MEMBERS // 3, stored=True)
        assert await (await start("second")).wait(DEADLINE) == -signal.SIGKILL
        await expire_leases(url)
        third = await start("third")
        received = discord_server.dm_counts
        statuses = await settle(url, lambda: len(received()), DISCORD_MEMBERS, deadline=DEADLINE)
        await wait_ready([third], DEADLINE)
        assert await third.stop() == 0
        tally = Tally.of(discord_server.dm_counts(), users)
    assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
    assert statuses["sent"] == DISCORD_MEMBERS, statuses


@pytest.mark.postgres
async def test_sigterm_mid_fan_out_exits_0_leaving_nothing_half_sent(
    tmp_path: Path, postgres_scratch_url: str
) -> None:
    url = postgres_scratch_url
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(url, "slack", SLACK_TEAM, users, now=now_utc())
    switch = KillSwitch()
    async with SlackStandIn(limits=LIMITS) as slack:
        slack.intercept = switch.slack
        switch.arm(MEMBERS // 3, stored=True, sig=signal.SIGTERM)  # a post is in flight
        bot = await _start(slack, switch, url, tmp_path, "stopped")
        await slack.wait_for(lambda: bool(switch.fired), DEADLINE)
        loop = asyncio.get_running_loop()
        signalled = loop.time()
        code = await bot.wait(DEADLINE)
        took = loop.time() - signalled
        left = await delivery_statuses(url)
        held = await live_leases(url, now_utc())
        restarted = await _start(slack, switch, url, tmp_path, "restarted")
        statuses = await settle(url, lambda: _received(slack), MEMBERS, deadline=DEADLINE)
        await wait_ready([restarted], DEADLINE)
        assert await restarted.stop() == 0
        tally = Tally.of(slack.dm_counts(), users)
    assert code == 0, bot.log()[-3000:]
    assert took <= STOP_WITHIN
    assert left["sending"] == 0, f"rows left mid-send by a graceful stop: {left}"
    assert held == 0, "a graceful stop gives back the rows it leased"
    assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
    assert statuses["sent"] == MEMBERS, statuses


@pytest.mark.postgres
async def test_two_processes_share_a_fan_out_and_send_nobody_twice(
    tmp_path: Path, postgres_scratch_url: str
) -> None:
    url = postgres_scratch_url
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(url, "slack", SLACK_TEAM, users, now=now_utc(), fire_in=FIRE_IN)
    switch = KillSwitch()
    async with SlackStandIn(limits=LIMITS) as slack:
        slack.intercept = switch.slack
        processes = [await _start(slack, switch, url, tmp_path, f"p{i}") for i in range(2)]
        await wait_ready(processes, DEADLINE)
        statuses = await settle(url, lambda: _received(slack), MEMBERS, deadline=DEADLINE)
        codes = [await bot.stop() for bot in processes]
        tally = Tally.of(slack.dm_counts(), users)
    assert codes == [0, 0]
    assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
    assert statuses["sent"] == MEMBERS, statuses


@pytest.mark.postgres
@pytest.mark.parametrize("processes", [2, 3])
async def test_one_of_several_processes_killed_the_others_finish_its_share(
    tmp_path: Path, postgres_scratch_url: str, processes: int
) -> None:
    """No restart: the survivors take the dead process's rows once its lease expires,
    including the one it was sending (checked with Slack, resent only if absent)."""
    url = postgres_scratch_url
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(url, "slack", SLACK_TEAM, users, now=now_utc(), fire_in=FIRE_IN)
    switch = KillSwitch()
    async with SlackStandIn(limits=LIMITS) as slack:
        slack.intercept = switch.slack
        urls = [await slack.add_listener() for _ in range(processes)]
        envs = [slack_env(url, api_url, send_rate=200.0) for api_url in urls]
        async with bots("slack", envs, tmp_path) as started:
            for api_url, bot in zip(urls, started, strict=True):
                switch.bind(api_url, bot)
            await wait_ready(started, DEADLINE)
            switch.arm(switch.posts + MEMBERS // 4, stored=False, port_of=urls[0])
            statuses = await settle(
                url, lambda: _received(slack), MEMBERS, deadline=LEASE_DEADLINE, stuck=LEASE_STUCK
            )
            assert started[0].process.returncode == -signal.SIGKILL
            codes = [await bot.stop() for bot in started[1:]]
        tally = Tally.of(slack.dm_counts(), users)
    assert codes == [0] * (processes - 1)
    assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
    assert statuses["sent"] == MEMBERS, statuses
