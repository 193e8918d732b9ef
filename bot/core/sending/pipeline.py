"""The one send loop: take → send → record, for every queue.

For each ready row: take it (a compare-and-set in its own unit of work, committed before
the platform call, so a second worker or a restart never sends it again), build its
message, call the platform with no transaction open, then record the outcome in another
unit of work. Nothing here logs a message's text: it holds members' words.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from bot.core.clock import Clock
from bot.core.fanout_progress import FanoutProgress
from bot.core.jobs import DueReport
from bot.core.messages import OutgoingMessage
from bot.core.metrics import NO_METRICS, Metrics
from bot.core.ports import (
    ChannelMessenger,
    GroupMessenger,
    Messenger,
    Recipient,
    SendResult,
    SendStatus,
)
from bot.core.sending.queue import GroupTarget, Outcome, SendPolicy, SendQueue, Target
from bot.store.database import Database

log = logging.getLogger(__name__)


class SendPipeline:
    """Sends a queue's ready rows through the adapter's Messenger, one at a time."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        messenger: Messenger,
        policy: SendPolicy | None = None,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.messenger = messenger
        self.policy = policy or SendPolicy()
        self.metrics = metrics

    async def run(self, queue: SendQueue[Any], report: DueReport) -> None:
        """Send every row of `queue` that is ready, counting outcomes into `report`."""
        done = DueReport()
        handled = 0
        total: int | None = None
        progress: FanoutProgress | None = None
        while True:
            ids = await self.db.run(
                partial(queue.ready_ids, now=self.clock.now(), limit=self.policy.batch_size)
            )
            if not ids:
                break
            if total is None:
                small = len(ids) < self.policy.batch_size
                total = len(ids) if small else await self.db.run(queue.backlog)
                progress = FanoutProgress(
                    queue.name, total, metrics=self.metrics, every_rows=self.policy.progress_every
                )
            progressed = False
            for row_id in ids:
                row = await self.db.run(partial(queue.take, row_id=row_id, now=self.clock.now()))
                if row is None:
                    continue  # another worker is sending this one
                progressed = True
                await self._send_one(queue, row_id, row, done)
                handled += 1
                if progress is not None:
                    progress.advance()  # a log line with an ETA every so often
            if not progressed:
                break
        if progress is not None:
            progress.finish()
        if handled:
            log.info(
                "fan-out finished",
                extra={
                    "fields": {
                        "queue": queue.name,
                        "sent": done.sent,
                        "failed": done.failed,
                        "deferred": done.deferred,
                    }
                },
            )
        report.sent += done.sent
        report.failed += done.failed
        report.deferred += done.deferred

    async def recover(self, queue: SendQueue[Any]) -> int:
        """Start-up: rows a crash left mid-send become 'uncertain', never resent."""
        count = await self.db.run(queue.recover)
        if count:
            log.warning(
                "sends interrupted by a restart marked uncertain (not resent)",
                extra={"fields": {"queue": queue.name, "count": count}},
            )
        return count

    async def _send_one(
        self, queue: SendQueue[Any], row_id: int, row: object, done: DueReport
    ) -> None:
        try:
            built = await queue.build(row)
        except Exception as error:  # e.g. a digest's content; retried like a refused send
            error_name = type(error).__name__
            log.warning(
                "message could not be built; will retry",
                extra={"fields": {"queue": queue.name, "id": row_id, "error": error_name}},
            )
            built = SendResult.retry_later(f"{queue.name} not built: {error_name}")
        member_id: int | None = None
        if isinstance(built, SendResult):
            result = built  # nothing to send (e.g. the member left): recorded as it is
        else:
            target, message = built
            result = await self._send(queue, target, message)
            _count(done, result)
            member_id = target.member_id if isinstance(target, Recipient) else None
        outcome = Outcome(result, self.clock.now(), member_id)
        await self.db.run(partial(queue.record, row_id=row_id, outcome=outcome))

    async def _send(
        self, queue: SendQueue[Any], target: Target, message: OutgoingMessage
    ) -> SendResult:
        try:
            if isinstance(target, Recipient):
                return await self.messenger.send_direct(target, message)
            if isinstance(target, GroupTarget):
                if not isinstance(self.messenger, GroupMessenger):
                    return SendResult.unreachable("this platform has no group DMs")
                return await self.messenger.send_to_group(
                    target.community_external_id, target.platform_user_ids, message
                )
            if not isinstance(self.messenger, ChannelMessenger):
                return SendResult.unreachable("this platform cannot post in a channel")
            if target.thread_ref is not None:
                return await self.messenger.send_to_channel(
                    target.community_external_id,
                    target.channel_id,
                    message,
                    thread_ref=target.thread_ref,
                )
            return await self.messenger.send_to_channel(
                target.community_external_id, target.channel_id, message
            )
        except Exception as error:  # the Messenger contract: raising means "not delivered"
            member_id = target.member_id if isinstance(target, Recipient) else None
            log.warning(
                "send failed; will retry",
                extra={
                    "fields": {
                        "queue": queue.name,
                        "member_id": member_id,
                        "error": type(error).__name__,
                    }
                },
            )
            return SendResult.retry_later(type(error).__name__)


def _count(report: DueReport, result: SendResult) -> None:
    if result.status == SendStatus.SENT:
        report.sent += 1
    elif result.status == SendStatus.UNREACHABLE:
        report.failed += 1
    else:
        report.deferred += 1
