"""The queue protocol: what the send pipeline needs from each kind of send.

A queue is one table's rows waiting to be sent, plus the message builder for them. The
pipeline takes rows in batches (`take_batch`: one unit of work leases a batch to this
worker and loads what each send needs), then for each row: `build` (outside any
transaction), the platform's turn, `start_sending` (a compare-and-set, committed with the
other rows whose turn came at the same moment, right before the call), the platform call
with no transaction open, and `record` (committed in small groups). Adding a kind of send
means writing one queue (usually a `claimed_queue.ClaimedRowQueue` with `load` and
`build`) and putting it in a job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.store.models import Community, Member
from bot.store.send_states import Lease

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class SendPolicy:
    batch_size: int = 64  # rows leased per unit of work
    in_flight: int = 16  # sends at the platform (or waiting for its turn) at once
    max_attempts: int = 5  # "retry later" this many times, then failed
    retry_delay: timedelta = timedelta(minutes=1)  # times attempts, unless the platform says
    progress_every: int = 1000  # a progress log line every so many rows handled
    lease: timedelta = timedelta(seconds=60)  # a dead worker's rows wait this long at most
    record_batch: int = 32  # outcomes committed together at most


@dataclass(frozen=True)
class Taken(Generic[RowT]):
    """A row leased to this worker, with what `build` needs. `resumed`: it was left
    `sending` by a worker that died, so the first send may have reached the member."""

    row_id: int
    row: RowT
    resumed: bool = False


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
    # resent after a crash with no way to check the first send: maybe delivered twice
    uncertain: bool = False


# a message ready to go, or (nothing to send) the outcome to record without a platform call
Built = tuple[Target, OutgoingMessage] | SendResult


class SendQueue(Protocol[RowT]):
    """One table's sends. `RowT` is what `take_batch` loads for `build`."""

    name: str  # in log lines
    platform: str

    async def take_batch(
        self, session: AsyncSession, now: datetime, limit: int, lease: Lease
    ) -> list[Taken[RowT]]:
        """Rows ready to send now, oldest due first, leased to this worker (not yet
        `sending`), with what each send needs."""
        ...

    async def start_sending(
        self, session: AsyncSession, taken: Taken[RowT], lease: Lease, now: datetime
    ) -> bool:
        """Compare-and-set the row to being sent; False when another worker has it."""
        ...

    async def backlog(self, session: AsyncSession) -> int:
        """Rows waiting, ready or not: the total in progress logs."""
        ...

    async def build(self, row: RowT) -> Built:
        """The message and where it goes (outside any transaction; it may run its own)."""
        ...

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """Record what became of the row (in a unit of work with other rows' outcomes)."""
        ...

    async def renew(self, session: AsyncSession, row_ids: list[int], lease: Lease) -> None:
        """Extend this worker's lease on rows it still holds."""
        ...

    async def release(self, session: AsyncSession, worker: str) -> int:
        """Give back rows this worker leased and never started (a graceful stop)."""
        ...

    async def interrupted(self, session: AsyncSession, now: datetime) -> int:
        """Rows a dead worker left mid-send, waiting to be checked or resent."""
        ...

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        """When a row put back for later becomes ready, or a lease expires (for the alarm)."""
        ...

    def marker(self, row_id: int) -> str:
        """The send's name on the platform (message metadata, nonce), stable across resends."""
        ...


def recipient(member: Member, community: Community) -> Recipient:
    return Recipient(
        member_id=member.id,
        platform=member.platform,
        community_external_id=community.external_id,
        platform_user_id=member.platform_user_id,
        display_name=member.display_name,
        dm_channel_id=member.dm_channel_id,
    )


def short(reason: str | None) -> str | None:
    """A platform's reason as stored (`last_error`, `unreachable_reason`)."""
    return reason[:200] if reason else None


async def remember_dm_channel(session: AsyncSession, member_id: int, channel_id: str) -> None:
    """The DM channel a send opened: later sends use it and open none (Discord's anti-spam
    counts new DM channels)."""
    await session.execute(
        update(Member)
        .where(Member.id == member_id, Member.dm_channel_id.is_distinct_from(channel_id))
        .values(dm_channel_id=channel_id)
        .execution_options(synchronize_session=False)
    )


async def mark_unreachable(
    session: AsyncSession, member_id: int, reason: str | None, now: datetime
) -> None:
    """The member is skipped by later claims until they next talk to the bot."""
    member = await session.get(Member, member_id)
    if member is not None:
        member.unreachable_at = now
        member.unreachable_reason = short(reason)
