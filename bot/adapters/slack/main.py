"""`pln-bot run --adapter slack`: start the Slack service and run until SIGINT or SIGTERM."""

from __future__ import annotations

from bot.adapters.runtime import AdapterRuntime
from bot.adapters.slack.service import build_slack_service
from bot.adapters.slack.settings import SlackSettings
from bot.config import Settings
from bot.core.clock import Clock


async def run_slack(settings: Settings, slack: SlackSettings, clock: Clock) -> int:
    service = build_slack_service(settings, slack, clock)
    return await AdapterRuntime(settings, clock).run(service)
