"""The scheduled digest: monthly (default) or termly by DM, or off.

(Being built: see issue 7.)
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import Clock
from bot.core.context import Context, CoreConfig
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Messenger
from bot.store.database import Database


async def digest_schedule(ctx: Context, cadence: str | None) -> list[OutgoingMessage]:
    return [plain("Digest schedules are not available yet.")]


class DigestScheduler:
    """Sends each member's digest when their period ends (a DueJob)."""

    name = "digest"

    def __init__(
        self, db: Database, clock: Clock, messenger: Messenger, config: CoreConfig
    ) -> None:
        self._db = db
        self._clock = clock
        self._messenger = messenger
        self._config = config

    async def recover(self) -> int:
        return 0

    async def run_due(self, now: datetime) -> int:
        return 0

    async def next_due(self, now: datetime) -> datetime | None:
        return None
