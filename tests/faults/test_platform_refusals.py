"""A platform that answers 429 (Retry-After) and 5xx during a fan-out: every member still gets
the prompt exactly once.

A real `pln-bot run` process on the wall clock sends a `prompt now` to 200 members through
its real adapter (slack_sdk / discord.py) to a stand-in that enforces a rate below what the
bot is set to send at, so it is refused with 429s, and answers a share of posts 5xx before
storing them. 120 members (90 on Discord, where discord.py itself waits a second before
retrying a 502) keep each test short; bench/platform_fanout.py runs 10,000. A send that runs
out of the adapter's own retries is put back for PLN_SEND_RETRY_SECONDS (2 here, a minute by
default), which still counts as retried, not lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.bot_fleet import (
    DISCORD_GUILD,
    SLACK_TEAM,
    Tally,
    bots,
    discord_env,
    discord_user_ids,
    now_utc,
    seed_prompt_now,
    settle,
    slack_env,
    slack_user_ids,
)
from tests.support.discord_standin import DiscordLimits, DiscordStandIn
from tests.support.slack_standin import SlackLimits, SlackStandIn

MEMBERS = 120
DISCORD_MEMBERS = 90
RETRY = {"PLN_SEND_RETRY_SECONDS": "2"}
DEADLINE = 150.0  # a bound on a loaded machine; passing runs end as soon as done
STUCK = 30.0  # far longer than a send put back a few times (2 s, 4 s, 6 s) under load


@pytest.mark.postgres
async def test_slack_429s_and_5xx_are_retried_and_nobody_is_lost_or_doubled(
    tmp_path: Path, postgres_scratch_url: str
) -> None:
    users = slack_user_ids(MEMBERS)
    await seed_prompt_now(postgres_scratch_url, "slack", SLACK_TEAM, users, now=now_utc())
    limits = SlackLimits(latency=0.02, workspace=20.0, per_channel=1.0, server_error_rate=0.08)
    async with SlackStandIn(limits=limits) as slack:
        env = slack_env(postgres_scratch_url, slack.base_url, send_rate=40.0, **RETRY)
        async with bots("slack", [env], tmp_path) as (bot,):
            received = slack.dm_counts
            statuses = await settle(
                postgres_scratch_url,
                lambda: len(received()),
                MEMBERS,
                deadline=DEADLINE,
                stuck=STUCK,
            )
            assert await bot.stop() == 0
        tally = Tally.of(slack.dm_counts(), users)
        assert slack.limits is not None
        assert slack.limits.rate_limited > 0 and slack.limits.server_errors > 0
        assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
        assert statuses["sent"] == MEMBERS, statuses


@pytest.mark.postgres
async def test_discord_429s_and_5xx_are_retried_and_nobody_is_lost_or_doubled(
    tmp_path: Path, postgres_scratch_url: str
) -> None:
    users = discord_user_ids(DISCORD_MEMBERS)
    await seed_prompt_now(postgres_scratch_url, "discord", DISCORD_GUILD, users, now=now_utc())
    limits = DiscordLimits(
        latency=0.02, global_per_second=30.0, dm_open_per_second=None, server_error_rate=0.03
    )
    async with DiscordStandIn(limits=limits) as discord_server:
        for user in users:
            discord_server.add_user(user, f"member{user[-4:]}")
        discord_server.add_guild(DISCORD_GUILD, "Fault PLN", members=users)
        # Beside the enforced global rate (which today's one-at-a-time sending stays under),
        # a run of 429s on message posts, as Discord's per-route buckets give them.
        discord_server.rate_limit_next("POST", "/channels/{id}/messages", 4, retry_after=0.5)
        env = discord_env(postgres_scratch_url, discord_server.api_url, dm_rate=25.0, **RETRY)
        async with bots("discord", [env], tmp_path) as (bot,):
            counts = discord_server.dm_counts
            statuses = await settle(
                postgres_scratch_url,
                lambda: len(counts()),
                DISCORD_MEMBERS,
                deadline=DEADLINE,
                stuck=STUCK,
            )
            assert await bot.stop() == 0
        tally = Tally.of(discord_server.dm_counts(), users)
        assert discord_server.limits is not None
        assert discord_server.limits.server_errors > 0
        assert any(call.status == 429 for call in discord_server.calls)
        assert (tally.lost, tally.duplicated) == ((), ()), f"{tally}; {statuses}"
        assert statuses["sent"] == DISCORD_MEMBERS, statuses
