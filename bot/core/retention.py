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

from bot.core.actors import Actor
from bot.core.context import Context, ContextRunner
from bot.core.formatting import local_date
from bot.core.jobs import DueReport
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, plain
from bot.core.ports import ChannelMessenger, Messenger
from bot.store import retention as store
from bot.store import retention_notices as notice_store
from bot.store.database import Database

log = logging.getLogger(__name__)

CONFIRM_ACTION = "pln.retention.confirm"
EVERY = timedelta(days=1)
# members are told by DM when a setting is confirmed; nothing is purged before this has passed
NOTICE = timedelta(days=7)
KEPT = (
    "Retention is off: answers and notes are kept until their authors delete them "
    "(`/pln delete` or `/pln forget-me`). Turn it on with a number of days, e.g. "
    "`/pln retention 365`."
)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _what_happens(days: int) -> str:
    return (
        f"answers and notes older than {_days(days)} are deleted every day, and the PLN "
        "channel posts of shared ones are taken down first. Figures and streaks stay; "
        "the words go"
    )


def below_floor(days: int, floor: int) -> OutgoingMessage | None:
    """The refusal of a setting shorter than the operator allows (PLN_RETENTION_MIN_DAYS)."""
    if days >= floor:
        return None
    return plain(
        f"Retention can't be shorter than {_days(floor)} here: that is the floor this bot's "
        "operator set (`PLN_RETENTION_MIN_DAYS`). Nothing changed. Choose "
        f"`/pln retention {floor}` or more."
    )


async def retention_setting(ctx: Context, setting: str | None) -> list[OutgoingMessage]:
    """`/pln retention [days|off]` (moderators; the dispatcher checks): show it, turn it off,
    or, for a number of days, say what it would delete and ask to confirm. Nothing is
    deleted or changed by a number alone."""
    community = ctx.community
    if setting is None:
        return [await _shown(ctx)]
    if setting == "off":
        community.retention_days = None
        community.retention_from = None
        await notice_store.cancel(ctx.session, community.id)
        return [
            plain(
                "Done: retention is off. Answers and notes are kept until their authors "
                "delete them; nothing more will be purged."
            )
        ]
    days = int(setting)  # validated by the command parser: 1 to 36500
    refusal = below_floor(days, ctx.config.retention_min_days)
    if refusal is not None:
        return [refusal]
    held = await store.expiring(ctx.session, community.id, ctx.now - timedelta(days=days))
    starts = local_date(ctx.now + NOTICE, ctx.zone)
    return [
        OutgoingMessage(
            text=(
                f"Keep answers for {_days(days)}? Then {_what_happens(days)}.\n"
                f"As things stand today that deletes {_count(held.answers, 'answer')} and "
                f"{_count(held.notes, 'note')} of {_count(held.members, 'member')}, and more "
                "as they grow old. Nothing is deleted yet: when you confirm, I tell every "
                f"member by DM, and nothing is purged before {starts} ({NOTICE.days} days' "
                f"notice).\nPress Confirm, or type `/pln retention {days} confirm`."
            ),
            buttons=(Button("Confirm", CONFIRM_ACTION, str(days), ButtonStyle.DANGER),),
        )
    ]


async def _shown(ctx: Context) -> OutgoingMessage:
    community = ctx.community
    if community.retention_days is None:
        return plain(KEPT)
    starts = community.retention_from
    if starts is not None and starts > ctx.now:
        owed, unreachable = await notice_store.still_owed(ctx.session, community.id)
        told = f"{_count(owed, 'member')} still to be told" if owed else "every member told"
        if unreachable:
            told += (
                f" ({unreachable:,} of them the platform can't reach by DM now: they are "
                "told when they next talk to the bot; tell them another way too)"
            )
        return plain(
            f"Retention is confirmed and starts {local_date(starts, ctx.zone)}: from then, "
            f"{_what_happens(community.retention_days)}. Notices by DM: {told}. "
            "`/pln retention off` cancels it."
        )
    purged = await store.purged_total(ctx.session, community.id)
    return plain(
        f"Retention is on: {_what_happens(community.retention_days)}. So far "
        f"{purged:,} answers and notes have been deleted this way. "
        "`/pln retention off` keeps everything from now on."
    )


def member_notice(days: int, starts: str) -> OutgoingMessage:
    """The DM every active member gets when a moderator confirms a retention setting."""
    return OutgoingMessage(
        text=(
            f"A note from your PLN: its moderators chose to keep answers and notes for "
            f"{_days(days)}. From {starts}, answers and notes older than that are deleted "
            "every day (shared posts are taken down first). To keep a copy of yours, type "
            "`/pln export` before then."
        ),
        heading="Retention notice",
    )


async def confirm_retention(
    run: ContextRunner, messenger: Messenger, actor: Actor, days: int
) -> list[OutgoingMessage]:
    """A moderator confirmed a number of days: it comes into force after NOTICE, and every
    active member is owed a DM saying so, sent by the notice queue at the messenger's own
    pace and retried when the platform says "later" (bot/core/sending/notice_queue.py)."""

    async def set_it(ctx: Context) -> OutgoingMessage:
        refusal = below_floor(days, ctx.config.retention_min_days)
        if refusal is not None:
            return refusal
        community = ctx.community
        pending = community.retention_from
        if community.retention_days == days and (pending is None or pending > ctx.now):
            return plain(  # a second press of the same Confirm: nothing more to do
                f"Retention of {_days(days)} was already confirmed; members are told by "
                "DM. `/pln retention` shows when it starts."
            )
        starts = ctx.now + NOTICE
        community.retention_days = days
        community.retention_from = starts
        owed = await notice_store.owe_every_member(ctx.session, community.id, ctx.now)
        log.info("retention confirmed", extra={"fields": {"days": days, "members": owed}})
        return plain(
            f"Done: nothing is purged before {local_date(starts, ctx.zone)}. From then, "
            f"{_what_happens(days)}. I'm telling {_count(owed, 'member')} by DM now, each "
            "with time to `/pln export` first; a DM the platform refuses is tried again. "
            "`/pln retention` shows how many are still to be told; `/pln retention off` "
            "cancels it."
        )

    return [await run(actor, set_it)]


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
            if not await store.any_rule(session, platform, now):
                return []  # none in force (a confirmed one may still be in its notice)
            if not await store.claim_run(session, self._run_name, now, EVERY):
                return []  # not a day yet, or another process took today's run
            return await store.rules(session, platform, now)

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
        """A day after the last run (now if it never ran) while a setting is in force, or
        when the next confirmed one comes into force; None while no community has one."""

        async def find(session: AsyncSession) -> datetime | None:
            platform = self._messenger.platform
            starts = await store.next_start(session, platform, now)
            if not await store.any_rule(session, platform, now):
                return starts
            last = await store.last_run(session, self._run_name)
            due = now if last is None else max(last + EVERY, now)
            return due if starts is None else min(due, starts)

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
