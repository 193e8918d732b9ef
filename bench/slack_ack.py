"""Slack ack benchmark: how fast pln-bot answers Slack's requests, idle and mid fan-out.

Slack gives an app 3 seconds to acknowledge a slash command, then shows the user an error
(and never retries a slash command). So what is measured is the time from a signed
`POST /slack/events` leaving the client to its HTTP answer arriving, over real HTTP on
127.0.0.1, against the whole Slack service exactly as the CLI starts it
(`build_slack_service`: bolt, listeners, core, store, SlackMessenger), with Slack's Web API
played by the local stand-in the integration tests use (tests/support/slack_standin/).

1. Idle: `/pln help`, sent sequentially. The baseline is a bare bolt AsyncApp (a `/pln`
   listener that only acks) behind the same aiohttp adapter, in the same process, with the
   same signature check and token authorisation; bolt refuses to start without a token, so
   it gets the bot token and a client on the stand-in, as pln-bot does. Half the baseline
   runs before pln-bot and half after, so a noisy spell on the shared machine hits both.
   pln-bot's figure includes what its lazy listener does after each ack (users.info, a
   database transaction, the reply to response_url) competing with the next request.
2. Mid fan-out: members join through the core, a workspace admin sends `/pln prompt now`,
   and `/pln help` requests go out one after another until every DM is sent. Only requests
   answered while DMs were still going out are counted, and only 200s are acks (Slack
   shows the user an error for anything else, however fast); other statuses are counted.
   The fan-out's DMs per second, from the `prompt now` request to the last DM, go through
   the real SlackMessenger paced at PLN_SLACK_SEND_RATE=1000. A second `prompt now`, sent
   straight to the core with no requests beside it, shows what that request load cost.
   The baseline is a bare AsyncWebClient sending the same message body with
   chat.postMessage to the same members, sequentially, on the same stand-in. All of them
   make a new HTTP connection per call (slack_sdk does, without a session).
3. Peak RSS of the whole process (bot, stand-in and clients all live in it).

Nothing is asserted; figures are printed. The exit code is 1 only when a request was not
answered 200 or the fan-out did not send exactly one DM to every member.

    .venv/bin/python bench/slack_ack.py                      # 300 requests, 1,000 members
    .venv/bin/python bench/slack_ack.py --requests 50 --members 200
    .venv/bin/python bench/slack_ack.py --database-url postgresql+asyncpg://u:p@host/empty_db
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import platform
import resource
import shlex
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from time import perf_counter
from typing import Any

# tests.support lives in the checkout, not in the installed package: run from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.slack.server import EVENTS_PATH
from bot.adapters.slack.service import SlackService, build_slack_service
from bot.adapters.slack.settings import SlackSettings
from bot.config import load_settings
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.models import Community
from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import DEFAULT_TEAM_ID, SlackStandIn

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test"  # the stand-in's default workspace token
SEND_RATE = 1000.0  # PLN_SLACK_SEND_RATE: its maximum, so pacing is not what is measured
MODERATOR = "UMOD"  # a workspace admin, so `prompt now` is allowed
ASKER = "UASK"  # the member typing `/pln help`; known to users.info, as real users are
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SLACK_ACK_LIMIT_MS = 3000.0  # Slack's limit for acknowledging a slash command
WARM_UP = 20  # requests per app before any clock starts: connections, auth.test, caches
MIN_DURING = 50  # at least this many `/pln help` requests are sent during the fan-out
POLL_SECONDS = 0.005
PROMPT_SENT_PREFIX = "Sent this week's prompt to"


# -- figures ----------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: a value actually observed, never an interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Acks:
    """Answers to signed requests, in the order sent: (seconds, HTTP status).

    Only a 200 is an ack: Slack shows the user an error for anything else, however fast it
    came back. So the percentiles are over the 200s, and the rest are counted beside them.
    """

    answers: list[tuple[float, int]] = field(default_factory=list)

    def add(self, seconds: float, status: int) -> None:
        self.answers.append((seconds, status))

    @property
    def seconds(self) -> list[float]:
        return [seconds for seconds, status in self.answers if status == 200]

    @property
    def statuses(self) -> Counter[int]:
        return Counter(status for _, status in self.answers)

    @property
    def failures(self) -> int:
        return len(self.answers) - len(self.seconds)

    def ms(self, fraction: float) -> float:
        seconds = self.seconds
        return 1000 * percentile(seconds, fraction) if seconds else math.nan

    @property
    def max_ms(self) -> float:
        seconds = self.seconds
        return 1000 * max(seconds) if seconds else math.nan

    def __add__(self, other: Acks) -> Acks:
        return Acks(self.answers + other.answers)


@dataclass
class FanOut:
    members: int
    moderator_status: int  # the answer to `/pln prompt now`
    acks: Acks  # answered while DMs were still going out
    statuses: Counter[int]  # answers to every `/pln help` of the phase, the late ones too
    dms_during_acks: int
    dms_sent: int
    seconds: float  # from sending `/pln prompt now` to the last DM
    reply: str  # what pln-bot told the moderator when it was done
    quiet_dms: int  # a second `prompt now`, through the core, with no requests beside it
    quiet_seconds: float
    quiet_reply: str
    baseline_dms: int
    baseline_seconds: float

    @property
    def rate(self) -> float:
        return self.dms_sent / self.seconds

    @property
    def quiet_rate(self) -> float:
        return self.quiet_dms / self.quiet_seconds

    @property
    def baseline_rate(self) -> float:
        return self.baseline_dms / self.baseline_seconds

    @property
    def requests_sent(self) -> int:
        return self.statuses.total()

    @property
    def exact(self) -> bool:
        """Each of the two fan-outs sent exactly one DM to every member, and said so."""
        said = f"{PROMPT_SENT_PREFIX} {self.members} member"
        return (
            self.dms_sent == self.quiet_dms == self.members
            and self.reply.startswith(said)
            and self.quiet_reply.startswith(said)
        )


@dataclass
class Result:
    requests: int
    pln: Acks
    bare_before: Acks
    bare_after: Acks
    fan_out: FanOut
    set_up_seconds: float
    rss_before_fan_out_mib: float
    rss_peak_mib: float

    @property
    def bare(self) -> Acks:
        return self.bare_before + self.bare_after

    def problems(self) -> list[str]:
        """What went wrong, one line each; empty when every figure stands on good answers."""
        out, found = self.fan_out, []
        for name, acks in (("idle pln-bot", self.pln), ("idle baseline", self.bare)):
            if acks.failures:
                found.append(f"{name}: {acks.failures:,} of {len(acks.answers):,} not 200")
        if out.moderator_status != 200:
            found.append(f"`/pln prompt now` answered HTTP {out.moderator_status}")
        refused = out.statuses.total() - out.statuses[200]
        if refused:
            found.append(
                f"{refused:,} of {out.requests_sent:,} `/pln help` during the fan-out phase "
                "not 200 (Slack would show each user an error)"
            )
        if not out.exact:
            found.append(
                f"{out.members:,} members got {out.dms_sent:,} DMs, then {out.quiet_dms:,}; "
                f"replies: {out.reply!r}, {out.quiet_reply!r}"
            )
        return found

    @property
    def ok(self) -> bool:
        return not self.problems()


# -- the stand-in's record ----------------------------------------------------------------


class DmCounter:
    """Accepted chat.postMessage calls so far, counting only calls recorded since last time.

    `SlackStandIn.sent_messages()` rebuilds a list of every call; polled after each request
    it would cost the event loop (and so the fan-out) more as the run goes on.
    """

    def __init__(self, slack: SlackStandIn) -> None:
        self._calls = slack.calls
        self._seen = 0
        self._count = 0

    def __call__(self) -> int:
        calls = self._calls
        for call in calls[self._seen :]:
            if call.method == "chat.postMessage" and call.ok:
                self._count += 1
        self._seen = len(calls)
        return self._count


async def wait_until(done: Callable[[], bool], seconds: float) -> bool:
    """A plain poll loop: good enough for a benchmark, and it adds no hooks to the bot."""
    deadline = perf_counter() + seconds
    while not done():
        if perf_counter() > deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
    return True


class Problems(logging.Handler):
    """Counts the bot's warnings and errors, and exceptions Python could only print.

    A benchmark reports trouble as a figure: each distinct message is shown once on stderr
    and counted, so a failure repeated on every request cannot bury the table.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: Counter[str] = Counter()
        self.unraisable: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.levelname} {record.name}: {record.getMessage()}"
        if key not in self.records:
            print(f"{key} (first of its kind; later ones are only counted)", file=sys.stderr)
        self.records[key] += 1

    def unraisable_hook(self, unraisable: Any) -> None:
        error = unraisable.exc_value
        key = f"{type(error).__name__}: {error} in {unraisable.object!r}"
        if key not in self.unraisable:
            print(f"unraisable {key} (later ones are only counted)", file=sys.stderr)
        self.unraisable[key] += 1

    def install(self) -> None:
        logging.getLogger().addHandler(self)
        logging.getLogger().setLevel(logging.WARNING)
        sys.unraisablehook = self.unraisable_hook


