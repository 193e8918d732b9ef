"""The shared adapter runtime: banner, signals, start errors, simulated-clock controls, shutdown.

A fake service stands in for Slack or Discord. Nothing sleeps: the tests wait on the
runtime's `ready` event, the clock-controls task and the run itself.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from bot import __version__
from bot.adapters.clock_controls import MAX_ADVANCE, TOO_FAR, handle_control
from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.session import ConsoleSession
from bot.adapters.runtime import AdapterRuntime, AdapterStartError, banner_line, catch_up_note
from bot.config import Settings, load_settings
from bot.core.clock import SimulatedClock, SystemClock
from bot.core.delivery import DueReport
from bot.core.runner import Runner
from bot.core.service import PlnCore

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class FakeRunner:
    """Moves the simulated clock like `Runner.advance`, and remembers each step."""

    def __init__(self, clock: SimulatedClock | None = None) -> None:
        self.clock = clock
        self.steps: list[timedelta] = []

    async def advance(self, delta: timedelta) -> None:
        self.steps.append(delta)
        if self.clock is not None:
            self.clock.advance(delta)


class FakeService:
    def __init__(self, runner: FakeRunner, *, refuse: str | None = None) -> None:
        self._runner = runner
        self.refuse = refuse
        self.started = False
        self.stopped = False

    @property
    def runner(self) -> FakeRunner:
        return self._runner

    async def start(self) -> None:
        if self.refuse is not None:
            raise AdapterStartError(self.refuse)
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    def banner(self) -> str:
        return "Fake adapter, listening nowhere"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name in list(os.environ):
        if name.upper() == "DATABASE_URL" or name.upper().startswith("PLN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return load_settings(database_url="sqlite:///./data/runtime.db")


def make_runtime(
    settings: Settings, clock: SystemClock | SimulatedClock, stdin: str = ""
) -> tuple[AdapterRuntime, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    runtime = AdapterRuntime(settings, clock, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return runtime, out, err


def test_the_banner_names_version_adapter_database_and_hint(settings: Settings) -> None:
    assert banner_line("console adapter", settings, "Type /pln help.") == (
        f"pln-bot {__version__} — console adapter, SQLite at ./data/runtime.db. Type /pln help."
    )
    assert banner_line("Discord adapter, connected as pln#0001", settings).endswith(
        "connected as pln#0001, SQLite at ./data/runtime.db. Stop with Ctrl-C."
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_the_service_cleanly(
    settings: Settings, signum: signal.Signals
) -> None:
    runtime, out, err = make_runtime(settings, SystemClock())
    service = FakeService(FakeRunner())
    run = asyncio.create_task(runtime.run(service))
    await runtime.ready.wait()
    assert service.started and not service.stopped
    assert runtime.controls is None  # the system clock has no terminal controls

    os.kill(os.getpid(), signum)

    assert await run == 0
    assert service.stopped
    assert not runtime.ready.is_set()
    assert out.getvalue() == (
        f"pln-bot {__version__} — Fake adapter, listening nowhere, "
        "SQLite at ./data/runtime.db. Stop with Ctrl-C.\n"
    )
    assert err.getvalue() == ""


async def test_a_start_error_is_one_line_on_stderr_and_exit_code_2(settings: Settings) -> None:
    runtime, out, err = make_runtime(settings, SimulatedClock(START), stdin=":advance 1h\n")
    runner = FakeRunner()
    service = FakeService(runner, refuse="Slack refused SLACK_BOT_TOKEN (invalid_auth)")

    assert await runtime.run(service) == 2

    assert err.getvalue() == "pln-bot: Slack refused SLACK_BOT_TOKEN (invalid_auth)\n"
    assert out.getvalue() == ""  # no banner, no clock controls
    assert service.stopped  # whatever start opened is closed
    assert runtime.controls is None and runner.steps == []
    assert not runtime.ready.is_set()


async def test_a_simulated_clock_is_moved_from_the_terminal(settings: Settings) -> None:
    clock = SimulatedClock(START)
    script = ":now\n:advance 3651d\n:advance 2h\n:advance soon\n"
    runtime, out, _err = make_runtime(settings, clock, stdin=script)
    runner = FakeRunner(clock)
    service = FakeService(runner)
    run = asyncio.create_task(runtime.run(service))
    await runtime.ready.wait()
    assert runtime.controls is not None
    await runtime.controls  # stdin is read to its end; the bot keeps running

    assert not run.done()
    runtime.request_stop()
    assert await run == 0
    assert service.stopped and runtime.controls is None

    assert runner.steps == [timedelta(hours=2)]
    banner, *controls = out.getvalue().splitlines()
    assert banner.startswith(f"pln-bot {__version__} — Fake adapter")
    assert controls == [
        "[clock] Clock controls: `:advance 10m` (or 2h, 7d, 1w) moves time on; `:now` shows it.",
        "[clock] It is Fri 20 Nov 2026 10:00 UTC (simulated clock).",
        f"[clock] {TOO_FAR}",
        "[clock] It is Fri 20 Nov 2026 12:00 UTC (simulated clock).",
        "[clock] Say how far to move, e.g. :advance 10m, :advance 2h30m or :advance 1w.",
    ]


async def test_ten_years_is_the_longest_advance_on_the_chat_adapters_terminal() -> None:
    clock = SimulatedClock(START)
    runner, out = FakeRunner(clock), io.StringIO()
    await handle_control(":advance 10y", runner, clock, out)
    await handle_control(":advance 3651d", runner, clock, out)
    assert runner.steps == [timedelta(days=3650)] == [MAX_ADVANCE]
    assert out.getvalue().splitlines()[-1] == f"[clock] {TOO_FAR}"


async def test_the_console_advance_has_the_same_limit_and_words(settings: Settings) -> None:
    clock = SimulatedClock(START)
    runner, out = FakeRunner(clock), io.StringIO()
    core = cast(PlnCore, SimpleNamespace(clock=clock))
    messenger = ConsoleMessenger(out, settings.data_dir / "files")
    session = ConsoleSession(core, cast(Runner, runner), messenger, "alice", out)

    assert await session.handle_line(":advance 3651d")
    assert await session.handle_line(":advance 3650d")

    assert runner.steps == [MAX_ADVANCE]
    assert out.getvalue().splitlines() == [
        f"[console] {TOO_FAR}",
        "[clock] It is Mon 17 Nov 2036 10:00 UTC (simulated clock).",
    ]


async def test_console_pieces_catch_up_note_and_shutdown(settings: Settings) -> None:
    assert catch_up_note(DueReport()) is None
    assert catch_up_note(DueReport(caught_up=2, missed=1)) == (
        "Caught up on 2 prompt(s) that fell due while the bot was down;"
        " 1 missed (older than the grace period)."
    )
    runtime, _out, _err = make_runtime(settings, SimulatedClock(START))
    closed = asyncio.Event()

    async def close() -> None:
        closed.set()

    runtime.ready.set()
    await runtime.shut_down(close)
    assert closed.is_set() and not runtime.ready.is_set()
