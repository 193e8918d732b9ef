"""`pln-bot run --adapter discord`: start the Discord service and run until SIGINT or SIGTERM."""

from __future__ import annotations

from bot.adapters.discord.service import build_discord_service
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.runtime import AdapterRuntime
from bot.config import Settings
from bot.core.clock import Clock


async def run_discord(settings: Settings, discord_settings: DiscordSettings, clock: Clock) -> int:
    service = build_discord_service(settings, discord_settings, clock)
    return await AdapterRuntime(settings, clock).run(service)
