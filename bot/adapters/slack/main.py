"""`pln-bot run --adapter slack`: start the Slack service and run until SIGINT or SIGTERM."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.runtime import AdapterRuntime, AdapterStartError
from bot.adapters.slack.server import EVENTS_PATH, HEALTH_PATH
from bot.adapters.slack.service import SlackService, SlackStartError, build_slack_service
from bot.adapters.slack.settings import SlackMode, SlackSettings
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.runner import Runner


@dataclass
class SlackAdapter:
    """`SlackService` as the shared runtime runs it (`bot.adapters.runtime.AdapterService`)."""

    service: SlackService

    @property
    def runner(self) -> Runner:
        return self.service.app.runner

    async def start(self) -> None:
        try:
            await self.service.start()
        except SlackStartError as error:
            raise AdapterStartError(str(error)) from None

    async def stop(self) -> None:
        await self.service.stop()

    def banner(self) -> str:
        if self.service.mode is SlackMode.SOCKET:
            return "Slack adapter, Socket Mode"
        host = self.service.settings.http_host
        return (
            f"Slack adapter, HTTP on {host}:{self.service.port} "
            f"(POST {EVENTS_PATH}, GET {HEALTH_PATH})"
        )


async def run_slack(settings: Settings, slack: SlackSettings, clock: Clock) -> int:
    service = build_slack_service(settings, slack, clock)
    return await AdapterRuntime(settings, clock).run(SlackAdapter(service))
