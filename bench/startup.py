"""Start-up benchmark: how long `pln-bot run` takes to be ready, and its memory when idle,
against a process that only imports the libraries it is built on.

The baseline is `python -c "import slack_bolt, discord, sqlalchemy"`: its wall time and its
peak RSS. pln-bot is timed from spawn to its banner (the Slack adapter prints it once it
listens, has checked its token with the local Slack stand-in and caught up; the Discord
adapter once it is connected to the local Discord stand-in's gateway), on an SQLite file
migrated by an earlier start; its idle RSS is read two seconds after that. Medians of
`--runs` starts, baseline and bot interleaved so a noisy spell on a shared machine hits both.
Nothing is asserted; figures are printed.

    .venv/bin/python bench/startup.py --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support

from tests.support.bot_fleet import (
    DISCORD_GUILD,
    discord_env,
    discord_user_ids,
    slack_env,
    start_bot,
)
from tests.support.discord_standin import DiscordStandIn
from tests.support.slack_standin import SlackStandIn

IMPORTS = "import slack_bolt, discord, sqlalchemy"
IDLE_AFTER = 2.0  # seconds after ready before idle RSS is read
READY = {"slack": r"Slack adapter, HTTP on", "discord": r"Discord adapter, connected as"}


@dataclass
class Figures:
    seconds: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)

    def median(self) -> tuple[float, float]:
        return statistics.median(self.seconds), statistics.median(self.rss_mib)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def imports_only() -> tuple[float, float]:
    """The import-only process: wall time, and its peak RSS from the kernel's accounting
    (reaped here with wait4, outside asyncio's child watcher, to get its rusage)."""
    start = perf_counter()
    process = subprocess.Popen([sys.executable, "-c", IMPORTS])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{IMPORTS!r} failed")
    return seconds, usage.ru_maxrss / 1024


async def baseline(figures: Figures) -> None:
    seconds, rss = await asyncio.to_thread(imports_only)
    figures.seconds.append(seconds)
    figures.rss_mib.append(rss)


async def bot_start(adapter: str, env: dict[str, str], workdir: Path, figures: Figures) -> None:
    start = perf_counter()
    bot = await start_bot(adapter, env, workdir, f"{adapter}-start")
    loop = asyncio.get_running_loop()
    while not any(re.search(READY[adapter], line) for line in bot.output):
        if bot.process.returncode is not None or perf_counter() - start > 120:
            raise SystemExit(f"{adapter} never became ready; log: {bot.log()[-2000:]}")
        await asyncio.sleep(0.01)
    figures.seconds.append(perf_counter() - start)
    ready_at = loop.time()
    await asyncio.sleep(max(0.0, IDLE_AFTER - (loop.time() - ready_at)))
    figures.rss_mib.append(rss_kib(bot.pid) / 1024)
    if await bot.stop() != 0:
        raise SystemExit(f"{adapter} did not stop cleanly; log: {bot.log()[-2000:]}")


async def bench(runs: int) -> dict[str, Figures]:
    figures = {"imports": Figures(), "slack": Figures(), "discord": Figures()}
    with tempfile.TemporaryDirectory(prefix="pln-startup-bench-") as tmp:
        async with SlackStandIn() as slack, DiscordStandIn() as discord_server:
            users = discord_user_ids(3)
            for user in users:
                discord_server.add_user(user, f"m{user[-3:]}")
            discord_server.add_guild(DISCORD_GUILD, "Bench PLN", members=users)
            envs = {
                "slack": slack_env(
                    f"sqlite+aiosqlite:///{tmp}/slack.db", slack.base_url, send_rate=5.0
                ),
                "discord": discord_env(
                    f"sqlite+aiosqlite:///{tmp}/discord.db", discord_server.api_url, dm_rate=1.0
                ),
            }
            for adapter, env in envs.items():  # the first start migrates; not counted
                await bot_start(adapter, env, Path(tmp), Figures())
            for _ in range(runs):
                await baseline(figures["imports"])
                for adapter, env in envs.items():
                    await bot_start(adapter, env, Path(tmp), figures[adapter])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    figures = asyncio.run(bench(args.runs))
    base_seconds, base_rss = figures["imports"].median()
    print(f"medians of {args.runs} starts")
    print(f"baseline `python -c {IMPORTS!r}`: {base_seconds:.2f} s, peak RSS {base_rss:.0f} MiB")
    for adapter in ("slack", "discord"):
        seconds, rss = figures[adapter].median()
        print(
            f"{adapter}: start-to-ready {seconds:.2f} s ({seconds / base_seconds:.2f}x),"
            f" idle RSS {rss:.0f} MiB ({rss / base_rss:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
