"""Fan-out benchmark: one weekly prompt to N members through the real core.

What is timed is one `PlnCore.run_due_work()` call: claiming N deliveries in one
transaction, then marking each one `sending`, handing it to a Messenger and recording
`sent`. The Messenger is a no-op that accepts every message at once, so the time is the
core's and the store's own overhead, not a platform's.

Set-up is not timed: migrations, one `/pln join` through the core (which creates the
console community and its default Monday 09:00 schedule), then the other members inserted
in bulk, spread over ten time zones. A simulated clock is then moved to just after the
last zone's Monday 09:00, with a grace period long enough to cover the first zone's.

The machine may be shared and noisy, so the figures are set against a baseline measured
in the same run, on the same database and the same engine settings (WAL, busy timeout,
async driver): a loop of single-row INSERT + COMMIT transactions, half before and half
after the fan-out. Nothing is asserted; figures are printed. The exit code is 1 only when
the fan-out did not send exactly one prompt to every member.

    .venv/bin/python bench/fanout.py                    # 10,000 members, SQLite temp file
    .venv/bin/python bench/fanout.py --members 1000
    .venv/bin/python bench/fanout.py --database-url postgresql+asyncpg://u:p@host/empty_db
    .venv/bin/python bench/fanout.py --profile          # cProfile of the fan-out, to stderr
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import platform
import pstats
import resource
import shlex
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter, process_time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.delivery import DueReport
from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.core.schedule import WeeklyRule, fire_on
from bot.core.service import PlnCore
from bot.store.database import Database, create_engine
from bot.store.migrate import upgrade
from bot.store.models import Community, Delivery, DeliveryStatus, Member

PLATFORM = "console"
COMMUNITY = CommunityRef(platform=PLATFORM, external_id="local", name="Console")
ZONES = (
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Berlin",
    "UTC",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
SET_UP_AT = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday: after last week's prompts
FIRE_DATE = date(2026, 11, 23)  # the Monday whose prompt fans out
PROMPT_TIME = time(9, 0)
INSERT_CHUNK = 1000
MAX_GRACE = timedelta(days=7)
WARM_UP = 200  # baseline transactions run before its clock starts


class NoOpMessenger:
    """Accepts every message at once, so what is measured is the core's own work."""

    platform = PLATFORM

    def __init__(self) -> None:
        self.calls = 0
        self._sent = SendResult.sent()

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        self.calls += 1
        return self._sent


