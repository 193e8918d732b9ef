"""/healthz and /metrics over real HTTP (127.0.0.1), on a real SQLite file and PostgreSQL.

Healthy means the database answers and the alarm is alive; catching up on a backlog is
healthy (an orchestrator must not restart a bot in the middle of Monday's fan-out), a
runner not started yet, a dead scheduler or an unreachable database is not. The metrics
count the send tables as they are: rows by state, the backlog, and how far behind due
time sending is.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import aiohttp

from bot.adapters.ops_http import OpsEndpoints, OpsServer
from bot.adapters.prometheus_metrics import PrometheusMetrics
from bot.core.alarm import Alarm
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.core.runner import Runner, RunnerState
from bot.core.service import PlnCore
from bot.store.database import Database
from tests.support.actors import member

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FAR_FUTURE = datetime(2031, 1, 6, 8, 0, tzinfo=UTC)  # the real scheduler never rings in a test


@asynccontextmanager
async def serving(db: Database, runner: Runner) -> AsyncIterator[str]:
    server = OpsServer(OpsEndpoints(db, runner, PrometheusMetrics()))
    port = await server.start("127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.stop()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def health(base: str) -> tuple[int, dict[str, str]]:
    status, body = await get(f"{base}/healthz")
    return status, json.loads(body)


class HeldMessenger:
    """Holds every send until released: a fan-out that is still going."""

    platform = "console"

    def __init__(self) -> None:
        self.sending = asyncio.Event()
        self.release = asyncio.Event()

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        self.sending.set()
        await self.release.wait()
        return SendResult.sent("ref")


async def test_not_healthy_before_start_then_healthy(core: PlnCore) -> None:
    runner = Runner(core)
    async with serving(core.db, runner) as base:
        before = await health(base)
        await runner.start()
        after = await health(base)

    assert before == (503, {"status": "unhealthy", "database": "ok", "scheduler": "not started",
                            "state": "new"})  # fmt: skip
    assert after[0] == 200 and after[1]["scheduler"] == "simulated"


async def test_catching_up_on_a_backlog_is_healthy(
    db: Database, clock: SimulatedClock, config: CoreConfig
) -> None:
    messenger = HeldMessenger()
    core = PlnCore(db, clock, messenger, config)
    await core.handle_command(member("alice"), "join")
    clock.set(MONDAY_9)
    runner = Runner(core)
    async with serving(db, runner) as base:
        starting = asyncio.create_task(runner.start())
        await asyncio.wait_for(messenger.sending.wait(), 10)
        during = await health(base)
        messenger.release.set()
        report = await starting

    assert report.sent == 1
    assert during[0] == 200
    assert during[1]["scheduler"] == "catching up"


async def test_a_stopped_or_overdue_alarm_is_unhealthy(
    db: Database, clock: SimulatedClock, config: CoreConfig, messenger: object
) -> None:
    clock.set(FAR_FUTURE)
    core = PlnCore(db, clock, messenger, config)  # type: ignore[arg-type]
    alarm = Alarm(clock)
    runner = Runner(core, alarm)
    async with serving(db, runner) as base:
        await runner.start()
        armed = await health(base)
        clock.set(FAR_FUTURE + timedelta(minutes=10))  # the 5-minute wake went by unrung
        overdue = await health(base)
        alarm.shutdown()
        stopped = await health(base)

    assert armed[0] == 200 and armed[1]["scheduler"] == "armed"
    assert overdue[0] == 503 and overdue[1]["scheduler"] == "overdue"
    assert stopped[0] == 503 and stopped[1]["scheduler"] == "scheduler stopped"


async def test_an_unreachable_database_is_unhealthy(
    clock: SimulatedClock, config: CoreConfig, messenger: object
) -> None:
    gone = Database("postgresql+asyncpg://pln:pln@127.0.0.1:1/nowhere")
    core = PlnCore(gone, clock, messenger, config)  # type: ignore[arg-type]
    runner = Runner(core)
    runner.state = RunnerState.RUNNING  # started earlier; the database went away since
    async with serving(gone, runner) as base:
        status, body = await health(base)
        metrics_status, metrics = await get(f"{base}/metrics")
    await gone.dispose()

    assert status == 503
    assert body["database"].startswith("unreachable: ")
    assert metrics_status == 200  # the process's own series still answer
    assert "pln_store_up 0.0" in metrics


async def test_metrics_show_the_backlog_and_how_far_behind_it_is(
    core: PlnCore, clock: SimulatedClock
) -> None:
    for name in ("alice", "bob", "carol"):
        await core.handle_command(member(name), "join")
    clock.set(MONDAY_9)
    await core.deliveries.claim_due()  # claimed, not sent yet
    clock.set(MONDAY_9 + timedelta(seconds=90))
    runner = Runner(core)
    async with serving(core.db, runner) as base:
        status, metrics = await get(f"{base}/metrics")

    assert status == 200
    lines = set(metrics.splitlines())
    assert 'pln_deliveries{platform="console",queue="prompt",status="claimed"} 3.0' in lines
    assert 'pln_queue_depth{queue="prompt"} 3.0' in lines
    assert 'pln_send_lag_seconds{queue="prompt"} 90.0' in lines
    assert "pln_store_up 1.0" in lines
