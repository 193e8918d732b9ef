"""Platform fan-out benchmark: one prompt to N members through real `pln-bot run` processes,
against local Slack and Discord stand-ins that ENFORCE the platforms' limits.

Each call to a stand-in takes `--latency` seconds (150 ms, as a real network); beyond the
enforced rates it answers 429 with Retry-After, as the platform does (tests/support/*/limits.py):

- Slack: chat.postMessage 1/s per channel (each member's DM is its own) and `--slack-limit`
  a second per workspace. The bot's PLN_SLACK_SEND_RATE is set to that limit.
- Discord: `--discord-global` REST requests a second in all, and `--discord-dm-open` new DM
  channels a second (a first fan-out opens one per member). PLN_DISCORD_DM_RATE is set to the
  DM-open limit.
- With `--processes N`, each process's rate is the limit divided by N, as docs/OPERATIONS.md
  tells an operator to set it (pacers are per process).

The members are seeded into the database with a `prompt now` due (tests/support/bot_fleet.py)
and the processes start on the wall clock; with `--processes 2` they share one PostgreSQL
database. What is printed, each as a same-run ratio where there is one: members a second
against the binding enforced limit (goal >= 0.9), 429s, members lost and doubled (counted
by the stand-in per recipient), peak RSS of each process and its RSS once 10x fewer members
had been reached (RSS at N / RSS at N/10, goal <= 1.2). Nothing is asserted; the exit code
is 1 when a member was lost or doubled.

    .venv/bin/python bench/platform_fanout.py                          # both, 10,000, SQLite
    .venv/bin/python bench/platform_fanout.py --platform slack --members 1000
    .venv/bin/python bench/platform_fanout.py --processes 2 \\
        --database-url postgresql+asyncpg://user:password@host/throwaway_db
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.bot_fleet import (
    DISCORD_GUILD,
    SLACK_TEAM,
    BotProcess,
    Tally,
    delivery_statuses,
    discord_env,
    discord_user_ids,
    now_utc,
    seed_prompt_now,
    slack_env,
    slack_user_ids,
    start_bot,
)
from tests.support.discord_standin import DiscordLimits, DiscordStandIn
from tests.support.slack_standin import SlackLimits, SlackStandIn

POLL = 0.25  # seconds between samples of progress and memory


def rss_kib(pid: int, field_name: str = "VmRSS") -> int:
    """A field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def fire_in(args: argparse.Namespace) -> timedelta:
    """One process catches the prompt up at start; several start before it fires, so each
    wakes for it on its own alarm as they would for a weekly prompt."""
    return timedelta(minutes=-1) if args.processes == 1 else timedelta(seconds=args.start_lead)


@dataclass
class Run:
    platform: str
    members: int
    processes: int
    limit: float  # members a second the binding enforced limit allows
    limit_words: str
    seconds: float = 0.0  # first accepted post to the last
    tally: Tally | None = None
    rate_limited: int = 0
    requests: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    peak_rss_mib: list[float] = field(default_factory=list)
    rss_at_tenth_mib: list[float] = field(default_factory=list)
    rss_at_end_mib: list[float] = field(default_factory=list)
    finished: bool = False

    @property
    def rate(self) -> float:
        received = self.tally.expected - len(self.tally.lost) if self.tally else 0
        return received / self.seconds if self.seconds else 0.0