class SqlCounter:
    """Commits and statements an engine runs, counted through SQLAlchemy's events."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.commits = 0
        self.statements = 0
        event.listen(engine.sync_engine, "commit", self._on_commit)
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_statement)

    def _on_commit(self, *_: Any) -> None:
        self.commits += 1

    def _on_statement(self, *_: Any) -> None:
        self.statements += 1


@dataclass
class Baseline:
    transactions: int
    seconds: float
    cpu_seconds: float  # this process, every thread (aiosqlite runs SQLite in its own)

    @property
    def rate(self) -> float:
        return self.transactions / self.seconds

    @property
    def cpu_rate(self) -> float:
        return self.transactions / self.cpu_seconds

    def __add__(self, other: Baseline) -> Baseline:
        return Baseline(
            self.transactions + other.transactions,
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
        )


@dataclass
class Verification:
    rows: int
    sent: int
    sent_members: int

    def exact(self, members: int) -> bool:
        return self.rows == self.sent == self.sent_members == members


@dataclass
class Result:
    members: int
    seconds: float
    cpu_seconds: float
    report: DueReport
    messenger_calls: int
    commits: int
    statements: int
    verification: Verification
    baseline_before: Baseline
    baseline_after: Baseline
    set_up_seconds: float
    rss_before_mib: float
    rss_peak_mib: float
    tracemalloc_peak_mib: float | None

    @property
    def exact(self) -> bool:
        """Exactly one prompt sent to each member, by the store, the messenger and the report."""
        n = self.members
        return self.verification.exact(n) and self.messenger_calls == self.report.sent == n


# -- set-up (not timed) -----------------------------------------------------------------


def fire_times() -> dict[str, datetime]:
    rule = WeeklyRule(0, PROMPT_TIME)
    return {zone: fire_on(rule, FIRE_DATE, ZoneInfo(zone)).at for zone in ZONES}


def run_time_and_grace() -> tuple[datetime, timedelta]:
    """Just after the last zone's Monday 09:00, with a grace covering the first zone's."""
    fires = fire_times().values()
    run_at = max(fires) + timedelta(minutes=1)
    grace = run_at - min(fires) + timedelta(hours=1)
    if grace > MAX_GRACE:
        raise SystemExit(f"the zones span too much: grace {grace} > {MAX_GRACE}")
    return run_at, grace


async def set_up(core: PlnCore, db: Database, members: int) -> int:
    """One member joins through the core; the rest are inserted in bulk. Returns the count."""
    founder = Actor(community=COMMUNITY, user_id="member-0", display_name="Member 0")
    replies = await core.handle_command(founder, "join")
    if not any("Welcome" in reply.text for reply in replies):
        raise SystemExit(f"the founding join failed: {[reply.text for reply in replies]}")

    async def bulk(session: AsyncSession) -> int:
        community_id = await session.scalar(
            select(Community.id).where(
                Community.platform == PLATFORM, Community.external_id == COMMUNITY.external_id
            )
        )
        assert community_id is not None
        rows = [
            {
                "community_id": community_id,
                "platform": PLATFORM,
                "platform_user_id": f"member-{i}",
                "display_name": f"Member {i}",
                "timezone": ZONES[i % len(ZONES)],
                "active": True,
                "joined_at": SET_UP_AT,
            }
            for i in range(1, members)
        ]
        for start in range(0, len(rows), INSERT_CHUNK):
            await session.execute(insert(Member), rows[start : start + INSERT_CHUNK])
        return int(await session.scalar(select(func.count()).select_from(Member)) or 0)

    return await db.run(bulk)


async def ensure_empty(db: Database) -> None:
    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Community)) or 0)

    if await db.run(count):
        raise SystemExit("the database is not empty: give the benchmark a throwaway database")


# -- the baseline -----------------------------------------------------------------------

BASELINE = Table(
    "bench_baseline",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),
)


async def bare_inserts(url: str, transactions: int, first_id: int) -> Baseline:
    """Single-row INSERT + COMMIT transactions on an engine made exactly as the bot makes one."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: BASELINE.create(sync, checkfirst=True))
        statement = insert(BASELINE)
        for i in range(WARM_UP):  # connect, compile and cache the statement first
            async with engine.begin() as connection:
                await connection.execute(statement, {"member_id": -1 - i, "status": "warm-up"})
        start, cpu_start = perf_counter(), process_time()
        for i in range(first_id, first_id + transactions):
            async with engine.begin() as connection:
                await connection.execute(statement, {"member_id": i, "status": "sent"})
        return Baseline(transactions, perf_counter() - start, process_time() - cpu_start)
    finally:
        await engine.dispose()


async def drop_baseline(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: BASELINE.drop(sync, checkfirst=True))
    finally:
        await engine.dispose()


# -- the run ----------------------------------------------------------------------------


async def verify(db: Database) -> Verification:
    async def count(session: AsyncSession) -> Verification:
        rows = await session.scalar(select(func.count()).select_from(Delivery))
        sent, sent_members = (
            await session.execute(
                select(func.count(), func.count(Delivery.member_id.distinct())).where(
                    Delivery.status == DeliveryStatus.SENT
                )
            )
        ).one()
        return Verification(int(rows or 0), int(sent), int(sent_members))

    return await db.run(count)


def rss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@contextmanager
def profiled(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)


async def bench(url: str, members: int, *, profile: bool, trace_memory: bool) -> Result:
    run_at, grace = run_time_and_grace()
    clock = SimulatedClock(SET_UP_AT)
    db = Database(url)
    messenger = NoOpMessenger()
    core = PlnCore(db, clock, messenger, CoreConfig(grace=grace, prompt_time=PROMPT_TIME))
    try:
        set_up_start = perf_counter()
        await ensure_empty(db)
        created = await set_up(core, db, members)
        if created != members:
            raise SystemExit(f"set-up made {created} members, not {members}")
        set_up_seconds = perf_counter() - set_up_start

        before = await bare_inserts(url, members, first_id=0)

        clock.set(run_at)
        counter = SqlCounter(db.engine)
        rss_before = rss_mib()
        if trace_memory:
            tracemalloc.start()
        with profiled(profile):
            start, cpu_start = perf_counter(), process_time()
            report = await core.run_due_work()
            seconds, cpu_seconds = perf_counter() - start, process_time() - cpu_start
        traced_peak = None
        if trace_memory:
            traced_peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
            tracemalloc.stop()
        rss_peak = rss_mib()
        commits, statements = counter.commits, counter.statements

        after = await bare_inserts(url, members, first_id=members)
        verification = await verify(db)
        await drop_baseline(url)
    finally:
        await db.dispose()
    return Result(
        members=members,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        report=report,
        messenger_calls=messenger.calls,
        commits=commits,
        statements=statements,
        verification=verification,
        baseline_before=before,
        baseline_after=after,
        set_up_seconds=set_up_seconds,
        rss_before_mib=rss_before,
        rss_peak_mib=rss_peak,
        tracemalloc_peak_mib=traced_peak,
    )


