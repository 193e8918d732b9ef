"""Real `pln-bot run` processes fanning one prompt out, for fault tests and benchmarks.

A fan-out is seeded straight into the database (a community, N members in UTC, and a
`prompt now` occurrence due a minute ago on the wall clock), then bot processes start with
`--clock system`: each claims what is due at start-up and sends it through its real adapter
to a stand-in. What each recipient received is read back from the stand-in, so a test can
count lost and doubled prompts whatever happened to the processes on the way.

Logs go to a file per process (`BotProcess.log_path`), stdout is drained in the background,
and processes are ended by their own pid only.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.models import Community, Delivery, Member, Schedule, ScheduleKind
from bot.store.types import UTCDateTime
from tests.support.discord_standin.model import _Answer

SLACK_TEAM = "T1"  # the stand-in's default workspace
SLACK_TOKEN = "xoxb-test"
SLACK_SECRET = "fleet-signing-secret"
DISCORD_GUILD = "900000000000000009"
DISCORD_TOKEN = "fleet-discord-token.abc.def"
INSERT_CHUNK = 1000
REPO = Path(__file__).resolve().parents[2]


def slack_user_ids(count: int) -> list[str]:
    return [f"U{i:05d}" for i in range(count)]


def discord_user_ids(count: int) -> list[str]:
    return [str(810_000_000_000_000_000 + i) for i in range(count)]


class _Silent:
    """The seeding core's messenger: the founder's welcome goes nowhere."""

    platform = "seed"

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        return SendResult.sent(f"seed-{recipient.platform_user_id}")


async def seed_prompt_now(
    url: str,
    platform: str,
    community: str,
    user_ids: Sequence[str],
    *,
    now: datetime,
    fire_in: timedelta = timedelta(minutes=-1),
) -> int:
    """Migrate `url`, add the members, and make one `prompt now` due at `now + fire_in`
    (a minute ago by default: caught up at start); its schedule id. Processes that must
    fan out together are started before it fires, so each wakes for it on its alarm.

    The founder joins through the core (which creates the community); the others are
    inserted in bulk. The weekly schedule is switched off so only this occurrence is due,
    whatever the weekday the test runs on."""
    await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
    joined = now - timedelta(days=1)
    db = Database(url)
    core = PlnCore(db, SimulatedClock(joined), _Silent(), CoreConfig())
    ref = CommunityRef(platform, community)
    try:
        founder = Actor(community=ref, user_id=user_ids[0], display_name="Member 0")
        replies = await core.handle_command(founder, "join")
        if not any("Welcome" in reply.text for reply in replies):
            raise AssertionError(f"the founder could not join: {[r.text for r in replies]}")

        async def fill(session: AsyncSession) -> int:
            community_id = await session.scalar(
                select(Community.id).where(
                    Community.platform == platform, Community.external_id == community
                )
            )
            assert community_id is not None
            await session.execute(
                update(Member).where(Member.community_id == community_id).values(timezone="UTC")
            )
            rows = [
                {
                    "community_id": community_id,
                    "platform": platform,
                    "platform_user_id": user_id,
                    "display_name": f"Member {i}",
                    "timezone": "UTC",
                    "active": True,
                    "joined_at": joined,
                }
                for i, user_id in enumerate(user_ids[1:], start=1)
            ]
            for start in range(0, len(rows), INSERT_CHUNK):
                await session.execute(insert(Member), rows[start : start + INSERT_CHUNK])
            await session.execute(
                update(Schedule).where(Schedule.community_id == community_id).values(active=False)
            )
            schedule = Schedule(
                community_id=community_id,
                kind=ScheduleKind.PROMPT_NOW,
                fire_at=now + fire_in,
                active=True,
                created_at=now - timedelta(minutes=1),
            )
            session.add(schedule)
            await session.flush()
            return schedule.id

        return await db.run(fill)
    finally:
        await db.dispose()


async def delivery_statuses(url: str) -> Counter[str]:
    """How many deliveries are in each state."""
    db = Database(url)

    async def count(session: AsyncSession) -> Counter[str]:
        rows = await session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        return Counter({status: number for status, number in rows.tuples()})

    try:
        return await db.run(count)
    finally:
        await db.dispose()


@dataclass(frozen=True)
class Tally:
    """What the members received, against who should have: the fault tests' verdict."""

    expected: int
    received: int  # messages, doubles included
    lost: tuple[str, ...]  # members who got nothing
    duplicated: tuple[str, ...]  # members who got more than one

    @classmethod
    def of(cls, counts: Counter[str], expected: Iterable[str]) -> Tally:
        wanted = list(expected)
        return cls(
            expected=len(wanted),
            received=sum(counts[user] for user in wanted),
            lost=tuple(user for user in wanted if counts[user] == 0),
            duplicated=tuple(user for user in wanted if counts[user] > 1),
        )

    def __str__(self) -> str:
        return (
            f"{self.expected} members: {self.received} messages, {len(self.lost)} lost,"
            f" {len(self.duplicated)} duplicated"
        )


# -- processes -----------------------------------------------------------------------------


