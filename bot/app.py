"""The composition root: settings in, a wired core and runner out, for any adapter."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.core.alarm import Alarm
from bot.core.clock import Clock, SimulatedClock
from bot.core.context import CoreConfig
from bot.core.ports import Messenger
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.database import Database

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def core_config(settings: Settings) -> CoreConfig:
    return CoreConfig(
        moderators=settings.moderators,
        default_timezone=settings.default_timezone,
        prompt_weekday=WEEKDAYS.index(settings.prompt_day),
        prompt_time=settings.prompt_time,
        grace=settings.catch_up_grace,
        llm_url=settings.llm_url,
        llm_model=settings.llm_model,
        llm_api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        llm_timeout=settings.llm_timeout,
        retention_min_days=settings.retention_min_days,
        uninstalled_keep_days=settings.uninstalled_keep_days,
        recap_after=settings.discussion_recap_after,
    )


@dataclass
class App:
    db: Database
    core: PlnCore
    runner: Runner

    async def close(self) -> None:
        self.runner.stop()
        await self.db.dispose()


def build_app(
    settings: Settings, clock: Clock, messenger: Messenger, db: Database | None = None
) -> App:
    """Wire store, core and runner; a simulated clock is driven by hand, so it gets no alarm.

    An adapter that needs the database before the core (Slack's installation store) passes
    its own `db`.
    """
    db = db or Database(settings.database_url)
    core = PlnCore(db, clock, messenger, core_config(settings))
    alarm = None if isinstance(clock, SimulatedClock) else Alarm(clock)
    return App(db=db, core=core, runner=Runner(core, alarm))