# -- output -----------------------------------------------------------------------------


def command_line() -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = "python"
    return shlex.join([shown, *sys.argv])


def describe_database(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "SQLite file in a temp dir (WAL, synchronous=NORMAL, busy timeout 5 s), aiosqlite"
    return f"{parsed.render_as_string(hide_password=True)}"


def print_result(result: Result, url: str, profile: bool) -> None:
    n = result.members
    per_second = n / result.seconds
    baseline = result.baseline_before + result.baseline_after
    ratio = per_second / baseline.rate
    worth = baseline.rate / per_second
    cpu_ratio = (n / result.cpu_seconds) / baseline.cpu_rate
    check = result.verification
    exact = result.exact
    rows: list[tuple[str, str]] = [
        ("members", f"{n:,}"),
        ("deliveries sent (messenger calls)", f"{result.messenger_calls:,}"),
        (
            "delivery rows / sent / members sent",
            f"{check.rows:,} / {check.sent:,} / {check.sent_members:,}"
            + ("  OK" if exact else "  MISMATCH"),
        ),
        ("fan-out time (run_due_work)", f"{result.seconds:.2f} s"),
        ("deliveries per second", f"{per_second:,.0f}"),
        ("core overhead per delivery", f"{1000 * result.seconds / n:.3f} ms"),
        ("  CPU per delivery (process)", f"{1000 * result.cpu_seconds / n:.3f} ms"),
        ("commits per delivery", f"{result.commits / n:.2f}"),
        ("SQL statements per delivery (no BEGIN)", f"{result.statements / n:.2f}"),
        ("bare INSERT+COMMIT per second", f"{baseline.rate:,.0f}"),
        (
            "  (before / after the fan-out)",
            f"{result.baseline_before.rate:,.0f} / {result.baseline_after.rate:,.0f}",
        ),
        ("fan-out vs bare INSERT+COMMIT", f"{ratio:.2f}x"),
        ("bare transactions' worth per delivery", f"{worth:.1f}"),
        ("  same, by CPU time", f"{1 / cpu_ratio:.1f}"),
        ("peak RSS (whole process)", f"{result.rss_peak_mib:.1f} MiB"),
        (
            "peak RSS growth during fan-out",
            f"{result.rss_peak_mib - result.rss_before_mib:.1f} MiB",
        ),
    ]
    if result.tracemalloc_peak_mib is not None:
        rows.append(("tracemalloc peak of fan-out", f"{result.tracemalloc_peak_mib:.1f} MiB"))
    rows.append(("set-up, not timed", f"{result.set_up_seconds:.2f} s"))

    print("pln-bot fan-out benchmark")
    print(f"command:  {command_line()}")
    print(f"database: {describe_database(url)}")
    print(
        f"machine:  {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}"
    )
    run_at, grace = run_time_and_grace()
    print(
        f"schedule: Mondays {PROMPT_TIME:%H:%M} local; members spread over {len(ZONES)} zones "
        f"({ZONES[0]} ... {ZONES[-1]})"
    )
    print(
        f"clock:    {run_at:%Y-%m-%d %H:%M} UTC, just after the last zone's prompt "
        f"on {FIRE_DATE}; grace {grace.total_seconds() / 3600:.1f} h"
    )
    if profile or result.tracemalloc_peak_mib is not None:
        print("note:     timed with the profiler or tracemalloc on: times are inflated")
    print()
    width = max(len(name) for name, _ in rows)
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  {'-' * 24}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print()
    print(
        f"bare INSERT+COMMIT: {baseline.rate:,.0f}/s — fan-out is {ratio:.2f}x of that "
        f"({worth:.1f} transactions' worth per delivery; it commits "
        f"{result.commits / n:.2f} per delivery)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=10_000, help="members (default 10,000)")
    parser.add_argument(
        "--database-url",
        help="an EMPTY, throwaway database (e.g. postgresql+asyncpg://...); it is migrated and "
        "left with the benchmark's rows. Default: a SQLite file in a temp dir.",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the fan-out (stderr)")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report tracemalloc's peak during the fan-out (slows it down)",
    )
    args = parser.parse_args(argv)
    if args.members < 1:
        parser.error("--members must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="pln-bench-") as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)  # blocking, and Alembic runs its own event loop: outside ours
        result = asyncio.run(
            bench(url, args.members, profile=args.profile, trace_memory=args.tracemalloc)
        )
    print_result(result, url, args.profile)
    return 0 if result.exact else 1


if __name__ == "__main__":
    sys.exit(main())
