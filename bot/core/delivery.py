"""Exactly-once delivery of prompts: claim by inserting rows, then send, then record.

The store is the truth. A delivery row is inserted (claimed) in the same transaction
that decides it is due; the unique key (schedule, member, local date) means a second
process or a restart can never claim it again. See docs/ARCHITECTURE.md for the states.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.ports import ChannelMessenger, Messenger, Recipient, SendResult, SendStatus
from bot.core.prompt_choice import RotationPicker, revisit_question
from bot.core.prompting import channel_post_message, prompt_message
from bot.core.schedule import FireTime, WeeklyRule, fire_times_between, next_fire_after
from bot.prompts.library import LibraryPrompt, default_library
from bot.store import channel_posts as post_store
from bot.store import communities as community_store
from bot.store import deliveries as delivery_store
from bot.store.database import Database
from bot.store.models import (
    ONE_OFF_KINDS,
    ChannelPost,
    Community,
    DeliveryStatus,
    Member,
    Schedule,
    ScheduleKind,
)

log = logging.getLogger(__name__)

CHANNEL_MODE = "channel"


@dataclass(frozen=True)
class DeliveryPolicy:
    grace: timedelta = timedelta(hours=12)
    default_timezone: str = "UTC"
    lookback: timedelta = timedelta(days=8)  # how far back start-up looks for missed prompts
    batch_size: int = 200
    max_attempts: int = 5
    retry_delay: timedelta = timedelta(minutes=1)
    progress_every: int = 1000


@dataclass
class DueReport:
    """What one pass of due work did, for logs and replies."""

    claimed: int = 0
    caught_up: int = 0
    missed: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0


@dataclass(frozen=True)
class _Candidate:
    member: Member
    fire: FireTime


def weekly_rule(schedule: Schedule) -> WeeklyRule:
    assert schedule.weekday is not None and schedule.local_time is not None
    return WeeklyRule(schedule.weekday, time.fromisoformat(schedule.local_time))


class DeliveryService:
    """Claims what is due, sends it through the adapter's Messenger, and records the outcome."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        messenger: Messenger,
        policy: DeliveryPolicy,
        picker: RotationPicker | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._messenger = messenger
        self._policy = policy
        self._picker = picker or RotationPicker(default_library())

    @property
    def platform(self) -> str:
        return self._messenger.platform

    @property
    def messenger(self) -> Messenger:
        return self._messenger

    def zone_of(self, member: Member) -> ZoneInfo:
        return ZoneInfo(member.timezone or self._policy.default_timezone)

    async def recover(self) -> int:
        """Start-up: sends interrupted by a crash become 'uncertain' and are never resent."""
        count = await self._db.run(
            lambda s: delivery_store.mark_interrupted_sends_uncertain(s, self.platform)
        )
        count += await self._db.run(
            lambda s: post_store.mark_interrupted_uncertain(s, self.platform)
        )
        if count:
            log.warning(
                "sends interrupted by a restart marked uncertain (not resent)",
                extra={"fields": {"count": count}},
            )
        return count

    async def run_due_work(self) -> DueReport:
        """Claim everything due now, then send every claimed delivery."""
        report = await self.claim_due()
        await self.send_claimed(report)
        await self.send_channel_posts(report)
        await self.send_due_reminders(report)
        if report.caught_up or report.missed:
            log.info(
                "catch-up after downtime",
                extra={
                    "fields": {
                        "caught_up": report.caught_up,
                        "missed": report.missed,
                        "grace": str(self._policy.grace),
                    }
                },
            )
        return report

    async def next_due_time(self) -> datetime | None:
        """When the process should next wake up: the earliest future fire or retry."""
        now = self._clock.now()

        async def find(session: AsyncSession) -> datetime | None:
            times: list[datetime] = []
            for schedule, community in await community_store.active_schedules(
                session, self.platform
            ):
                if schedule.kind in ONE_OFF_KINDS:
                    if schedule.fire_at is not None:
                        times.append(max(schedule.fire_at, now))
                    continue
                rule = weekly_rule(schedule)
                if community.delivery_mode == CHANNEL_MODE and community.channel_id:
                    zone = ZoneInfo(self._policy.default_timezone)
                    times.append(next_fire_after(rule, zone, now).at)
                    continue
                for zone_name in await community_store.member_zones(session, community.id):
                    zone = ZoneInfo(zone_name or self._policy.default_timezone)
                    times.append(next_fire_after(rule, zone, now).at)
            retry = await delivery_store.earliest_retry(session, self.platform, now)
            if retry is not None:
                times.append(retry)
            post_retry = await post_store.earliest_retry(session, self.platform, now)
            if post_retry is not None:
                times.append(post_retry)
            reminder = await delivery_store.earliest_reminder(session, self.platform)
            if reminder is not None:
                times.append(max(reminder, now))
            return min(times, default=None)

        return await self._db.run(find)

    # -- claiming -----------------------------------------------------------------------

    async def claim_due(self) -> DueReport:
        """Insert a delivery row for everything due now, in one transaction: the claim."""
        return await self._db.run(self._claim_due)

    async def _claim_due(self, session: AsyncSession) -> DueReport:
        now = self._clock.now()
        report = DueReport()
        for schedule, community in await community_store.active_schedules(session, self.platform):
            if schedule.kind in ONE_OFF_KINDS and (not schedule.fire_at or schedule.fire_at > now):
                continue  # not due yet: no need to look at anyone
            if schedule.kind == ScheduleKind.REVISIT:
                await self._claim_revisit(session, schedule, community, now, report)
                schedule.active = False
                continue
            if community.delivery_mode == CHANNEL_MODE and community.channel_id:
                await post_store.insert_posts(
                    session, await self._post_rows(session, schedule, community, now, report)
                )
            else:
                candidates = await self._due_candidates(session, schedule, community, now)
                if schedule.kind == ScheduleKind.WEEKLY_PROMPT:
                    candidates = await _one_weekly_prompt_per_person(session, candidates)
                picks = await self._picker.for_members(
                    session, community, [(c.member, c.fire.local_date) for c in candidates]
                )
                rows = self._delivery_rows(schedule, candidates, now, report, picks)
                await delivery_store.insert_deliveries(session, rows)
            if schedule.kind == ScheduleKind.PROMPT_NOW:
                schedule.active = False  # a one-off occurrence is fully claimed in this transaction
        return report

    async def _due_candidates(
        self, session: AsyncSession, schedule: Schedule, community: Community, now: datetime
    ) -> list[_Candidate]:
        members = [
            member
            for member in await community_store.active_members(session, community.id)
            if member.unreachable_at is None and member.paused_at is None
        ]
        by_zone: dict[str, list[Member]] = defaultdict(list)
        for member in members:
            by_zone[member.timezone or self._policy.default_timezone].append(member)
        candidates: list[_Candidate] = []
        for zone_name, group in by_zone.items():
            zone = ZoneInfo(zone_name)
            for fire in self._fires(schedule, zone, now):
                earliest = max(schedule.created_at, now - self._policy.lookback)
                candidates.extend(
                    _Candidate(member, fire)
                    for member in group
                    if fire.at >= _receiving_since(member) and fire.at >= earliest
                )
        done = await delivery_store.existing_delivery_keys(
            session, schedule.id, {candidate.fire.local_date for candidate in candidates}
        )
        return [c for c in candidates if (c.member.id, c.fire.local_date) not in done]

    def _fixed_prompt(self, schedule: Schedule) -> LibraryPrompt | None:
        """A one-off made with a given prompt sends that one; otherwise rotation chooses."""
        if schedule.prompt_id is None:
            return None
        return self._picker.library.by_id(schedule.prompt_id)

    async def _post_rows(
        self,
        session: AsyncSession,
        schedule: Schedule,
        community: Community,
        now: datetime,
        report: DueReport,
    ) -> list[dict[str, Any]]:
        """Channel mode: one post per occurrence, at the community's time in its default zone.

        Only the latest occurrence within the grace period is posted; older ones are missed,
        as for deliveries. Rows already claimed are skipped by the unique key on insert.
        """
        zone = ZoneInfo(self._policy.default_timezone)
        earliest = max(schedule.created_at, now - self._policy.lookback)
        fires = [fire for fire in self._fires(schedule, zone, now) if fire.at >= earliest]
        if not fires:
            return []
        latest = max(fire.at for fire in fires)
        rows = []
        for fire in fires:
            claimed = fire.at == latest and now - fire.at <= self._policy.grace
            prompt = self._fixed_prompt(schedule) or await self._picker.for_channel(
                session, community, fire.local_date
            )
            rows.append(
                {
                    "schedule_id": schedule.id,
                    "community_id": community.id,
                    "due_local_date": fire.local_date,
                    "due_at": fire.at,
                    "prompt_id": prompt.id,
                    "prompt_text": prompt.question,
                    "status": DeliveryStatus.CLAIMED if claimed else DeliveryStatus.MISSED,
                    "claimed_at": now,
                    "attempts": 0,
                }
            )
        return rows

    async def _claim_revisit(
        self,
        session: AsyncSession,
        schedule: Schedule,
        community: Community,
        now: datetime,
        report: DueReport,
    ) -> None:
        """A revisit: one delivery to one member, quoting back their answer as it is now.

        Nothing is sent when the answer was deleted meanwhile, or the member left or paused.
        """
        if schedule.member_id is None or schedule.source_delivery_id is None:
            return
        member = await session.get(Member, schedule.member_id)
        text = await revisit_question(session, schedule.source_delivery_id, self._picker.library)
        if member is None or text is None or not member.active or member.paused_at is not None:
            return
        assert schedule.fire_at is not None
        fire = FireTime(schedule.fire_at, schedule.fire_at.astimezone(self.zone_of(member)).date())
        prompt_id = await delivery_store.prompt_id_of(session, schedule.source_delivery_id) or ""
        row = self._delivery_rows(
            schedule, [_Candidate(member, fire)], now, report, {}, prompt=(prompt_id, text)
        )
        await delivery_store.insert_deliveries(session, row)

    def _fires(self, schedule: Schedule, zone: ZoneInfo, now: datetime) -> list[FireTime]:
        if schedule.kind in ONE_OFF_KINDS:
            if schedule.fire_at is None or schedule.fire_at > now:
                return []
            return [FireTime(schedule.fire_at, schedule.fire_at.astimezone(zone).date())]
        return fire_times_between(weekly_rule(schedule), zone, now - self._policy.lookback, now)

    def _delivery_rows(
        self,
        schedule: Schedule,
        candidates: list[_Candidate],
        now: datetime,
        report: DueReport,
        picks: dict[tuple[int, date], LibraryPrompt],
        prompt: tuple[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Delivery rows; `prompt` (id, text) overrides the picks (a revisit's own question)."""
        latest: dict[int, datetime] = {}
        for candidate in candidates:
            seen = latest.get(candidate.member.id)
            if seen is None or candidate.fire.at > seen:
                latest[candidate.member.id] = candidate.fire.at
        rows: list[dict[str, Any]] = []
        for candidate in candidates:
            fire = candidate.fire
            in_grace = now - fire.at <= self._policy.grace
            is_latest = latest[candidate.member.id] == fire.at
            status = DeliveryStatus.CLAIMED if in_grace and is_latest else DeliveryStatus.MISSED
            if status == DeliveryStatus.CLAIMED:
                report.claimed += 1
                if now - fire.at > timedelta(minutes=1):
                    report.caught_up += 1
            else:
                report.missed += 1
            if prompt is not None:
                prompt_id, prompt_text = prompt
            else:
                chosen = (
                    self._fixed_prompt(schedule) or picks[(candidate.member.id, fire.local_date)]
                )
                prompt_id, prompt_text = chosen.id, chosen.question
            rows.append(
                {
                    "schedule_id": schedule.id,
                    "member_id": candidate.member.id,
                    "due_local_date": fire.local_date,
                    "due_at": fire.at,
                    "prompt_id": prompt_id,
                    "prompt_text": prompt_text,
                    "status": status,
                    "claimed_at": now,
                    "attempts": 0,
                    "person_week": _person_week(schedule, candidate.member, fire, status),
                }
            )
        return rows

    # -- sending ------------------------------------------------------------------------

    async def send_claimed(self, report: DueReport | None = None) -> DueReport:
        """Send every claimed delivery that is ready, one compare-and-set at a time."""
        report = report or DueReport()
        await self._send_batches(report)
        return report

    async def _send_batches(self, report: DueReport) -> None:
        total = await self._db.run(lambda s: delivery_store.count_claimed(s, self.platform))
        handled = 0
        while True:
            now = self._clock.now()
            batch = await self._db.run(
                partial(
                    delivery_store.claimed_batch,
                    platform=self.platform,
                    now=now,
                    limit=self._policy.batch_size,
                )
            )
            if not batch:
                break
            progressed = False
            for delivery, member, community, kind in batch:
                took = await self._db.run(
                    partial(delivery_store.mark_sending, delivery_id=delivery.id)
                )
                if not took:
                    continue  # another worker is sending this one
                progressed = True
                if not member.active or member.paused_at is not None:
                    await self._db.run(
                        partial(
                            delivery_store.set_delivery_state,
                            delivery_id=delivery.id,
                            status=DeliveryStatus.FAILED,
                            last_error="member left or paused before it was sent",
                        )
                    )
                    continue
                recipient = _recipient(member, community)
                prompt = self._picker.library.by_id(delivery.prompt_id)
                message = prompt_message(
                    delivery.id,
                    delivery.prompt_text,
                    framework=f"{prompt.framework} · {prompt.element}" if prompt else None,
                    revisit=kind == ScheduleKind.REVISIT,
                )
                result = await self._send(recipient, message)
                await self._db.run(
                    partial(
                        self._record, delivery_id=delivery.id, member_id=member.id, result=result
                    )
                )
                self._count(report, result)
                handled += 1
                if handled % self._policy.progress_every == 0:
                    log.info(
                        "fan-out progress", extra={"fields": {"done": handled, "total": total}}
                    )
            if not progressed:
                break
        if handled:
            log.info(
                "fan-out finished",
                extra={
                    "fields": {
                        "sent": report.sent,
                        "failed": report.failed,
                        "deferred": report.deferred,
                    }
                },
            )

    # -- channel mode ---------------------------------------------------------------------

    async def send_channel_posts(self, report: DueReport | None = None) -> DueReport:
        """Post each claimed channel post once, with the same claim, send, record steps."""
        report = report or DueReport()
        now = self._clock.now()
        posts = await self._db.run(
            partial(post_store.claimed_posts, platform=self.platform, now=now)
        )
        for post, community in posts:
            if not await self._db.run(partial(post_store.mark_sending, post_id=post.id)):
                continue
            result = await self._post(community, post)
            self._count(report, result)
            await self._db.run(partial(self._record_post, post_id=post.id, result=result))
        return report

    async def _post(self, community: Community, post: ChannelPost) -> SendResult:
        if not isinstance(self._messenger, ChannelMessenger) or not community.channel_id:
            return SendResult.unreachable("this platform cannot post in a channel")
        message = channel_post_message(post.id, post.prompt_text)
        try:
            return await self._messenger.send_to_channel(
                community.external_id, community.channel_id, message
            )
        except Exception as error:  # the Messenger contract: raising means "not delivered"
            return SendResult.retry_later(type(error).__name__)

    async def _record_post(self, session: AsyncSession, post_id: int, result: SendResult) -> None:
        now = self._clock.now()
        if result.status == SendStatus.SENT:
            await post_store.set_state(
                session,
                post_id,
                status=DeliveryStatus.SENT,
                sent_at=now,
                platform_message_ref=result.platform_message_ref,
                retry_at=None,
            )
        elif result.status == SendStatus.UNREACHABLE:
            log.warning("channel post failed", extra={"fields": {"reason": result.reason}})
            await post_store.set_state(
                session, post_id, status=DeliveryStatus.FAILED, last_error=_short(result.reason)
            )
        else:
            delay = result.retry_after or self._policy.retry_delay
            await post_store.set_state(
                session,
                post_id,
                status=DeliveryStatus.CLAIMED,
                retry_at=now + delay,
                last_error=_short(result.reason),
            )

    # -- reminders after a snooze -------------------------------------------------------

    async def send_due_reminders(self, report: DueReport | None = None) -> DueReport:
        """Send the reminders of snoozed prompts that have fallen due.

        Each reminder is taken by a compare-and-set before the call, so it is sent at most
        once; a refused send puts the reminder back for later.
        """
        report = report or DueReport()
        now = self._clock.now()
        ids = await self._db.run(
            partial(
                delivery_store.due_reminder_ids,
                platform=self.platform,
                now=now,
                limit=self._policy.batch_size,
            )
        )
        for delivery_id in ids:
            taken = await self._db.run(
                partial(delivery_store.take_reminder, delivery_id=delivery_id, now=now)
            )
            if taken is None:
                continue
            delivery, member, community = taken
            if not member.active or member.paused_at is not None:
                continue
            prompt = self._picker.library.by_id(delivery.prompt_id)
            message = prompt_message(
                delivery.id,
                delivery.prompt_text,
                framework=f"{prompt.framework} · {prompt.element}" if prompt else None,
                reminder=True,
            )
            result = await self._send(_recipient(member, community), message)
            self._count(report, result)
            if result.status == SendStatus.SENT and result.platform_message_ref:
                await self._db.run(
                    partial(
                        delivery_store.set_delivery_state,
                        delivery_id=delivery.id,
                        reminder_message_ref=result.platform_message_ref,
                    )
                )
            elif result.status == SendStatus.UNREACHABLE:
                await self._db.run(
                    partial(self._mark_unreachable, member_id=member.id, reason=result.reason)
                )
            elif result.status == SendStatus.RETRY_LATER:
                later = now + (result.retry_after or self._policy.retry_delay)
                await self._db.run(
                    partial(
                        delivery_store.set_delivery_state, delivery_id=delivery.id, remind_at=later
                    )
                )
        return report

    async def _mark_unreachable(
        self, session: AsyncSession, member_id: int, reason: str | None
    ) -> None:
        member = await session.get(Member, member_id)
        if member is not None:
            member.unreachable_at = self._clock.now()
            member.unreachable_reason = _short(reason)

    async def _send(self, recipient: Recipient, message: Any) -> SendResult:
        try:
            return await self._messenger.send_direct(recipient, message)
        except Exception as error:  # the Messenger contract: raising means "not delivered"
            log.warning(
                "send failed; will retry",
                extra={"fields": {"member_id": recipient.member_id, "error": type(error).__name__}},
            )
            return SendResult.retry_later(type(error).__name__)

    async def _record(
        self, session: AsyncSession, delivery_id: int, member_id: int, result: SendResult
    ) -> None:
        now = self._clock.now()
        if result.status == SendStatus.SENT:
            await delivery_store.set_delivery_state(
                session,
                delivery_id,
                status=DeliveryStatus.SENT,
                sent_at=now,
                platform_message_ref=result.platform_message_ref,
                retry_at=None,
                last_error=None,
            )
        elif result.status == SendStatus.UNREACHABLE:
            await delivery_store.set_delivery_state(
                session, delivery_id, status=DeliveryStatus.FAILED, last_error=_short(result.reason)
            )
            await self._mark_unreachable(session, member_id, result.reason)
        else:
            attempts = await delivery_store.attempts_of(session, delivery_id)
            if attempts >= self._policy.max_attempts:
                await delivery_store.set_delivery_state(
                    session,
                    delivery_id,
                    status=DeliveryStatus.FAILED,
                    last_error=_short(result.reason),
                )
                return
            delay = result.retry_after or self._policy.retry_delay * attempts
            await delivery_store.set_delivery_state(
                session,
                delivery_id,
                status=DeliveryStatus.CLAIMED,
                retry_at=now + delay,
                last_error=_short(result.reason),
            )

    @staticmethod
    def _count(report: DueReport, result: SendResult) -> None:
        if result.status == SendStatus.SENT:
            report.sent += 1
        elif result.status == SendStatus.UNREACHABLE:
            report.failed += 1
        else:
            report.deferred += 1


async def _one_weekly_prompt_per_person(
    session: AsyncSession, candidates: list[_Candidate]
) -> list[_Candidate]:
    """A linked person gets one weekly prompt a week: the first platform to claim it wins."""
    wanted = [
        (c.member.person_id, c.fire.local_date)
        for c in candidates
        if c.member.person_id is not None
    ]
    if not wanted:
        return candidates
    taken = await delivery_store.person_weeks_taken(session, wanted)
    return [
        c
        for c in candidates
        if c.member.person_id is None
        or delivery_store.person_week(c.member.person_id, c.fire.local_date) not in taken
    ]


def _person_week(
    schedule: Schedule, member: Member, fire: FireTime, status: DeliveryStatus
) -> str | None:
    """The unique key that stops two processes claiming one person's week twice."""
    if (
        schedule.kind != ScheduleKind.WEEKLY_PROMPT
        or member.person_id is None
        or status != DeliveryStatus.CLAIMED
    ):
        return None
    return delivery_store.person_week(member.person_id, fire.local_date)


def _receiving_since(member: Member) -> datetime:
    """Prompts that fell due before a member joined, or while they were paused, are not theirs."""
    if member.resumed_at is not None and member.resumed_at > member.joined_at:
        return member.resumed_at
    return member.joined_at


def _recipient(member: Member, community: Community) -> Recipient:
    return Recipient(
        member_id=member.id,
        platform=member.platform,
        community_external_id=community.external_id,
        platform_user_id=member.platform_user_id,
        display_name=member.display_name,
    )


def _short(reason: str | None) -> str | None:
    return reason[:200] if reason else None
