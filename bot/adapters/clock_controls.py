"""Terminal controls for a bot running on a simulated clock (`--clock simulated=...`).

Chat adapters have no console to type into, so in a demo the operator moves time from the
bot's own terminal: `:advance 10m` fires whatever falls due on the way, `:now` shows the
time. Lines are read on a daemon thread so a blocked read never holds up the event loop.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, timedelta
from typing import Protocol, TextIO

import pytimeparse2

from bot.core.clock import SimulatedClock

# The longest single `:advance`, for the console and the chat adapters alike: 10 years of
# 365 days, the years `:advance` itself reads (`:advance 10y` is exactly the limit), as the
# README and the refusal below say.
MAX_ADVANCE = timedelta(days=3650)
TOO_FAR = "That is too far in one step: advance at most 10 years at a time."
HELP = "Clock controls: `:advance 10m` (or 2h, 7d, 1w) moves time on; `:now` shows it."


class ClockDriver(Protocol):
    """What moves a simulated clock on, firing due work on the way (the app's `Runner`)."""

    async def advance(self, delta: timedelta) -> None: ...


async def run_clock_controls(
    runner: ClockDriver, clock: SimulatedClock, stdin: TextIO, out: TextIO
) -> None:
    """Handle control lines until stdin closes (then the bot simply keeps running)."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def reader() -> None:
        for line in iter(stdin.readline, ""):
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=reader, name="clock-controls", daemon=True).start()
    _say(out, HELP)
    while (line := await lines.get()) is not None:
        await handle_control(line.strip(), runner, clock, out)


async def handle_control(
    line: str, runner: ClockDriver, clock: SimulatedClock, out: TextIO
) -> None:
    command, _, argument = line.partition(" ")
    if not command:
        return
    if command == ":now":
        _say(out, f"It is {clock.now().astimezone(UTC):%a %d %b %Y %H:%M} UTC (simulated clock).")
    elif command == ":advance":
        seconds = pytimeparse2.parse(argument.strip()) if argument.strip() else None
        if seconds is None or float(seconds) <= 0:
            _say(out, "Say how far to move, e.g. :advance 10m, :advance 2h30m or :advance 1w.")
            return
        delta = timedelta(seconds=float(seconds))
        if delta > MAX_ADVANCE:
            _say(out, TOO_FAR)
            return
        await runner.advance(delta)
        _say(out, f"It is {clock.now().astimezone(UTC):%a %d %b %Y %H:%M} UTC (simulated clock).")
    else:
        _say(out, HELP)


def _say(out: TextIO, text: str) -> None:
    print(f"[clock] {text}", file=out, flush=True)
