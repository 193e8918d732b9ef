"""The one send loop: take a batch → for each row, build, wait for the platform's turn,
mark it sending, call the platform, record — many rows in flight at once.

Rows are leased to this worker in batches (one unit of work per batch); a bounded pool of
sends (`SendPolicy.in_flight`) works through them. A row becomes `sending` only right
before its platform call, after the platform's turn (`PacedMessenger.wait_turn`), in a
compare-and-set committed with the other rows whose turn came at the same moment; outcomes
are committed in small groups too (`group_commit`). A row left `sending` by a dead worker
(its lease expired) is checked with the platform where it can tell (`ChecksDelivery`), and
resent only if absent; where it cannot, it is resent and counted uncertain. One loop runs
per process at a time; `stop()` stops taking, lets sends at the platform finish and gives
the rest back. Nothing here logs a message's text: it holds members' words.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from dataclasses import replace
from functools import partial
from typing import Any

from bot.core.clock import Clock
from bot.core.fanout_progress import FanoutProgress
from bot.core.jobs import DueReport
from bot.core.messages import OutgoingMessage
from bot.core.metrics import NO_METRICS, Metrics
from bot.core.ports import (
    MARKER_KEY,
    ChannelMessenger,
    ChecksDelivery,
    GroupMessenger,
    Messenger,
    PacedMessenger,
    Recipient,
    SendResult,
    SendStatus,
)
from bot.core.sending.group_commit import GroupCommit
from bot.core.sending.queue import (
    GroupTarget,
    Outcome,
    SendPolicy,
    SendQueue,
    Taken,
    Target,
    remember_dm_channel,
)
from bot.store.database import Database
from bot.store.send_states import Lease

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 8.0  # SIGTERM: sends at the platform get this long to finish


def new_worker_id() -> str:
    """This process's name on the rows it leases: host, pid and a random part (a restarted
    process is a new worker; it takes its predecessor's rows once their lease expires)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