# -- the two apps -------------------------------------------------------------------------


def slack_settings(api_url: str) -> SlackSettings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api_url,
        "pln_http_host": "127.0.0.1",
        "pln_http_port": 0,
        "pln_slack_send_rate": SEND_RATE,
    }
    return SlackSettings(**values)


async def start_bare_bolt(api_url: str) -> tuple[web.AppRunner, str]:
    """The baseline app: bolt's own middleware and a `/pln` listener that only acks."""
    bolt = AsyncApp(
        signing_secret=SIGNING_SECRET,
        client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
    )

    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    bolt.command("/pln")(ack_only)

    async def events(request: web.Request) -> web.Response:  # as bot.adapters.slack.server
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}{EVENTS_PATH}"


# -- phase 1: idle acks -------------------------------------------------------------------


async def acks(client: SlackRequests, count: int, text: str = "help") -> Acks:
    result = Acks()
    for _ in range(count):
        response = await client.slash_command(ASKER, text)
        result.add(response.elapsed, response.status)
    return result


# -- phase 2: acks during a fan-out -------------------------------------------------------


async def join_members(service: SlackService, members: int) -> None:
    community = CommunityRef("slack", DEFAULT_TEAM_ID)
    for i in range(members):
        actor = Actor(community=community, user_id=f"U{i:05d}", display_name=f"Member {i}")
        replies = await service.app.core.handle_command(actor, "join")
        if not any("Welcome" in reply.text for reply in replies):
            raise SystemExit(f"member {i} could not join: {[reply.text for reply in replies]}")


