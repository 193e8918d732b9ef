"""How every adapter runs, written once: the banner, signals, the simulated-clock controls
and shutdown.

A chat adapter (Slack, Discord) hands `AdapterRuntime.run` its service, wired but not
started. The runtime installs SIGINT/SIGTERM handlers, starts the service (a failure is one
line on stderr and exit code 2), prints the banner, lets the operator move a simulated clock
from the terminal, waits for a signal, then shuts down. The console reads its own lines
(members type there), so it takes the pieces: the banner, the catch-up note and shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Protocol, TextIO

from bot import __version__
from bot.adapters.clock_controls import ClockDriver, run_clock_controls
from bot.config import Settings
from bot.core.clock import Clock, SimulatedClock
from bot.core.delivery import DueReport

log = logging.getLogger(__name__)

STOP_HINT = "Stop with Ctrl-C."
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class AdapterStartError(Exception):
    """The adapter cannot start; str() is one line saying what to fix."""


class AdapterService(Protocol):
    """The whole bot on one platform, wired but not started."""

    @property
    def runner(self) -> ClockDriver:
        """The app's `Runner`, which the simulated-clock controls drive."""
        ...

    async def start(self) -> None:
        """Connect and catch up; raise AdapterStartError (one line) when it cannot."""
        ...

    async def stop(self) -> None:
        """Disconnect and close; also called after a failed start."""
        ...

    def banner(self) -> str:
        """What the banner says between the version and the database, asked once started."""
        ...


def banner_line(description: str, settings: Settings, hint: str = STOP_HINT) -> str:
    return f"pln-bot {__version__} — {description}, {settings.describe_database()}. {hint}"


def catch_up_note(report: DueReport) -> str | None:
    """What start-up did about prompts that fell due while the bot was down, if anything."""
    if not (report.caught_up or report.missed):
        return None
    return (
        f"Caught up on {report.caught_up} prompt(s) that fell due while the bot was down;"
        f" {report.missed} missed (older than the grace period)."
    )


class AdapterRuntime:
    """One run of one adapter. `ready` is set once the service has started and announced
    itself, and cleared when shutdown begins; `request_stop()` does what SIGTERM does."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.ready = asyncio.Event()
        self.controls: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    def request_stop(self) -> None:
        self._stop.set()

    def announce(self, description: str, hint: str = STOP_HINT) -> None:
        """Print the banner: `pln-bot VERSION — DESCRIPTION, DATABASE. HINT`."""
        print(banner_line(description, self.settings, hint), file=self.stdout, flush=True)

    async def run(self, service: AdapterService) -> int:
        """Start the service, run until SIGINT or SIGTERM, stop it; the process's exit code."""
        with self._stop_on_signals():
            try:
                try:
                    await service.start()
                except AdapterStartError as error:
                    print(f"pln-bot: {error}", file=self.stderr, flush=True)
                    return 2
                self.announce(service.banner())
                self.start_clock_controls(service.runner)
                self.ready.set()
                await self._stop.wait()
            finally:
                await self.shut_down(service.stop)
        return 0

    def start_clock_controls(self, runner: ClockDriver) -> None:
        """On a simulated clock, `:advance` and `:now` typed on the bot's terminal."""
        if isinstance(self.clock, SimulatedClock) and self.controls is None:
            self.controls = asyncio.create_task(
                run_clock_controls(runner, self.clock, self.stdin, self.stdout),
                name="clock-controls",
            )

    async def shut_down(self, stop: Callable[[], Awaitable[None]]) -> None:
        """Not ready any more, no more clock controls, then the adapter's own `stop`."""
        self.ready.clear()
        if self.controls is not None:
            self.controls.cancel()
            (outcome,) = await asyncio.gather(self.controls, return_exceptions=True)
            if isinstance(outcome, Exception):
                log.error("clock controls failed", exc_info=outcome)
            self.controls = None
        await stop()

    @contextlib.contextmanager
    def _stop_on_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        for signum in STOP_SIGNALS:
            # NotImplementedError: not on Windows; RuntimeError: not in the main thread.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self.request_stop)
                installed.append(signum)
        try:
            yield
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
