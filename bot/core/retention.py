"""Retention: a community's answers and notes older than its setting are purged every day.

Moderators choose the number of days (`/pln retention 365`, or `off`). A daily job, claimed
through the `job_run` table so several processes on one database purge once, deletes the
old answers (their parts and share rows go with them) and free notes, after taking the
channel posts of shared ones down. Deliveries stay: they hold no member text and keep the
figures and streaks right. The audit log records how many items went, never what.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context
from bot.core.jobs import DueReport
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import ChannelMessenger, Messenger
from bot.store import retention as store
from bot.store.database import Database

log = logging.getLogger(__name__)

EVERY = timedelta(days=1)
KEPT = (
    "Retention is off: answers and notes are kept until their authors delete them "
    "(`/pln delete` or `/pln forget-me`). Turn it on with a number of days, e.g. "
    "`/pln retention 365`."
)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


def _what_happens(days: int) -> str:
    return (
        f"answers and notes older than {_days(days)} are deleted every day, and the PLN "
        "channel posts of shared ones are taken down first. Figures and streaks stay; "
        "the words go"
    )


async def retention_setting(ctx: Context, setting: str | None) -> list[OutgoingMessage]:
    """`/pln retention [days|off]` (moderators; the dispatcher checks): show or change it."""
    community = ctx.community
    if setting is None:
        if community.retention_days is None:
            return [plain(KEPT)]
        purged = await store.purged_total(ctx.session, community.id)
        return [
            plain(
                f"Retention is on: {_what_happens(community.retention_days)}. So far "
                f"{purged:,} answers and notes have been deleted this way. "
                "`/pln retention off` keeps everything from now on."
            )
        ]
    if setting == "off":
        community.retention_days = None
        return [
            plain(
                "Done: retention is off. Answers and notes are kept until their authors "
                "delete them; nothing more will be purged."
            )
        ]
    days = int(setting)  # validated by the command parser: 1 to 36500
    community.retention_days = days
    return [
        plain(
            f"Done: {_what_happens(days)}. The first purge runs within a day. "
            "`/pln retention off` stops it."
        )
    ]


class RetentionJob:
    """The daily purge (a DueJob); each platform's process purges its own communities."""

    name = "retention"

    def __init__(self, db: Database, messenger: Messenger) -> None:
        self._db = db
        self._messenger = messenger

    @property
    def _run_name(self) -> str:
        """The `job_run` row: per platform, because only this platform's messenger can take
        its channel posts down."""
        return f"{self.name}:{self._messenger.platform}"

    async def recover(self) -> int:
        """Nothing to recover: each community's purge is one transaction."""
        return 0

    async def run_due(self, now: datetime) -> DueReport:
        """Once a day: purge every community with a setting (the count goes to the log and
        the audit row; nothing is sent, so the report is empty)."""

        async def claim(session: AsyncSession) -> list[store.RetentionRule]:
            platform = self._messenger.platform
            if not await store.any_rule(session, platform):
                return []
            if not await store.claim_run(session, self._run_name, now, EVERY):
                return []  # not a day yet, or another process took today's run
            return await store.rules(session, platform)

        total = 0
        rules = await self._db.run(claim)
        for rule in rules:
            cutoff = now - timedelta(days=rule.days)
            posts = await self._db.run(
                partial(store.expired_posts, community_id=rule.community_id, cutoff=cutoff)
            )
            await self._take_down(rule, posts)
            total += await self._db.run(
                partial(store.purge, community_id=rule.community_id, cutoff=cutoff, now=now)
            )
        if rules:
            log.info(
                "retention purge finished",
                extra={"fields": {"communities": len(rules), "purged": total}},
            )
        return DueReport()

    async def next_due(self, now: datetime) -> datetime | None:
        """A day after the last run; now if it never ran; None while no community has a setting."""

        async def find(session: AsyncSession) -> datetime | None:
            if not await store.any_rule(session, self._messenger.platform):
                return None
            last = await store.last_run(session, self._run_name)
            return now if last is None else max(last + EVERY, now)

        return await self._db.run(find)

    async def _take_down(self, rule: store.RetentionRule, posts: list[store.SharedPost]) -> None:
        """Best effort: a post the platform will not delete does not stop the purge."""
        if not posts:
            return
        failed = 0
        if isinstance(self._messenger, ChannelMessenger):
            for post in posts:
                try:
                    gone = await self._messenger.delete_in_channel(
                        rule.external_id, post.channel_id, post.platform_message_ref
                    )
                except Exception:  # the platform's error; the purge goes on
                    gone = False
                failed += not gone
        else:
            failed = len(posts)
        if failed:
            log.warning(
                "retention could not take down shared posts; answers purged anyway",
                extra={"fields": {"community_id": rule.community_id, "posts": failed}},
            )
