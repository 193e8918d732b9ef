"""After the app is uninstalled: the community's data is kept for a stated period, then purged.

Once a workspace uninstalls the Slack app (or a guild removes the bot), its members can no
longer reach the bot to export or erase what they wrote. Adapters report the uninstall
(`Uninstalls.uninstalled`) and a reinstall (`Uninstalls.reinstalled`); the daily
`UninstalledPurgeJob`, claimed through `job_run` like the retention purge, deletes every
community uninstalled more than PLN_UNINSTALLED_KEEP_DAYS ago, whole. The audit log keeps
counts, never what or whose.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.jobs import DueReport
from bot.store import retention as runs
from bot.store import uninstalled as store
from bot.store.database import Database
from bot.store.erasure import truncate_sqlite_wal

log = logging.getLogger(__name__)

EVERY = timedelta(days=1)


class Uninstalls:
    """What adapters call when the app leaves a community or comes back to it."""

    def __init__(self, db: Database, clock: Clock, on_change: Callable[[], None]) -> None:
        self._db = db
        self._clock = clock
        self._on_change = on_change  # the purge's due time may have moved

    async def uninstalled(self, platform: str, external_ids: Sequence[str]) -> int:
        """The app was uninstalled from these communities (a workspace, each workspace of an
        org, a guild): their keeping period starts now, unless it already runs."""
        now = self._clock.now()
        marked = await self._db.run(
            partial(store.mark_uninstalled, platform=platform, external_ids=external_ids, now=now)
        )
        log.info(
            "communities uninstalled; their data is purged after the keeping period",
            extra={"fields": {"platform": platform, "communities": marked}},
        )
        self._on_change()
        return marked

    async def left_while_away(self, platform: str, present: Sequence[str]) -> int:
        """At start, the platform lists every community the app is in (`present`: a
        Discord READY names every guild, available or not): any other community of the
        platform lost the app while the bot was offline, so its keeping period starts."""
        gone = await self._db.run(
            partial(store.served_elsewhere, platform=platform, present=present)
        )
        return await self.uninstalled(platform, gone) if gone else 0

    async def reinstalled(self, platform: str, external_ids: Sequence[str]) -> int:
        """The app is installed in these communities (again): nothing of theirs is purged."""
        cleared = await self._db.run(
            partial(store.mark_reinstalled, platform=platform, external_ids=external_ids)
        )
        if cleared:
            log.info(
                "communities reinstalled; their data is kept",
                extra={"fields": {"platform": platform, "communities": cleared}},
            )
            self._on_change()
        return cleared


class UninstalledPurgeJob:
    """The daily purge of uninstalled communities (a DueJob); each platform's process
    purges its own platform's communities."""

    name = "uninstalled"

    def __init__(self, db: Database, platform: str, keep: timedelta) -> None:
        self._db = db
        self._platform = platform
        self._keep = keep

    @property
    def _run_name(self) -> str:
        return f"{self.name}:{self._platform}"

    async def recover(self) -> int:
        """Nothing to recover: each community's purge is one transaction."""
        return 0

    async def run_due(self, now: datetime) -> DueReport:
        """Once a day, when a keeping period is over: delete those communities whole."""
        cutoff = now - self._keep

        async def claim(session: AsyncSession) -> list[store.Expired]:
            if not await store.expired(session, self._platform, cutoff):
                return []
            if not await runs.claim_run(session, self._run_name, now, EVERY):
                return []  # not a day since the last run, or another process took it
            return await store.expired(session, self._platform, cutoff)

        purged: list[store.Purged] = []
        for community in await self._db.run(claim):
            done = await self._db.run(
                partial(
                    store.purge_community,
                    community_id=community.community_id,
                    cutoff=cutoff,
                    now=now,
                )
            )
            if done is not None:
                purged.append(done)
        if purged:
            await truncate_sqlite_wal(self._db.engine)  # no copy left in SQLite's WAL
            log.info(
                "uninstalled communities purged",
                extra={
                    "fields": {
                        "communities": len(purged),
                        "members": sum(p.members for p in purged),
                        "answers": sum(p.answers for p in purged),
                        "notes": sum(p.notes for p in purged),
                    }
                },
            )
        return DueReport()

    async def next_due(self, now: datetime) -> datetime | None:
        """When the first keeping period ends (but not within a day of the last run); None
        while no community of the platform is uninstalled."""

        async def find(session: AsyncSession) -> datetime | None:
            first = await store.earliest(session, self._platform)
            if first is None:
                return None
            due = first + self._keep
            last = await runs.last_run(session, self._run_name)
            if last is not None:
                due = max(due, last + EVERY)
            return due

        return await self._db.run(find)