async def watch(
    run: Run, bots: list[BotProcess], received: Callable[[], int], url: str, max_seconds: float
) -> None:
    """Sample progress and memory until every member has the prompt and every row is final."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    first_at: float | None = None
    last_count, last_at = 0, start
    tenth = max(1, run.members // 10)
    while loop.time() - start < max_seconds:
        count = received()
        now = loop.time()
        if count and first_at is None:
            first_at = now
        if count != last_count:
            last_count, last_at = count, now
        if count >= tenth and not run.rss_at_tenth_mib:
            run.rss_at_tenth_mib = [rss_kib(bot.pid) / 1024 for bot in bots]
        run.peak_rss_mib = [max(rss_kib(bot.pid, "VmHWM") / 1024, 0.0) for bot in bots]
        if count >= run.members:
            statuses = await delivery_statuses(url)
            if not statuses["claimed"] and not statuses["sending"]:
                run.finished = True
                break
        await asyncio.sleep(POLL)
    run.rss_at_end_mib = [rss_kib(bot.pid) / 1024 for bot in bots]
    run.seconds = last_at - (first_at or last_at)


async def run_slack(args: argparse.Namespace, url: str, workdir: Path) -> Run:
    users = slack_user_ids(args.members)
    await seed_prompt_now(url, "slack", SLACK_TEAM, users, now=now_utc(), fire_in=fire_in(args))
    limits = SlackLimits(latency=args.latency, workspace=args.slack_limit, per_channel=1.0)
    run = Run(
        "slack", args.members, args.processes, args.slack_limit,
        f"chat.postMessage {args.slack_limit:g}/s per workspace, 1/s per DM",
    )  # fmt: skip
    async with SlackStandIn(limits=limits) as slack:
        bots = []
        for i in range(args.processes):
            api_url = await slack.add_listener()
            env = slack_env(url, api_url, send_rate=args.slack_limit / args.processes)
            bots.append(await start_bot("slack", env, workdir, f"slack-{i}"))
        try:
            await watch(run, bots, lambda: len(slack.dm_counts()), url, args.max_seconds)
        finally:
            for bot in bots:
                await bot.stop()
        run.tally = Tally.of(slack.dm_counts(), users)
        run.rate_limited = slack.limits.rate_limited if slack.limits else 0
        run.requests = len(slack.calls)
    run.statuses = dict(await delivery_statuses(url))
    return run


async def run_discord(args: argparse.Namespace, url: str, workdir: Path) -> Run:
    users = discord_user_ids(args.members)
    await seed_prompt_now(
        url, "discord", DISCORD_GUILD, users, now=now_utc(), fire_in=fire_in(args)
    )
    limits = DiscordLimits(
        latency=args.latency,
        global_per_second=args.discord_global,
        dm_open_per_second=args.discord_dm_open,
    )
    # A first fan-out opens a DM channel per member and posts in it: two requests each.
    limit = min(args.discord_dm_open, args.discord_global / 2)
    run = Run(
        "discord", args.members, args.processes, limit,
        f"{args.discord_global:g} requests/s in all, {args.discord_dm_open:g} DM opens/s",
    )  # fmt: skip
    async with DiscordStandIn(limits=limits, echo_bot_messages=True) as discord_server:
        for user in users:
            discord_server.add_user(user, f"m{user[-5:]}")
        discord_server.add_guild(DISCORD_GUILD, "Bench PLN", members=users)
        bots = []
        for i in range(args.processes):
            api_url = await discord_server.add_listener()
            env = discord_env(url, api_url, dm_rate=args.discord_dm_open / args.processes)
            bots.append(await start_bot("discord", env, workdir, f"discord-{i}"))
        counts = discord_server.dm_counts
        try:
            await watch(run, bots, lambda: len(counts()), url, args.max_seconds)
        finally:
            for bot in bots:
                await bot.stop()
        run.tally = Tally.of(discord_server.dm_counts(), users)
        run.rate_limited = discord_server.limits.rate_limited if discord_server.limits else 0
        run.requests = len(discord_server.calls)
    run.statuses = dict(await delivery_statuses(url))
    return run


async def fresh_postgres(url: str) -> None:
    """Empty the throwaway database: the benchmark migrates it and seeds its own rows."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def bench(args: argparse.Namespace) -> list[Run]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="pln-platform-bench-") as tmp:
        for platform in ("slack", "discord") if args.platform == "both" else (args.platform,):
            workdir = Path(tmp) / platform
            if args.database_url:
                url = args.database_url
                await fresh_postgres(url)
            else:
                url = f"sqlite+aiosqlite:///{Path(tmp) / f'{platform}.db'}"
            runner = run_slack if platform == "slack" else run_discord
            runs.append(await runner(args, url, workdir))
            print_run(runs[-1], args)
    return runs


def print_run(run: Run, args: argparse.Namespace) -> None:
    tally = run.tally
    assert tally is not None
    where = "PostgreSQL" if args.database_url else "SQLite file"
    rss_ratio = [
        f"{end / tenth:.2f}" if tenth else "n/a"
        for end, tenth in zip(run.rss_at_end_mib, run.rss_at_tenth_mib, strict=False)
    ]
    lines = [
        f"== {run.platform}: {run.members:,} members, {run.processes} process(es), {where},"
        f" {args.latency * 1000:.0f} ms per call",
        f"enforced: {run.limit_words} -> {run.limit:g} members/s",
        f"finished: {run.finished} ({run.statuses})",
        f"members/s: {run.rate:.2f} over {run.seconds:.1f} s"
        f" = {run.rate / run.limit:.2f} of the enforced limit",
        f"429s: {run.rate_limited} of {run.requests} requests",
        f"lost: {len(tally.lost)}, duplicated: {len(tally.duplicated)}",
        f"peak RSS per process: {', '.join(f'{m:.0f} MiB' for m in run.peak_rss_mib)}",
        f"RSS at {run.members:,} / RSS at {max(1, run.members // 10):,}: {', '.join(rss_ratio)}",
    ]
    print("\n".join(lines), flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=("slack", "discord", "both"), default="both")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database (emptied)")
    parser.add_argument("--latency", type=float, default=0.150)
    parser.add_argument("--slack-limit", type=float, default=50.0)
    parser.add_argument("--discord-global", type=float, default=50.0)
    parser.add_argument("--discord-dm-open", type=float, default=25.0)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument(
        "--start-lead", type=float, default=30.0, help="seconds to the fire (>1 process)"
    )
    args = parser.parse_args(argv)
    if args.processes > 1 and not args.database_url:
        parser.error("several processes share one PostgreSQL database: give --database-url")
    if args.database_url and make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be PostgreSQL")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print("$ " + " ".join(shlex.quote(part) for part in sys.argv), flush=True)
    runs = asyncio.run(bench(args))
    bad = [run for run in runs if run.tally and (run.tally.lost or run.tally.duplicated)]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
