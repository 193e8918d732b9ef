"""Claiming prompts: what fell due is inserted as rows, in the transaction that decides it.

The store is the truth. A delivery row is inserted (claimed) in the same transaction
that decides it is due; the unique key (schedule, member, local date) means a second
process or a restart can never claim it again. In channel mode a community gets one
`channel_post` row per occurrence instead. Sending them is `bot.core.sending`'s job:
`prompt_job` puts this claimer in front of the delivery, channel post and reminder queues.
See docs/ARCHITECTURE.md for the states.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import weekly_filters
from bot.core.checkins.messages import CheckinMessageQueue
from bot.core.checkins.rounds import RoundClaimer
from bot.core.context import CoreConfig
from bot.core.goal_outcomes import GOAL_ASKED
from bot.core.jobs import DueReport as DueReport  # named here by adapters and the bench
from bot.core.ports import GroupMessenger
from bot.core.prompt_picker import RotationPicker, goal_of, revisit_question
from bot.core.schedule import FireTime
from bot.core.scheduling.discussions import DiscussionClaimer
from bot.core.scheduling.recaps import RecapClaimer
from bot.core.scheduling.rules import fires_between
from bot.core.scheduling.stored import anchor_of, recurrence_of
from bot.core.sending.claimers import ClaimersInOrder
from bot.core.sending.discussion_queue import DiscussionQueue
from bot.core.sending.job import QueueJob
from bot.core.sending.pipeline import SendPipeline
from bot.core.sending.post_queue import PostQueue
from bot.core.sending.prompt_queue import PromptQueue
from bot.core.sending.queue import SendQueue
from bot.core.sending.recap_queue import RecapQueue
from bot.core.sending.reminder_queue import ReminderQueue
from bot.core.weekly_filters import Candidate
from bot.prompts.library import LibraryPrompt, default_library
from bot.store import channel_posts as post_store
from bot.store import communities as community_store
from bot.store import deliveries as delivery_store
from bot.store import holidays as holiday_store
from bot.store import reflections as reflection_store
from bot.store import schedules as schedule_store
from bot.store.models import (
    ONE_OFF_KINDS,
    Community,
    DeliveryStatus,
    Member,
    Schedule,
    ScheduleKind,
)

CHANNEL_MODE = "channel"
NOT_PROMPTS = frozenset({ScheduleKind.DISCUSSION, ScheduleKind.CHECKINS})
LOOKBACK = timedelta(days=8)  # how far back a claim looks for prompts missed while down
AHEAD = timedelta(weeks=60)  # how far ahead the next fire is looked for (skips, every N weeks)
HOLIDAY_SEARCH_DAYS = 60  # a revisit due in a holiday looks this far for its end


def prompt_job(pipeline: SendPipeline, config: CoreConfig) -> QueueJob:
    """Prompts: claim what fell due, then send deliveries, channel posts and reminders."""
    picker = RotationPicker(default_library(), config.default_timezone)
    platform, policy, library = pipeline.messenger.platform, pipeline.policy, picker.library
    queues: list[SendQueue[Any]] = [
        PromptQueue(platform, policy, library),
        PostQueue(platform, policy),
        ReminderQueue(platform, policy, library),
        DiscussionQueue(platform, policy),
        RecapQueue(platform, policy, pipeline.db, pipeline.messenger, picker),
        CheckinMessageQueue(platform, policy, pipeline.db, library, config.default_timezone),
    ]
    claimers = (
        PromptClaimer(platform, config, picker),
        DiscussionClaimer(platform, config.grace, picker),
        RecapClaimer(platform, config.recap_after),
        RoundClaimer(
            platform,
            config.grace,
            library,
            config.default_timezone,
            group_dm=isinstance(pipeline.messenger, GroupMessenger),
            moderators=config.moderators,
        ),
    )
    return QueueJob("prompts", ClaimersInOrder(claimers), queues, pipeline)


class PromptClaimer:
    """Decides which prompts fell due and inserts their rows (a `Claimer`)."""

    def __init__(self, platform: str, config: CoreConfig, picker: RotationPicker) -> None:
        self._platform = platform
        self._grace = config.grace
        self._default_timezone = config.default_timezone
        self._picker = picker

    def zone_of(self, member: Member) -> ZoneInfo:
        return ZoneInfo(member.timezone or self._default_timezone)

    def _zone_names(self, schedule: Schedule, member_zones: list[str | None]) -> set[str]:
        """The zones a rule fires in: its own single zone, or each member's."""
        if schedule.zone:
            return {schedule.zone}
        return {zone or self._default_timezone for zone in member_zones}

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        """The earliest future fire: weekly ones per zone in use, and one-offs."""
        times: list[datetime] = []
        for schedule, community in await community_store.active_schedules(session, self._platform):
            if schedule.kind in NOT_PROMPTS:
                continue  # discussions and check-in rounds have claimers of their own
            if schedule.kind in ONE_OFF_KINDS:
                if schedule.fire_at is not None:
                    times.append(max(schedule.fire_at, now))
                continue
            if community.delivery_mode == CHANNEL_MODE and community.channel_id:
                zone_names = {schedule.zone or self._default_timezone}
            else:
                zones = await community_store.member_zones(session, community.id)
                zone_names = self._zone_names(schedule, zones)
            skipped = await schedule_store.skipped_dates(session, schedule.id)
            for zone_name in zone_names:
                upcoming = self._weekly_fires(
                    schedule, ZoneInfo(zone_name), now, now + AHEAD, skipped
                )
                times.extend(fire.at for fire in upcoming[:1])
        return min(times, default=None)

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        """Insert a delivery row for everything due now, in one transaction: the claim."""
        report = DueReport()
        await holiday_store.end_timed_pauses(session, now)  # `/pln pause 2w` ends by itself
        for schedule, community in await community_store.active_schedules(session, self._platform):
            if schedule.kind in NOT_PROMPTS:
                continue  # discussions and check-in rounds have claimers of their own
            if schedule.kind in ONE_OFF_KINDS and (not schedule.fire_at or schedule.fire_at > now):
                continue  # not due yet: no need to look at anyone
            if schedule.kind == ScheduleKind.REVISIT:
                if await self._revisit_after_holiday(session, schedule, community):
                    continue  # moved to the day after the holiday
                await self._claim_revisit(session, schedule, community, now, report)
                schedule.active = False
                continue
            if community.delivery_mode == CHANNEL_MODE and community.channel_id:
                await post_store.insert_posts(
                    session, await self._post_rows(session, schedule, community, now)
                )
            else:
                candidates = await self._due_candidates(session, schedule, community, now)
                if schedule.kind == ScheduleKind.WEEKLY_PROMPT:
                    candidates = await weekly_filters.wanted(session, community, candidates, now)
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
    ) -> list[Candidate]:
        members = [
            member
            for member in await community_store.active_members(session, community.id)
            if member.unreachable_at is None and member.paused_at is None
        ]
        by_zone: dict[str, list[Member]] = defaultdict(list)
        for member in members:
            by_zone[schedule.zone or member.timezone or self._default_timezone].append(member)
        skipped = await schedule_store.skipped_dates(session, schedule.id)
        candidates: list[Candidate] = []
        for zone_name, group in by_zone.items():
            zone = ZoneInfo(zone_name)
            for fire in self._fires(schedule, zone, now, skipped):
                earliest = _earliest(schedule, now)
                candidates.extend(
                    Candidate(member, fire)
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
        self, session: AsyncSession, schedule: Schedule, community: Community, now: datetime
    ) -> list[dict[str, Any]]:
        """Channel mode: one post per occurrence, at the community's time in its default zone.

        Only the latest occurrence within the grace period is posted; older ones are missed,
        as for deliveries. Rows already claimed are skipped by the unique key on insert.
        """
        zone = ZoneInfo(schedule.zone or self._default_timezone)
        earliest = _earliest(schedule, now)
        skipped = await schedule_store.skipped_dates(session, schedule.id)
        fires = [fire for fire in self._fires(schedule, zone, now, skipped) if fire.at >= earliest]
        if schedule.kind == ScheduleKind.WEEKLY_PROMPT:  # no post on a holiday
            off = await holiday_store.holiday_dates(
                session, community.id, {fire.local_date for fire in fires}
            )
            fires = [fire for fire in fires if fire.local_date not in off]
        if not fires:
            return []
        latest = max(fire.at for fire in fires)
        rows = []
        for fire in fires:
            claimed = fire.at == latest and now - fire.at <= self._grace
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

    async def _revisit_after_holiday(
        self, session: AsyncSession, schedule: Schedule, community: Community
    ) -> bool:
        """Nothing fires on a holiday: a revisit due on one moves to the same time on the
        first day after it (in the member's zone). True when it moved."""
        member = await session.get(Member, schedule.member_id) if schedule.member_id else None
        if member is None or schedule.fire_at is None:
            return False
        zone = self.zone_of(member)
        local = schedule.fire_at.astimezone(zone)
        days = {local.date() + timedelta(days=n) for n in range(HOLIDAY_SEARCH_DAYS)}
        off = await holiday_store.holiday_dates(session, community.id, days)
        if local.date() not in off:
            return False
        later = next((d for d in sorted(days) if d > local.date() and d not in off), None)
        if later is None:
            return False  # a holiday longer than the search: send it rather than lose it
        moved = datetime.combine(later, local.time(), zone)
        schedule.fire_at = moved.astimezone(schedule.fire_at.tzinfo)
        return True

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
            schedule, [Candidate(member, fire)], now, report, {}, prompt=(prompt_id, text)
        )
        source = await reflection_store.answer_for_delivery(session, schedule.source_delivery_id)
        if row and source is not None and goal_of(source.text) is not None:
            row[0]["goal_outcome"] = GOAL_ASKED  # it quotes a goal: ask what became of it
        await delivery_store.insert_deliveries(session, row)

    def _fires(
        self, schedule: Schedule, zone: ZoneInfo, now: datetime, skipped: set[date]
    ) -> list[FireTime]:
        if schedule.kind in ONE_OFF_KINDS:
            if schedule.fire_at is None or schedule.fire_at > now:
                return []
            return [FireTime(schedule.fire_at, schedule.fire_at.astimezone(zone).date())]
        return self._weekly_fires(schedule, zone, now - LOOKBACK, now, skipped)

    @staticmethod
    def _weekly_fires(
        schedule: Schedule,
        zone: ZoneInfo,
        after: datetime,
        until: datetime,
        skipped: set[date],
    ) -> list[FireTime]:
        """The weekly rule's fires in (after, until], every N weeks from its first date,
        without the dates a moderator skipped."""
        fires = fires_between(recurrence_of(schedule), zone, anchor_of(schedule), after, until)
        return [FireTime(at, day) for at, day in fires if day not in skipped]

    def _delivery_rows(
        self,
        schedule: Schedule,
        candidates: list[Candidate],
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
            in_grace = now - fire.at <= self._grace
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


def _earliest(schedule: Schedule, now: datetime) -> datetime:
    """Fires before a rule existed, before it was resumed, or before the lookback are not owed."""
    return max(schedule.created_at, schedule.resumed_at or schedule.created_at, now - LOOKBACK)


def _receiving_since(member: Member) -> datetime:
    """Prompts that fell due before a member joined, or while they were paused, are not theirs."""
    if member.resumed_at is not None and member.resumed_at > member.joined_at:
        return member.resumed_at
    return member.joined_at
