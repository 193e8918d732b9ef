"""`pln-bot run --adapter slack`: start the Slack service and run until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from bot import __version__
from bot.adapters.clock_controls import run_clock_controls
from bot.adapters.slack.service import SlackStartError, build_slack_service
from bot.adapters.slack.settings import SlackMode, SlackSettings
from bot.config import Settings
from bot.core.clock import Clock, SimulatedClock


async def run_slack(settings: Settings, slack: SlackSettings, clock: Clock) -> int:
    service = build_slack_service(settings, slack, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    try:
        await service.start()
    except SlackStartError as error:
        print(f"pln-bot: {error}", file=sys.stderr, flush=True)
        await service.stop()
        return 2
    where = (
        "Socket Mode"
        if service.mode is SlackMode.SOCKET
        else f"HTTP on {slack.http_host}:{service.port} (POST /slack/events, GET /healthz)"
    )
    print(
        f"pln-bot {__version__} — Slack adapter, {where}, {settings.describe_database()}. "
        "Stop with Ctrl-C.",
        flush=True,
    )
    controls = None
    if isinstance(clock, SimulatedClock):
        controls = asyncio.create_task(
            run_clock_controls(service.app.runner, clock, sys.stdin, sys.stdout)
        )
    try:
        await stop.wait()
    finally:
        if controls is not None:
            controls.cancel()
        await service.stop()
    return 0
