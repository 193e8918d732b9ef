"""`pln-bot run --adapter discord`: start the Discord service and run until SIGINT or SIGTERM."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.discord.service import DiscordService, DiscordStartError, build_discord_service
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.runtime import AdapterRuntime, AdapterStartError
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.runner import Runner


@dataclass
class DiscordAdapter:
    """`DiscordService` as the shared runtime runs it (`bot.adapters.runtime.AdapterService`)."""

    service: DiscordService

    @property
    def runner(self) -> Runner:
        return self.service.app.runner

    async def start(self) -> None:
        try:
            await self.service.start()
        except DiscordStartError as error:
            raise AdapterStartError(str(error)) from None

    async def stop(self) -> None:
        await self.service.stop()

    def banner(self) -> str:
        return f"Discord adapter, connected as {self.service.client.user}"


async def run_discord(settings: Settings, discord_settings: DiscordSettings, clock: Clock) -> int:
    service = build_discord_service(settings, discord_settings, clock)
    return await AdapterRuntime(settings, clock).run(DiscordAdapter(service))
