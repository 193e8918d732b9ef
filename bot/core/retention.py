"""Retention: a community's answers older than its setting are purged by a daily job.

(Being built: see issue 7.)
"""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Messenger
from bot.store.database import Database


async def retention_setting(ctx: Context, setting: str | None) -> list[OutgoingMessage]:
    return [plain("Retention is not available yet.")]


class RetentionJob:
    """The daily purge (a DueJob)."""

    name = "retention"

    def __init__(self, db: Database, messenger: Messenger) -> None:
        self._db = db
        self._messenger = messenger

    async def recover(self) -> int:
        return 0

    async def run_due(self, now: datetime) -> int:
        return 0

    async def next_due(self, now: datetime) -> datetime | None:
        return None
