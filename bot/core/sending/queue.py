"""The queue protocol: what the send pipeline needs from each kind of send.

A queue is one table's rows waiting to be sent, plus the message builder for them. The
pipeline calls, for each row: `take` (in its own unit of work, committed before the
platform call), `build` (outside any transaction), then the platform, then `record` (its
own unit of work). Adding a kind of send means writing one queue (usually a
`claimed_queue.ClaimedRowQueue` with `load` and `build`) and putting it in a job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.store.models import Community, Member

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class SendPolicy:
    batch_size: int = 200  # rows read per batch of the loop
    max_attempts: int = 5  # "retry later" this many times, then failed
    retry_delay: timedelta = timedelta(minutes=1)  # times attempts, unless the platform says
    progress_every: int = 1000  # a progress log line every so many rows handled


@dataclass(frozen=True)
class ChannelTarget:
    """A post in a community's channel (channel mode), not a member's DM."""

    community_external_id: str
    channel_id: str
    thread_ref: str | None = None  # in the thread of this post (a discussion's recap)


@dataclass(frozen=True)
class GroupTarget:
    """One group DM with several members (a check-in group on Slack)."""

    community_external_id: str
    platform_user_ids: tuple[str, ...]


Target = Recipient | ChannelTarget | GroupTarget


@dataclass(frozen=True)
class Outcome:
    """What became of one taken row, for its queue to record."""

    result: SendResult
    at: datetime
    # the member a DM went to, marked unreachable if the platform says so; None when no
    # DM was tried (a channel post, or nothing to send)
    member_id: int | None = None


# a message ready to go, or (nothing to send) the outcome to record without a platform call
Built = tuple[Target, OutgoingMessage] | SendResult


class SendQueue(Protocol[RowT]):
    """One table's sends. `RowT` is what `take` loads for `build`."""

    name: str  # in log lines
    platform: str

    async def ready_ids(self, session: AsyncSession, now: datetime, limit: int) -> list[int]:
        """Rows ready to send now, oldest due first."""
        ...

    async def backlog(self, session: AsyncSession) -> int:
        """Rows waiting, ready or not: the total in progress logs."""
        ...

    async def take(self, session: AsyncSession, row_id: int, now: datetime) -> RowT | None:
        """Compare-and-set the row to taken, and load what `build` needs; None when another
        worker took it first."""
        ...

    async def build(self, row: RowT) -> Built:
        """The message and where it goes (outside any transaction; it may run its own)."""
        ...

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """Record what became of the row (one unit of work)."""
        ...

    async def recover(self, session: AsyncSession) -> int:
        """Start-up: rows a crash left mid-send, never sent again; returns how many."""
        ...

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        """When a row put back for later becomes ready (for the alarm)."""
        ...


def recipient(member: Member, community: Community) -> Recipient:
    return Recipient(
        member_id=member.id,
        platform=member.platform,
        community_external_id=community.external_id,
        platform_user_id=member.platform_user_id,
        display_name=member.display_name,
    )


def short(reason: str | None) -> str | None:
    """A platform's reason as stored (`last_error`, `unreachable_reason`)."""
    return reason[:200] if reason else None


async def mark_unreachable(
    session: AsyncSession, member_id: int, reason: str | None, now: datetime
) -> None:
    """The member is skipped by later claims until they next talk to the bot."""
    member = await session.get(Member, member_id)
    if member is not None:
        member.unreachable_at = now
        member.unreachable_reason = short(reason)
