"""`pln-bot run --adapter discord`: start the Discord service and run until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from bot import __version__
from bot.adapters.clock_controls import run_clock_controls
from bot.adapters.discord.service import DiscordStartError, build_discord_service
from bot.adapters.discord.settings import DiscordSettings
from bot.config import Settings
from bot.core.clock import Clock, SimulatedClock


async def run_discord(settings: Settings, discord_settings: DiscordSettings, clock: Clock) -> int:
    service = build_discord_service(settings, discord_settings, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await service.start()
    except DiscordStartError as error:
        print(f"pln-bot: {error}", file=sys.stderr, flush=True)
        await service.stop()
        return 2
    user = service.client.user
    print(
        f"pln-bot {__version__} — Discord adapter, connected as {user}, "
        f"{settings.describe_database()}. Stop with Ctrl-C.",
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
