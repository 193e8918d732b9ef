"""Digest benchmark: one member's digest over two years of weekly answers, 10,000 members.

The database holds 10,000 members of one community; one of them has answered a weekly
prompt for two years (104 answers, 60 to 200 words each, written from a
small vocabulary of school technology leadership), and the other members have written
20,000 answers between them, 2,000 of which they shared with the community. The digest
never reads the private ones; the themes are ranked against general English, the member's
own earlier answers and the latest 500 shared answers. Set-up is bulk inserts and is not
timed.

What is timed, each as the median of `--runs` runs after one warm-up:

- **digest without the chart**: the reads (one unit of work, as `/pln digest` does), the
  key phrases of any answer not analysed yet (found and kept: none after the first
  digest), then figures, coverage, themes, summary, goals and the text: `gather` +
  `digest_analyses.complete` + `build_content` without the chart + rendering, the same
  functions the command calls;
- **first digest**: the same with no answer analysed yet (the kept analyses are deleted,
  untimed, before each run), so every answer of hers and of the background is parsed and
  its phrases kept: what the first digest after an upgrade costs;
- **digest with the chart**: `/pln digest <period>` through `PlnCore.handle_command`,
  end to end, PNG included;
- **baseline**: a bare SELECT of the member's answers (answer + answer_part, one
  transaction) on the same engine, timed once just before each timed run of each figure,
  so a figure reads as "so many bare reads' worth" under the same load on a shared, noisy
  machine (each figure's ratio is to the median of its own baseline runs; the baseline row
  shows the median of all of them).

Runs on a SQLite file in a temp dir, and on PostgreSQL too when PLN_TEST_POSTGRES_URL (or
--postgres-url) is set: the benchmark DROPS and recreates the bot's tables there, so give
it a throwaway database. Nothing is asserted; the goals (200 ms without the chart, and at
most 20 bare SELECTs' worth) are printed beside each figure.

    .venv/bin/python bench/digest.py
    PLN_TEST_POSTGRES_URL=postgresql+asyncpg://pln:pln@127.0.0.1:5432/pln_test_a \\
        .venv/bin/python bench/digest.py --runs 21
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import random
import shlex
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

import sqlalchemy
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import digest_analyses
from bot.core import digest_requests as digest_module
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import Context, CoreConfig
from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.core.service import PlnCore
from bot.digest.render import digest_parts
from bot.digest.report import build_content
from bot.prompts.library import default_library
from bot.store.analysis_models import AnswerAnalysis
from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.models import (
    Answer,
    AnswerPart,
    AnswerShare,
    Base,
    Community,
    Delivery,
    DeliveryStatus,
    Member,
    Schedule,
)
from bot.store.shares import POSTED

PLATFORM = "console"
COMMUNITY = CommunityRef(platform=PLATFORM, external_id="local", name="Console")
ACTOR = Actor(community=COMMUNITY, user_id="member-0", display_name="Member 0")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
WEEKS = 104
START = NOW - timedelta(weeks=WEEKS + 1)
CHUNK = 1000
GOAL_MS = 200.0
GOAL_RATIO = 20.0  # the digest without the chart, in bare SELECTs of her answers
PERIODS = ("all", "term")

TOPICS = [
    "the chromebook rollout", "the help desk queue", "our digital strategy", "the new wifi",
    "the parent survey", "password resets", "the governors", "coaching sessions",
    "the data dashboard", "online safety", "the student digital leaders", "the budget",
    "teacher confidence", "the learning platform", "assessment data", "the timetable",
    "the senior team", "device insurance", "the network upgrade", "peer observation",
]  # fmt: skip
OPENERS = [
    "This week I spent most of my time on {t}.",
    "The conversation about {t} went better than I expected.",
    "I learnt that {t} matters more to teachers than I had assumed.",
    "Our work on {t} is slower than planned, and I need to understand why.",
    "Several colleagues raised {t} with me in the staffroom.",
    "Looking at {t} with the senior team changed how I see the problem.",
]
MIDDLES = [
    "Teachers want reliable tools more than new ones, and they want to be asked first.",
    "It was a difficult meeting.",
    "The students noticed the difference before the staff did.",
    "We agreed to collect evidence for half a term before deciding anything.",
    "They were worried about workload and about the time the training would take.",
    "Listening first, and fixing second, kept the department on side.",
    "The numbers told one story and the classroom visits told another.",
    "I was too quick to offer a solution instead of a question.",
    "Small wins with two enthusiastic teachers spread further than any email.",
    "That surprised me.",
]
GOALS = [
    "I will ask the heads of department what {t} means for their plans.",
    "My next step is to share a one page summary of {t} with the governors.",
    "I plan to visit three lessons to see {t} in practice.",
    "Next term I want to hand {t} over to a colleague and coach them.",
]


def answer_text(rng: random.Random) -> str:
    """60 to 200 words of plausible reflection."""
    topic = rng.choice(TOPICS)
    sentences = [rng.choice(OPENERS).format(t=topic)]
    target = rng.randint(60, 200)
    while sum(len(s.split()) for s in sentences) < target:
        pick = rng.random()
        if pick < 0.15:
            sentences.append(rng.choice(GOALS).format(t=rng.choice(TOPICS)))
        elif pick < 0.35:
            sentences.append(rng.choice(OPENERS).format(t=rng.choice(TOPICS)))
        else:
            sentences.append(rng.choice(MIDDLES))
    return " ".join(sentences)


class NoOpMessenger:
    platform = PLATFORM

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        return SendResult.sent()


# -- set-up (not timed) -----------------------------------------------------------------


async def reset(url: str) -> None:
    """Drop the bot's tables (and Alembic's), so the migrations run from nothing."""
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await db.dispose()


async def bulk(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


async def set_up(core: PlnCore, db: Database, members: int, background: int, shared: int) -> int:
    """The founding member joins through the core; everything else is bulk inserted."""
    replies = await core.handle_command(ACTOR, "join")
    if not any("Welcome" in reply.text for reply in replies):
        raise SystemExit(f"the founding join failed: {[reply.text for reply in replies]}")
    rng = random.Random(7)
    prompts = default_library().prompts

    async def fill(session: AsyncSession) -> int:
        community_id = await session.scalar(select(Community.id))
        schedule_id = await session.scalar(select(Schedule.id))
        member_id = await session.scalar(select(Member.id))
        assert community_id and schedule_id and member_id
        await bulk(
            session,
            Member,
            [
                {
                    "community_id": community_id,
                    "platform": PLATFORM,
                    "platform_user_id": f"member-{i}",
                    "display_name": f"Member {i}",
                    "timezone": "UTC",
                    "active": True,
                    "joined_at": START,
                }
                for i in range(1, members)
            ],
        )
        others = list(await session.scalars(select(Member.id).where(Member.id != member_id)))
        deliveries, answers, parts, shares = [], [], [], []
        next_id = 1

        def add(
            owner: int, week: int, answered: bool, skipped: bool = False, share: bool = False
        ) -> None:
            nonlocal next_id
            sent = START + timedelta(weeks=week, hours=9)
            prompt = prompts[(week * 7 + owner) % len(prompts)]
            deliveries.append(
                {
                    "id": next_id,
                    "schedule_id": schedule_id,
                    "member_id": owner,
                    "due_local_date": sent.date(),
                    "due_at": sent,
                    "prompt_id": prompt.id,
                    "prompt_text": prompt.question,
                    "status": DeliveryStatus.SENT,
                    "claimed_at": sent,
                    "sent_at": sent,
                    "skipped_at": sent + timedelta(hours=1) if skipped else None,
                    "attempts": 1,
                }
            )
            if answered:
                written = sent + timedelta(hours=rng.randint(1, 60))
                answers.append(
                    {
                        "id": next_id,
                        "delivery_id": next_id,
                        "member_id": owner,
                        "created_at": written,
                        "updated_at": written,
                    }
                )
                parts.append(
                    {
                        "answer_id": next_id,
                        "position": 0,
                        "text": answer_text(rng),
                        "created_at": written,
                    }
                )
                if share:  # posted in the community's channel: the themes' background
                    shares.append(
                        {
                            "answer_id": next_id,
                            "member_id": owner,
                            "community_id": community_id,
                            "channel_id": "C-PLN",
                            "status": POSTED,
                            "platform_message_ref": f"post-{next_id}",
                            "created_at": written,
                        }
                    )
            next_id += 1

        for week in range(WEEKS):  # the member answered every week for two years
            add(member_id, week, answered=True)
        for i in range(background):
            owner, week = others[i % len(others)], i // len(others) * 3 + i % 7
            add(owner, week, answered=True, share=i >= background - shared)
        await bulk(session, Delivery, deliveries)
        await bulk(session, Answer, answers)
        await bulk(session, AnswerPart, parts)
        await bulk(session, AnswerShare, shares)
        return int(await session.scalar(select(func.count()).select_from(Member)) or 0)

    created = await db.run(fill)
    if db.dialect == "postgresql":
        async with db.engine.begin() as connection:
            for table in ("delivery", "answer"):
                await connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
            await connection.execute(text("ANALYZE"))
    return created


# -- timing -----------------------------------------------------------------------------


async def timed_ms(work: Callable[[], Awaitable[object]]) -> float:
    start = perf_counter()
    await work()
    return 1000 * (perf_counter() - start)


async def median_ms(
    work: Callable[[], Awaitable[object]],
    runs: int,
    baseline: Callable[[], Awaitable[object]],
    before: Callable[[], Awaitable[object]] | None = None,
) -> tuple[float, list[float]]:
    """The median of `runs` timed runs of `work` after one warm-up, and the baseline's
    times, timed just before each run: on a shared machine whose load changes from minute
    to minute, a ratio of the two medians compares work done under the same load.
    `before` (untimed) runs ahead of each run of `work`."""
    if before is not None:
        await before()
    await work()  # warm-up: connections, statement caches, imports, fonts
    samples, base = [], []
    for _ in range(runs):
        base.append(await timed_ms(baseline))
        if before is not None:
            await before()
        samples.append(await timed_ms(work))
    return statistics.median(samples), base


@dataclass
class Figures:
    database: str
    members: int
    answers: int
    background: int
    shared: int
    baseline_ms: float  # the median of every baseline run
    rows: list[tuple[str, float, float]]  # (what, ms, the median of its own baseline runs)
    png_bytes: int


async def bench(url: str, members: int, background: int, shared: int, runs: int) -> Figures:
    await reset(url)
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop: in a thread
    clock = SimulatedClock(START)
    db = Database(url)
    core = PlnCore(db, clock, NoOpMessenger(), CoreConfig())
    try:
        created = await set_up(core, db, members, background, shared)
        clock.set(NOW)

        async def member_id(session: AsyncSession) -> int:
            found = await session.scalar(
                select(Member.id).where(Member.platform_user_id == "member-0")
            )
            assert found is not None
            return found

        own_id = await db.run(member_id)

        async def bare_select() -> int:
            async def read(session: AsyncSession) -> int:
                result = await session.execute(
                    select(Answer.id, Answer.created_at, AnswerPart.text)
                    .join(AnswerPart, AnswerPart.answer_id == Answer.id)
                    .where(Answer.member_id == own_id)
                    .order_by(Answer.created_at)
                )
                return len(result.all())

            return await db.run(read)

        async def forget_analyses() -> None:
            async def forget(session: AsyncSession) -> None:
                await session.execute(delete(AnswerAnalysis))

            await db.run(forget)

        answers = await bare_select()
        await bare_select()  # warm-up
        rows: list[tuple[str, float, float]] = []
        baselines: list[float] = []
        png_bytes = 0

        async def measure(
            name: str,
            work: Callable[[], Awaitable[object]],
            before: Callable[[], Awaitable[object]] | None = None,
        ) -> None:
            ms, base = await median_ms(work, runs, bare_select, before)
            baselines.extend(base)
            rows.append((name, ms, statistics.median(base)))

        for period in PERIODS:

            async def without_chart(period: str = period) -> object:
                async def read(ctx: Context) -> digest_module.DigestRequest:
                    since, label = digest_module.period_window(period, ctx.now)
                    return await digest_module.gather(ctx, since, ctx.now, label, period)

                request = await core._with_context(ACTOR, read)  # the command's unit of work
                request = await digest_analyses.complete(db, request)
                content = build_content(request.source, with_chart=False)
                return digest_parts(content, request.source.zone, None)

            async def with_chart(period: str = period) -> object:
                (reply,) = await core.handle_command(ACTOR, f"digest {period}")
                if not reply.files:
                    raise SystemExit(f"no chart in the {period} digest: {reply.text[:200]}")
                return reply

            await measure(f"digest {period}, without the chart", without_chart)
            if period == "all":
                await measure(
                    "first digest all (nothing analysed yet), without the chart",
                    without_chart,
                    before=forget_analyses,
                )
            await measure(f"digest {period}, with the chart (/pln digest)", with_chart)
            if period == "all":
                (reply,) = await core.handle_command(ACTOR, "digest all")
                png_bytes = len(reply.files[0].content)
    finally:
        await db.dispose()
    baseline = statistics.median(baselines)
    return Figures(describe(url), created, answers, background, shared, baseline, rows, png_bytes)


# -- output -----------------------------------------------------------------------------


def describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "SQLite file in a temp dir (WAL), aiosqlite"
    return "PostgreSQL " + parsed.render_as_string(hide_password=True)


def command_line() -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = "python"
    return shlex.join([shown, *sys.argv])


def print_figures(figures: Figures, runs: int) -> None:
    print(f"database: {figures.database}")
    print(
        f"data:     {figures.members:,} members; the member: {figures.answers} answers over "
        f"{WEEKS} weekly prompts; others: {figures.background:,} answers, "
        f"{figures.shared:,} of them shared"
    )
    width = max(len(name) for name, _, _ in figures.rows) + 2
    heading = f"median of {runs} runs"
    print(f"{heading:<{width}}  {'ms':>8}  {'x bare SELECT':>13}  vs goals: 200 ms, 20x")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 13}  {'-' * 22}")
    print(
        f"{'bare SELECT of the answers (baseline)':<{width}}  {figures.baseline_ms:8.1f}  {1:13.1f}"
    )
    for name, ms, base in figures.rows:  # each against the baseline runs timed among its own
        ratio = ms / base
        verdict = f"{ms / GOAL_MS:.2f} of it"
        if "without" in name and "first" not in name:  # the goals: without the chart
            verdict += "  met" if ms <= GOAL_MS else "  MISSED"
            verdict += f"; {GOAL_RATIO:.0f}x: " + ("met" if ratio <= GOAL_RATIO else "MISSED")
        print(f"{name:<{width}}  {ms:8.1f}  {ratio:13.1f}  {verdict}")
    print(f"chart PNG (all time): {figures.png_bytes / 1024:.0f} KiB")
    print()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument(
        "--background",
        type=int,
        default=20_000,
        help="other members' answers (the digest reads only the shared ones)",
    )
    parser.add_argument(
        "--shared", type=int, default=2_000, help="how many of them were shared (latest first)"
    )
    parser.add_argument("--runs", type=int, default=11, help="timed runs per figure (median)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PLN_TEST_POSTGRES_URL"),
        help="a THROWAWAY PostgreSQL database (its bot tables are dropped); "
        "default: PLN_TEST_POSTGRES_URL; none: SQLite only",
    )
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    if args.members < 2 or args.runs < 1 or not 0 <= args.shared <= args.background:
        parser.error(
            "--members must be at least 2, --runs at least 1, "
            "and --shared between 0 and --background"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print("pln-bot digest benchmark")
    print(f"command:  {command_line()}")
    print(
        f"machine:  {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}"
    )
    print()
    with tempfile.TemporaryDirectory(prefix="pln-bench-digest-") as directory:
        urls = [f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"]
        if args.postgres_url and not args.sqlite_only:
            urls.append(args.postgres_url)
        for url in urls:
            figures = asyncio.run(bench(url, args.members, args.background, args.shared, args.runs))
            print_figures(figures, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