def _base_env(url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "PLN_", "DISCORD_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=url,
        PLN_HTTP_HOST="127.0.0.1",
        PLN_HTTP_PORT="0",
        PLN_DEFAULT_TIMEZONE="UTC",
        PLN_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
    )
    env[LEASE_ENV] = "5"  # so a test need not wait out a production-length lease
    return env


def slack_env(url: str, api_url: str, *, send_rate: float, **extra: str) -> dict[str, str]:
    env = _base_env(url)
    env.update(
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=SLACK_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_SECRET,
        PLN_SLACK_SEND_RATE=str(send_rate),
    )
    env.update(extra)
    return env


def discord_env(url: str, api_url: str, *, dm_rate: float, **extra: str) -> dict[str, str]:
    env = _base_env(url)
    env.update(
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL=api_url,
        PLN_DISCORD_GUILD_IDS=DISCORD_GUILD,
        PLN_DISCORD_DM_RATE=str(dm_rate),
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    """One `pln-bot run` process; its stdout lines collected, its log in a file."""

    process: asyncio.subprocess.Process
    log_path: Path
    output: list[str] = field(default_factory=list)
    _drain: asyncio.Task[None] | None = None
    _log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def signal(self, number: signal.Signals) -> None:
        if self.process.returncode is None:
            self.process.send_signal(number)

    async def wait(self, timeout: float) -> int:  # noqa: ASYNC109 - a bound on a real process
        code = await asyncio.wait_for(self.process.wait(), timeout)
        if self._drain is not None:
            await self._drain
        if self._log is not None:
            self._log.close()
        return code

    async def stop(self, timeout: float = 15.0) -> int:  # noqa: ASYNC109
        """SIGTERM, then SIGKILL if it is still there after `timeout` seconds."""
        self.signal(signal.SIGTERM)
        try:
            return await self.wait(timeout)
        except TimeoutError:
            self.signal(signal.SIGKILL)
            return await self.wait(timeout)


def _open_log(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


async def start_bot(adapter: str, env: dict[str, str], workdir: Path, name: str) -> BotProcess:
    """`python -m bot run --adapter ADAPTER --clock system` in `workdir`, stdin closed."""
    log_path = workdir / f"{name}.log"
    log = _open_log(log_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--adapter", adapter, "--clock", "system",
        cwd=workdir, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=log,
    )  # fmt: skip
    bot = BotProcess(process, log_path, _log=log)

    async def drain() -> None:
        assert process.stdout is not None
        while raw := await process.stdout.readline():
            bot.output.append(raw.decode(errors="replace").rstrip())

    bot._drain = asyncio.create_task(drain())
    return bot


READY = re.compile(r"(Slack|Discord) adapter")  # the banner, printed once started


async def wait_ready(processes: Sequence[BotProcess], timeout: float) -> None:  # noqa: ASYNC109
    """Until every process has printed its banner (polled: they are separate processes)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not all(any(READY.search(line) for line in bot.output) for bot in processes):
        exited = [bot for bot in processes if bot.process.returncode is not None]
        if exited or loop.time() > end:
            raise AssertionError(f"not ready: {[bot.log()[-1500:] for bot in processes]}")
        await asyncio.sleep(0.1)


@asynccontextmanager
async def bots(
    adapter: str, envs: Sequence[dict[str, str]], workdir: Path
) -> AsyncIterator[list[BotProcess]]:
    """Several processes at once; whatever is still running is stopped on leaving."""
    started = [await start_bot(adapter, env, workdir, f"bot-{i}") for i, env in enumerate(envs)]
    try:
        yield started
    finally:
        for bot in started:
            if bot.process.returncode is None:
                await bot.stop()


# -- PostgreSQL ------------------------------------------------------------------------------


@asynccontextmanager
async def scratch_postgres(base_url: str, suffix: str) -> AsyncIterator[str]:
    """A fresh database beside `base_url`'s, dropped on leaving (its connections too).

    Fault tests kill connections and run several processes; on a database of their own
    they never disturb the other tests' schema or another engineer's."""
    base = make_url(base_url)
    name = f"{base.database}_{suffix}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def terminate_connections(admin_url: str, database: str) -> int:
    """pg_terminate_backend for every session on `database`: a server restart, as the bot
    sees it, without restarting a server other tests share. Returns how many were ended."""
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            result = await connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )
            return int(result.scalar() or 0)
    finally:
        await admin.dispose()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# -- killing a process at a chosen send ------------------------------------------------------

LEASE_ENV = "PLN_SEND_LEASE_SECONDS"  # how long a dead worker's rows wait (helper-send's lease)
FINAL_STATES = frozenset({"sent", "failed", "uncertain", "missed"})


@dataclass
class _Shot:
    at_post: int  # the n-th DM post (retries included) counted across all processes
    stored: bool  # whether the platform keeps the message the dead process was sending
    port: int | None  # only a post from this listener's process; None: any
    sig: signal.Signals


class KillSwitch:
    """Signals a bot process from inside the stand-in, while one of its DM posts is in flight.

    Armed with `arm(at_post, stored=...)`: when that post arrives, the process that sent it
    (known by the listener port it was given, `bind`) gets the signal before any answer.
    `stored=False`: the platform never got the message (the answer is a 500 nobody reads),
    the case a process dies between marking a row `sending` and the platform storing it.
    `stored=True`: the platform keeps it, the case where only the answer is lost. Either
    way exactly one message must reach the member in the end."""

    def __init__(self) -> None:
        self.posts = 0
        self.fired: list[tuple[int, BotProcess]] = []
        self._ports: dict[int, BotProcess] = {}
        self._shots: list[_Shot] = []

    def bind(self, api_url: str, bot: BotProcess) -> None:
        port = urlsplit(api_url).port
        assert port is not None
        self._ports[port] = bot

    def arm(
        self,
        at_post: int,
        *,
        stored: bool,
        port_of: str | None = None,
        sig: signal.Signals = signal.SIGKILL,
    ) -> None:
        port = urlsplit(port_of).port if port_of else None
        self._shots.append(_Shot(at_post, stored, port, sig))

    def on_post(self, port: int) -> bool | None:
        """Count a DM post from `port`; None to answer it normally, else whether to store it."""
        self.posts += 1
        for shot in list(self._shots):
            if self.posts < shot.at_post or (shot.port is not None and shot.port != port):
                continue
            bot = self._ports.get(port)
            if bot is None:
                continue
            self._shots.remove(shot)
            bot.signal(shot.sig)
            self.fired.append((self.posts, bot))
            return shot.stored
        return None

    def slack(self, call: Any, port: int) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """A `SlackStandIn.intercept`."""
        if call.method != "chat.postMessage":
            return None
        stored = self.on_post(port)
        if stored is None or stored:
            return None
        return 500, {"ok": False, "error": "internal_error"}, {}

    def discord(self, record: Any, port: int) -> Any:
        """A `DiscordStandIn.intercept`."""
        if record.method != "POST" or not str(record.path).endswith("/messages"):
            return None
        stored = self.on_post(port)
        if stored is None or stored:
            return None
        return _Answer(500, {"message": "500: Internal Server Error", "code": 0})


async def settle(
    url: str,
    received: Callable[[], int],
    members: int,
    *,
    deadline: float,
    quiet: float = 5.0,
    stuck: float = 15.0,
) -> Counter[str]:
    """Wait until every member received something and every row is in a final state; or
    until nothing has moved for `quiet` seconds with every row final, or for `stuck` seconds
    with some not (longer than the fault tests' lease, `LEASE_ENV`): what is lost then stays
    lost. Returns the delivery states. Polls: the processes are real and separate."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    last: tuple[int, tuple[tuple[str, int], ...]] | None = None
    still_since = loop.time()
    while True:
        statuses = await delivery_statuses(url)
        final = sum(statuses.values()) >= members and set(statuses) <= FINAL_STATES
        if final and received() >= members:
            return statuses
        seen = (received(), tuple(sorted(statuses.items())))
        if not statuses:  # nothing claimed yet (the prompt fires later): not stuck
            still_since = loop.time()
        elif seen != last:
            last, still_since = seen, loop.time()
        elif loop.time() - still_since >= (quiet if final else stuck):
            return statuses
        if loop.time() >= end:
            return statuses
        await asyncio.sleep(0.5)


# -- leases (the send engine's ownership of rows in flight) ----------------------------------

LEASED_TABLES = ("delivery", "channel_post", "digest_send", "discussion_post")


async def _leased_tables(url: str) -> list[Table]:
    """The send tables whose rows carry a lease (`lease_until`); none before leases."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            def reflect(sync_connection: Any) -> list[Table]:
                names = set(inspect(sync_connection).get_table_names())
                tables = []
                for name in LEASED_TABLES:
                    if name not in names:
                        continue
                    columns = {c["name"] for c in inspect(sync_connection).get_columns(name)}
                    if "lease_until" in columns:
                        tables.append(
                            Table(
                                name,
                                MetaData(),
                                Column("id", Integer, primary_key=True),
                                Column("lease_until", UTCDateTime()),
                            )
                        )
                return tables

            return await connection.run_sync(reflect)
    finally:
        await engine.dispose()


async def expire_leases(url: str) -> int:
    """End every lease, as if its time had run out; how many rows held one.

    Only while no bot process is alive: a restarted process would otherwise wait out its
    dead predecessor's lease (a minute in production) before taking its rows."""
    tables = await _leased_tables(url)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            ended = 0
            for table in tables:
                held = table.c.lease_until.is_not(None)
                result = await connection.execute(
                    update(table).where(held).values(lease_until=None)
                )
                ended += result.rowcount or 0
            return ended
    finally:
        await engine.dispose()


async def live_leases(url: str, now: datetime) -> int:
    """Rows still held by a worker's lease at `now` (a graceful stop gives them back)."""
    tables = await _leased_tables(url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            held = 0
            for table in tables:
                live = table.c.lease_until > now
                count = await connection.scalar(select(func.count()).where(live))
                held += int(count or 0)
            return held
    finally:
        await engine.dispose()