async def fan_out(
    service: SlackService, slack: SlackStandIn, client: SlackRequests, members: int
) -> FanOut:
    """`/pln prompt now`, then `/pln help` after `/pln help` until the last DM is out."""
    dms = DmCounter(slack)
    hooks_before = len(slack.hook_posts)
    statuses: Counter[int] = Counter()
    during = Acks()
    dms_at_first = dms_at_last = 0
    start = perf_counter()
    moderator = await client.slash_command(MODERATOR, "prompt now")
    deadline = start + max(60.0, members / 20)
    last_dm_at: float | None = None
    while last_dm_at is None or statuses.total() < MIN_DURING:
        before = dms()
        response = await client.slash_command(ASKER, "help")
        after = dms()
        statuses[response.status] += 1
        if after < members:  # answered while DMs were still going out
            if not during.answers:
                dms_at_first = before
            during.add(response.elapsed, response.status)
            dms_at_last = after
        elif last_dm_at is None:
            last_dm_at = perf_counter()
        if perf_counter() > deadline:
            break  # reported: fewer DMs than members
    fan_out_seconds = (last_dm_at or perf_counter()) - start

    # A request answered 200 gets one reply on response_url; `prompt now` gets two (started,
    # done). One that was refused gets none, so only answered requests are waited for.
    expected = hooks_before + statuses[200] + (2 if moderator.status == 200 else 0)
    await wait_until(lambda: len(slack.hook_posts) >= expected, 60.0)
    replies = [str(body.get("text", "")) for _, body in slack.hook_posts[hooks_before:]]
    reply = next((text for text in replies if text.startswith(PROMPT_SENT_PREFIX)), "(none)")
    dms_sent = dms()

    # The same fan-out again, with nothing beside it: what the request load above cost it.
    moderator_actor = Actor(
        community=CommunityRef("slack", DEFAULT_TEAM_ID),
        user_id=MODERATOR,
        display_name="Mo Moderator",
        platform_admin=True,
    )
    quiet_start = perf_counter()
    quiet_replies = await service.app.core.handle_command(moderator_actor, "prompt now")
    quiet_seconds = perf_counter() - quiet_start
    quiet_dms = dms() - dms_sent

    body = prompt_body(slack)
    baseline_client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.base_url)
    baseline_start = perf_counter()
    for i in range(members):
        await baseline_client.chat_postMessage(channel=f"U{i:05d}", **body)
    baseline_seconds = perf_counter() - baseline_start

    return FanOut(
        members=members,
        moderator_status=moderator.status,
        acks=during,
        statuses=statuses,
        dms_during_acks=dms_at_last - dms_at_first,
        dms_sent=dms_sent,
        seconds=fan_out_seconds,
        reply=reply,
        quiet_dms=quiet_dms,
        quiet_seconds=quiet_seconds,
        quiet_reply=" ".join(message.text for message in quiet_replies),
        baseline_dms=members,
        baseline_seconds=baseline_seconds,
    )