class SendPipeline:
    """Sends queues' ready rows through the adapter's Messenger, concurrently and paced."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        messenger: Messenger,
        policy: SendPolicy | None = None,
        metrics: Metrics = NO_METRICS,
        *,
        worker: str | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.messenger = messenger
        self.policy = policy or SendPolicy()
        self.metrics = metrics
        self.worker = worker or new_worker_id()
        self._one_loop = asyncio.Lock()  # created lazily by asyncio on first use
        self._stopping = False
        self._held: set[tuple[str, int]] = set()  # (queue, row) in this process's hands
        self._waiting: set[asyncio.Task[None]] = set()  # sends not yet at the platform
        self._sending: set[asyncio.Task[None]] = set()

    def lease(self) -> Lease:
        return Lease(self.worker, self.clock.now() + self.policy.lease)

    # -- the loop ---------------------------------------------------------------------------

    async def run(self, queue: SendQueue[Any], report: DueReport) -> None:
        """Send every row of `queue` that is ready, counting outcomes into `report`.

        A second caller (a moderator's `prompt now` during the wake-up's fan-out) waits for
        the running loop, then runs its own: so when it returns, its rows are settled."""
        async with self._one_loop:
            if self._stopping:
                return
            done = DueReport()
            fanout = _Fanout(self, queue, done)
            await fanout.run()
            if fanout.progress is not None:
                fanout.progress.finish()
            if fanout.handled:
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
        """Start-up: say how many sends a dead worker left mid-call (they are checked or
        resent by the loop once their lease has expired; nothing is marked here)."""
        count = await self.db.run(partial(queue.interrupted, now=self.clock.now()))
        if count:
            log.warning(
                "sends interrupted by a crash: checked with the platform, or resent and "
                "counted uncertain",
                extra={"fields": {"queue": queue.name, "count": count}},
            )
        return count

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Graceful stop: take nothing more, drop sends still waiting for their turn (their
        rows are given back), let sends at the platform finish within `grace` seconds."""
        self._stopping = True
        for task in list(self._waiting):
            task.cancel()
        if self._sending:
            await asyncio.wait(list(self._sending), timeout=grace)
        if self._one_loop.locked():  # the loop gives its rows back as it ends
            try:
                await asyncio.wait_for(self._one_loop.acquire(), timeout=1.0)
            except TimeoutError:
                return
            self._one_loop.release()

    @property
    def stopping(self) -> bool:
        return self._stopping

    # -- one send ---------------------------------------------------------------------------

    async def send_one(
        self,
        queue: SendQueue[Any],
        taken: Taken[Any],
        marks: GroupCommit[Taken[Any], bool],
        records: GroupCommit[tuple[int, Outcome], None],
        done: DueReport,
    ) -> None:
        """Build, check a resumed send, wait for the turn, mark sending, call, record."""
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        try:
            built = await self._build(queue, taken)
            if isinstance(built, SendResult):  # nothing to send (e.g. the member left)
                if built.status == SendStatus.RETRY_LATER and not await marks.submit(taken):
                    return  # a message that cannot be built counts an attempt, as a send
                await records.submit((taken.row_id, Outcome(built, self.clock.now())))
                return
            target, message = built
            message = replace(
                message, metadata={**message.metadata, MARKER_KEY: queue.marker(taken.row_id)}
            )
            uncertain = False
            if taken.resumed:
                arrived = await self._was_delivered(target, queue.marker(taken.row_id))
                if arrived:
                    log.info(
                        "an interrupted send had reached the platform; recorded as sent",
                        extra={"fields": {"queue": queue.name, "id": taken.row_id}},
                    )
                    outcome = Outcome(SendResult.sent(None), self.clock.now())
                    await records.submit((taken.row_id, outcome))
                    done.sent += 1
                    return
                uncertain = arrived is None
                if uncertain:
                    log.warning(
                        "an interrupted send cannot be checked on this platform; resent and "
                        "counted uncertain",
                        extra={"fields": {"queue": queue.name, "id": taken.row_id}},
                    )
            await self._wait_turn(target)
            if self._stopping or not await marks.submit(taken):
                return  # stopping: given back at the end; or another worker has it
            self._waiting.discard(task)
            self._sending.add(task)
            result = await self._send(queue, target, message)
            _count(done, result)
            member_id = target.member_id if isinstance(target, Recipient) else None
            outcome = Outcome(result, self.clock.now(), member_id, uncertain)
            await records.submit((taken.row_id, outcome))
        finally:
            self._waiting.discard(task)
            self._sending.discard(task)
            self._held.discard((queue.name, taken.row_id))

    async def _build(
        self, queue: SendQueue[Any], taken: Taken[Any]
    ) -> tuple[Target, OutgoingMessage] | SendResult:
        try:
            return await queue.build(taken.row)
        except Exception as error:  # e.g. a digest's content; retried like a refused send
            error_name = type(error).__name__
            log.warning(
                "message could not be built; will retry",
                extra={"fields": {"queue": queue.name, "id": taken.row_id, "error": error_name}},
            )
            return SendResult.retry_later(f"{queue.name} not built: {error_name}")

    async def _wait_turn(self, target: Target) -> None:
        if not isinstance(self.messenger, PacedMessenger):
            return
        if isinstance(target, Recipient):
            await self.messenger.wait_turn(
                target.community_external_id,
                target.dm_channel_id or target.platform_user_id,
                direct=True,
            )
        elif isinstance(target, GroupTarget):
            await self.messenger.wait_turn(
                target.community_external_id, ",".join(target.platform_user_ids), direct=True
            )
        else:
            await self.messenger.wait_turn(
                target.community_external_id, target.channel_id, direct=False
            )

    async def _was_delivered(self, target: Target, marker: str) -> bool | None:
        if not isinstance(target, Recipient) or not isinstance(self.messenger, ChecksDelivery):
            return None
        try:
            return await self.messenger.was_delivered(target, marker)
        except Exception as error:  # cannot tell: resend, counted uncertain
            log.warning(
                "could not check an interrupted send",
                extra={"fields": {"error": type(error).__name__}},
            )
            return None

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


