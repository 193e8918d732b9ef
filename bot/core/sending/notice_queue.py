"""Retention notices: the DM each member is owed when a moderator confirms a setting.

Not a claimed table: the notice is taken by a compare-and-set on
`member.retention_notice_due` (-> NULL) right before the call, so it is never sent twice; a
"later" from the platform puts it back with its delay, so a 429 or a 500 loses nobody's
notice. Built at send time from the community's setting: one cancelled meanwhile sends
nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins.notices import MentorNoticeQueue
from bot.core.jobs import DueReport
from bot.core.ports import SendResult, SendStatus
from bot.core.retention import member_notice
from bot.core.sending.job import QueueJob
from bot.core.sending.pipeline import SendPipeline
from bot.core.sending.queue import (
    Built,
    Outcome,
    SendPolicy,
    SendQueue,
    Taken,
    mark_unreachable,
    recipient,
)
from bot.store import retention_notices as store
from bot.store.models import Community, Member
from bot.store.send_states import Lease

NoticeRow = tuple[Member, Community]


class RetentionNoticeQueue:
    """A `SendQueue` over members owed a retention notice."""

    name = "retention notice"

    def __init__(self, platform: str, policy: SendPolicy) -> None:
        self.platform = platform
        self.policy = policy

    async def take_batch(
        self, session: AsyncSession, now: datetime, limit: int, lease: Lease
    ) -> list[Taken[NoticeRow]]:
        """Members owed a notice, read only: the take is `start_sending`'s compare-and-set."""
        taken: list[Taken[NoticeRow]] = []
        for member_id in await store.ready_ids(session, self.platform, now, limit):
            member = await session.get(Member, member_id)
            community = (
                None if member is None else await session.get(Community, member.community_id)
            )
            if member is not None and community is not None:
                taken.append(Taken(member_id, (member, community)))
        return taken

    async def start_sending(
        self, session: AsyncSession, taken: Taken[NoticeRow], lease: Lease, now: datetime
    ) -> bool:
        return await store.take(session, taken.row_id, now) is not None

    async def backlog(self, session: AsyncSession) -> int:
        return await store.count(session, self.platform)

    async def build(self, row: NoticeRow) -> Built:
        member, community = row
        days, starts = community.retention_days, community.retention_from
        if days is None or starts is None or not member.active:
            return SendResult.unreachable("no notice owed any more")  # dropped, not recorded
        when = starts.astimezone(UTC).strftime("%a %d %b %Y (UTC)")
        return recipient(member, community), member_notice(days, when)

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """Sent: done. Refused for now: owed again after the platform's delay. Unreachable
        (DMs closed): still owed, and sent once the member talks to the bot again."""
        result = outcome.result
        if result.status == SendStatus.UNREACHABLE:
            if outcome.member_id is not None:
                await mark_unreachable(session, outcome.member_id, result.reason, outcome.at)
                await store.put_back(session, row_id, outcome.at)
        elif result.status != SendStatus.SENT:
            later = outcome.at + (result.retry_after or self.policy.retry_delay)
            await store.put_back(session, row_id, later)

    async def renew(self, session: AsyncSession, row_ids: list[int], lease: Lease) -> None:
        return None  # no lease: a notice is taken by its compare-and-set alone

    async def release(self, session: AsyncSession, worker: str) -> int:
        return 0  # nothing is held before `start_sending`

    async def interrupted(self, session: AsyncSession, now: datetime) -> int:
        return 0  # taken right before the call: an interrupted notice is not resent

    def marker(self, row_id: int) -> str:
        return f"retention_notice:{row_id}"

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        found = await store.earliest(session, self.platform)
        return None if found is None else max(found, now)


class NothingToClaim:
    """Notices are owed by the confirming command itself, not claimed on a schedule."""

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        return DueReport()

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        return None


def notice_job(pipeline: SendPipeline) -> QueueJob:
    """Retention notices through the one send pipeline, at the messenger's own pace."""
    platform, policy = pipeline.messenger.platform, pipeline.policy
    queues: list[SendQueue[Any]] = [
        RetentionNoticeQueue(platform, policy),
        MentorNoticeQueue(platform, policy),
    ]
    return QueueJob("notices", NothingToClaim(), queues, pipeline)