def prompt_body(slack: SlackStandIn) -> dict[str, Any]:
    """The fan-out's first DM as the stand-in received it, less its recipient."""
    first = slack.sent_messages()[0].params
    return {key: value for key, value in first.items() if key not in ("channel", "token")}


# -- the run ------------------------------------------------------------------------------


async def ensure_empty(url: str) -> None:
    db = Database(url)

    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Community)) or 0)

    try:
        if await db.run(count):
            raise SystemExit("the database is not empty: give the benchmark a throwaway database")
    finally:
        await db.dispose()


def rss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def bench(url: str, requests: int, members: int) -> Result:
    await ensure_empty(url)
    async with SlackStandIn() as slack:
        slack.add_user(MODERATOR, "Mo Moderator", tz="Europe/Berlin", is_admin=True)
        slack.add_user(ASKER, "Ada Asker", tz="Europe/Berlin")
        clock = SimulatedClock(START)
        service = build_slack_service(
            load_settings(database_url=url), slack_settings(slack.base_url), clock
        )
        await service.start()
        bare_runner, bare_url = await start_bare_bolt(slack.base_url)
        hooks = slack.response_url()
        pln_url = f"http://127.0.0.1:{service.port}{EVENTS_PATH}"
        pln_client = SlackRequests(pln_url, SIGNING_SECRET, response_url=hooks)
        bare_client = SlackRequests(bare_url, SIGNING_SECRET, response_url=hooks)
        try:
            await acks(bare_client, WARM_UP)
            await acks(pln_client, WARM_UP)
            await wait_until(lambda: len(slack.hook_posts) >= WARM_UP, 30.0)

            bare_before = await acks(bare_client, requests // 2)
            pln = await acks(pln_client, requests)
            replied = WARM_UP + len(pln.seconds)  # each 200 gets a reply: wait for them
            await wait_until(lambda: len(slack.hook_posts) >= replied, 60.0)
            bare_after = await acks(bare_client, requests - requests // 2)

            set_up_start = perf_counter()
            await join_members(service, members)
            set_up_seconds = perf_counter() - set_up_start
            rss_before = rss_mib()
            result = await fan_out(service, slack, pln_client, members)
        finally:
            await pln_client.close()
            await bare_client.close()
            await bare_runner.cleanup()
            await service.stop()
    return Result(
        requests=requests,
        pln=pln,
        bare_before=bare_before,
        bare_after=bare_after,
        fan_out=result,
        set_up_seconds=set_up_seconds,
        rss_before_fan_out_mib=rss_before,
        rss_peak_mib=rss_mib(),
    )


# -- output -------------------------------------------------------------------------------


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


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline > 0 and not math.isnan(value) else "-"


def answers(statuses: Counter[int]) -> str:
    """HTTP statuses and how often each came back, e.g. "300 x 200" or "3 x 200, 60 x 500"."""
    return ", ".join(f"{count:,} x {status}" for status, count in sorted(statuses.items()))


def print_result(result: Result, problems: Problems, url: str) -> None:
    pln, bare, out = result.pln, result.bare, result.fan_out
    n, m = result.requests, out.members
    during = out.acks
    limit = f"{SLACK_ACK_LIMIT_MS:,.0f} ms"
    Row = tuple[str, str, str, str]
    rows: list[Row | None] = [
        (f"idle: /pln help ack p50 ({n:,} sequential)", f"{pln.ms(0.5):.2f} ms",
         f"{bare.ms(0.5):.2f} ms", ratio(pln.ms(0.5), bare.ms(0.5))),
        ("idle: ack p95", f"{pln.ms(0.95):.2f} ms", f"{bare.ms(0.95):.2f} ms",
         ratio(pln.ms(0.95), bare.ms(0.95))),
        ("idle: ack p99", f"{pln.ms(0.99):.2f} ms", f"{bare.ms(0.99):.2f} ms",
         ratio(pln.ms(0.99), bare.ms(0.99))),
        ("idle: ack max", f"{pln.max_ms:.2f} ms", f"{bare.max_ms:.2f} ms",
         ratio(pln.max_ms, bare.max_ms)),
        ("  baseline p50 before / after pln-bot", "",
         f"{result.bare_before.ms(0.5):.2f} / {result.bare_after.ms(0.5):.2f} ms", ""),
        ("idle: ack p99 as a share of Slack's limit", f"{pln.ms(0.99) / SLACK_ACK_LIMIT_MS:.2%}",
         limit, ""),
        ("idle: answers (count x HTTP status)", answers(pln.statuses), answers(bare.statuses),
         ""),
        None,
        (f"fan-out to {m:,}: /pln prompt now answer", f"HTTP {out.moderator_status}", "", ""),
        ("fan-out: /pln help answered during it", f"{len(during.answers):,}",
         f"of {out.requests_sent:,} sent", ""),
        ("fan-out: ack p50 (200s only)", f"{during.ms(0.5):.2f} ms", f"{bare.ms(0.5):.2f} ms",
         ratio(during.ms(0.5), bare.ms(0.5))),
        ("fan-out: ack p95", f"{during.ms(0.95):.2f} ms", f"{bare.ms(0.95):.2f} ms",
         ratio(during.ms(0.95), bare.ms(0.95))),
        ("fan-out: ack max", f"{during.max_ms:.2f} ms", f"{bare.max_ms:.2f} ms",
         ratio(during.max_ms, bare.max_ms)),
        ("fan-out: ack max as a share of Slack's limit",
         f"{during.max_ms / SLACK_ACK_LIMIT_MS:.2%}", limit, ""),
        ("fan-out: answers during it (count x status)", answers(during.statuses), "", ""),
        ("fan-out: DMs sent while those acks ran", f"{out.dms_during_acks:,}", "", ""),
        None,
        (f"fan-out: DMs per second (pace {SEND_RATE:,.0f}/s)", f"{out.rate:,.0f}",
         f"{out.baseline_rate:,.0f}", ratio(out.rate, out.baseline_rate)),
        ("fan-out: DMs sent / time to the last DM", f"{out.dms_sent:,} / {out.seconds:.2f} s",
         f"{out.baseline_dms:,} / {out.baseline_seconds:.2f} s", ""),
        ("fan-out: ms per DM", f"{1000 * out.seconds / max(out.dms_sent, 1):.2f} ms",
         f"{1000 * out.baseline_seconds / out.baseline_dms:.2f} ms",
         ratio(out.seconds / max(out.dms_sent, 1), out.baseline_seconds / out.baseline_dms)),
        ("fan-out alone (core's prompt now): DMs per second", f"{out.quiet_rate:,.0f}",
         f"{out.baseline_rate:,.0f}", ratio(out.quiet_rate, out.baseline_rate)),
        None,
        ("peak RSS (whole process)", f"{result.rss_peak_mib:.1f} MiB", "", ""),
        ("  peak RSS before the fan-out phase", f"{result.rss_before_fan_out_mib:.1f} MiB", "",
         ""),
        ("warnings and errors logged", f"{problems.records.total():,}", "", ""),
        ("exceptions Python could only print", f"{problems.unraisable.total():,}", "", ""),
        (f"set-up, not timed: {m:,} joins through the core", f"{result.set_up_seconds:.2f} s",
         "", ""),
    ]  # fmt: skip
    header: Row = ("metric", "pln-bot", "baseline", "ratio")
    shown = [row for row in rows if row is not None]
    widths = [max(len(row[i]) for row in [header, *shown]) for i in range(4)]

    def line(row: Row) -> str:
        name, *values = row
        cells = [f"{name:<{widths[0]}}"]
        cells += [f"{value:>{width}}" for value, width in zip(values, widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    print("pln-bot Slack ack benchmark")
    print(f"database: {describe_database(url)}")
    print(
        f"machine:  {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, slack_bolt {version('slack_bolt')}, "
        f"slack_sdk {version('slack_sdk')}, aiohttp {version('aiohttp')}"
    )
    print(
        "baseline: acks: a bare bolt AsyncApp that only acks (idle, same run); "
        "DMs/s: a bare AsyncWebClient, sequential chat.postMessage"
    )
    print()
    print(line(header))
    rule = ["-" * width for width in widths]
    print(line((rule[0], rule[1], rule[2], rule[3])))
    for row in rows:
        print() if row is None else print(line(row))
    print()
    print(f"reply:    pln-bot's last word on `/pln prompt now`: {out.reply}")
    if len(during.seconds) < MIN_DURING:
        print(
            f"note:     only {len(during.seconds)} acks (200s) fell inside the fan-out, so its "
            "percentiles say little; "
            + ("the rest were refused" if during.failures else "more --members last longer")
        )
    for key, count in (problems.records + problems.unraisable).most_common(3):
        print(f"logged:   {count:,} x {key[:160]}")
    for problem in result.problems():
        print(f"PROBLEM:  {problem}")
    print(f"command:  {command_line()}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--requests", type=int, default=300, help="idle /pln help requests (default 300)"
    )
    parser.add_argument(
        "--members", type=int, default=1000, help="members the prompt fans out to (default 1,000)"
    )
    parser.add_argument(
        "--database-url",
        help="an EMPTY, throwaway database (e.g. postgresql+asyncpg://...); it is migrated and "
        "left with the benchmark's rows. Default: a SQLite file in a temp dir.",
    )
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    if args.members < 1:
        parser.error("--members must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problems = Problems()
    problems.install()
    with tempfile.TemporaryDirectory(prefix="pln-bench-") as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)  # blocking, and Alembic runs its own event loop: outside ours
        result = asyncio.run(bench(url, args.requests, args.members))
    print_result(result, problems, url)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