class _Fanout:
    """One run of the loop over one queue: batches in, a bounded pool of sends, leases
    renewed while it lasts, unstarted rows given back at the end."""

    def __init__(self, pipeline: SendPipeline, queue: SendQueue[Any], done: DueReport) -> None:
        self.pipeline = pipeline
        self.queue = queue
        self.done = done
        self.handled = 0
        self.progress: FanoutProgress | None = None  # logs with an ETA, /metrics
        db, policy = pipeline.db, pipeline.policy
        self.marks: GroupCommit[Taken[Any], bool] = GroupCommit(
            db, self._start_sending, most=policy.record_batch
        )
        self.records: GroupCommit[tuple[int, Outcome], None] = GroupCommit(
            db, self._record, most=policy.record_batch
        )
        self.tasks: set[asyncio.Task[None]] = set()
        self.mine: set[int] = set()  # rows this run put in the pipeline's hands
        self.took = False  # whether any batch leased rows to this worker
        self.crash: BaseException | None = None

    async def _start_sending(self, session: Any, items: list[Taken[Any]]) -> list[bool]:
        lease, now = self.pipeline.lease(), self.pipeline.clock.now()
        many = getattr(self.queue, "start_sending_many", None)  # a claimed-row table's
        if many is not None:
            return list(await many(session, items, lease, now))
        return [await self.queue.start_sending(session, taken, lease, now) for taken in items]

    async def _record(self, session: Any, items: list[tuple[int, Outcome]]) -> list[None]:
        many = getattr(self.queue, "record_many", None)
        if many is not None:
            await many(session, items)
        else:
            for row_id, outcome in items:
                await self.queue.record(session, row_id, outcome)
        for _, outcome in items:
            opened = outcome.result.dm_channel_id
            if opened is not None and outcome.member_id is not None:
                await remember_dm_channel(session, outcome.member_id, opened)
        return [None] * len(items)

    async def run(self) -> None:
        pipeline, queue, policy = self.pipeline, self.queue, self.pipeline.policy
        slots = asyncio.Semaphore(policy.in_flight)
        renewing = asyncio.create_task(self._renew_while_running(), name="lease-renewal")
        try:
            while not pipeline.stopping and self.crash is None:
                batch = await pipeline.db.run(
                    partial(
                        queue.take_batch,
                        now=pipeline.clock.now(),
                        limit=policy.batch_size,
                        lease=pipeline.lease(),
                    )
                )
                self.took = self.took or bool(batch)
                # each row at most once a run: one left as it was (a reminder dropped for a
                # paused member) must not be taken again and again
                fresh = [
                    t
                    for t in batch
                    if (queue.name, t.row_id) not in pipeline._held and t.row_id not in self.mine
                ]
                if not fresh:
                    break
                await self._count_total(len(batch))
                for taken in fresh:
                    await slots.acquire()
                    if pipeline.stopping or self.crash is not None:
                        slots.release()
                        break
                    pipeline._held.add((queue.name, taken.row_id))
                    self.mine.add(taken.row_id)
                    task = asyncio.create_task(self._one(taken, slots), name="send")
                    self.tasks.add(task)
            if self.tasks:
                await asyncio.wait(list(self.tasks))
        finally:
            renewing.cancel()
            pipeline._held -= {(queue.name, row_id) for row_id in self.mine}
            if self.crash is None:
                for task in self.tasks:
                    task.cancel()
                await asyncio.gather(renewing, *self.tasks, return_exceptions=True)
                if self.took:  # a run that leased nothing holds nothing (most wake-ups)
                    await pipeline.db.run(partial(queue.release, worker=pipeline.worker))
        if self.crash is not None:
            raise self.crash

    async def _one(self, taken: Taken[Any], slots: asyncio.Semaphore) -> None:
        try:
            await self.pipeline.send_one(self.queue, taken, self.marks, self.records, self.done)
            self.handled += 1
            self._progress()
        except asyncio.CancelledError:
            pass  # a graceful stop: the row is given back (or, if at the platform, resolved)
        except Exception:
            log.exception("a send failed unexpectedly", extra={"fields": {"id": taken.row_id}})
        except BaseException as crash:  # the process is going down: stop everything here
            self.crash = crash
            self.marks.abandon()
            self.records.abandon()
            for task in self.tasks:
                if task is not asyncio.current_task():
                    task.cancel()
        finally:
            slots.release()
            current = asyncio.current_task()
            if current is not None:
                self.tasks.discard(current)

    async def _count_total(self, batch: int) -> None:
        if self.progress is None:
            pipeline = self.pipeline
            small = batch < pipeline.policy.batch_size
            total = batch if small else await pipeline.db.run(self.queue.backlog)
            self.progress = FanoutProgress(
                self.queue.name,
                total,
                metrics=pipeline.metrics,
                every_rows=pipeline.policy.progress_every,
            )

    def _progress(self) -> None:
        if self.progress is not None:
            self.progress.advance()  # a log line with an ETA every so often

    async def _renew_while_running(self) -> None:
        """Keep this worker's rows leased while it is alive (a third of the lease apart)."""
        pipeline = self.pipeline
        every = pipeline.policy.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            held = [row for name, row in pipeline._held if name == self.queue.name]
            await pipeline.db.run(partial(self.queue.renew, row_ids=held, lease=pipeline.lease()))


def _count(report: DueReport, result: SendResult) -> None:
    if result.status == SendStatus.SENT:
        report.sent += 1
    elif result.status == SendStatus.UNREACHABLE:
        report.failed += 1
    else:
        report.deferred += 1
