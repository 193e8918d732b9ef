"""Check-in rounds: at each fire time of a check-in schedule, groups are formed and their
introductions claimed, in the one claiming transaction; later, "Did you meet?" and one
reminder after "Not yet".

Like a discussion post, a round is a row unique per (schedule, local date): a restart or a
second process never forms it again, and its groups, seats and messages are inserted in
the same transaction as the round, so a round is formed whole or not at all. The messages
go out through the send pipeline (`bot.core.checkins.messages`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins.model import PastMeeting, Person, Role, RoundInput, RoundResult
from bot.core.checkins.pairing import form_groups
from bot.core.checkins.starters import starter_for
from bot.core.checkins.window import window_line
from bot.core.jobs import DueReport
from bot.core.scheduling.rules import fires_between
from bot.core.scheduling.stored import anchor_of, recurrence_of
from bot.prompts.library import Library
from bot.store import checkins as store
from bot.store import communities as community_store
from bot.store import holidays as holiday_store
from bot.store import schedules as schedule_store
from bot.store.checkin_models import CheckinGroup, CheckinRound, CheckinSeat
from bot.store.models import Community, Schedule, ScheduleKind

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=8)
AHEAD = timedelta(weeks=60)
HISTORY = timedelta(weeks=52)  # meetings older than this no longer matter for matching
# a group of one: the member who sat out (odd number) or could not be placed this round;
# told kindly, first in line next time, never asked "Did you meet?"
SAT_OUT = "sat out"


@dataclass(frozen=True)
class CheckinTimes:
    """How long after a round its follow-ups come (settings)."""

    followup_after: timedelta = timedelta(days=5)
    reminder_after: timedelta = timedelta(days=3)
    repeat_window_weeks: int = 12


def seed_of(schedule_id: int, day: date) -> int:
    """The round's seed: stable, so the same round is formed the same way if re-run."""
    digest = hashlib.sha256(f"checkins:{schedule_id}:{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF  # fits a signed 32-bit column


class RoundClaimer:
    """Forms the rounds that fell due and claims their messages (a `Claimer`)."""

    def __init__(
        self,
        platform: str,
        grace: timedelta,
        library: Library,
        default_timezone: str,
        *,
        group_dm: bool,
        moderators: frozenset[str] = frozenset(),
        times: CheckinTimes | None = None,
    ) -> None:
        self._moderators = moderators  # PLN_MODERATORS: `platform:community/user` entries
        self._platform = platform
        self._grace = grace
        self._library = library
        self._default_timezone = default_timezone
        self._group_dm = group_dm  # Slack: one group DM per group instead of one DM each
        self._times = times or CheckinTimes()

    async def _schedules(self, session: AsyncSession) -> list[tuple[Schedule, Community]]:
        return [
            (schedule, community)
            for schedule, community in await community_store.active_schedules(
                session, self._platform
            )
            if schedule.kind == ScheduleKind.CHECKINS
        ]

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        times: list[datetime] = []
        for schedule, _ in await self._schedules(session):
            times += [at for at, _ in (await self._fires(session, schedule, now, now + AHEAD))[:1]]
        unasked = await store.earliest_unasked_round(session, self._platform)
        if unasked is not None:
            times.append(unasked + self._times.followup_after)
        not_yet = await store.earliest_not_yet(session, self._platform)
        if not_yet is not None:
            times.append(not_yet + self._times.reminder_after)
        return min(times, default=None)

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        for schedule, community in await self._schedules(session):
            earliest = max(schedule.created_at, schedule.resumed_at or schedule.created_at)
            fires = await self._fires(session, schedule, max(earliest, now - LOOKBACK), now)
            done = await store.round_dates(session, schedule.id, {day for _, day in fires})
            fires = [(at, day) for at, day in fires if day not in done]
            if not fires:
                continue
            latest = max(at for at, _ in fires)
            for at, day in fires:
                if at == latest and now - at <= self._grace:
                    await self._form(session, schedule, community, at, day, now)
                else:
                    await store.insert_round(session, _round_row(schedule, at, day, now, "missed"))
        await self._claim_followups(session, now)
        await self._claim_reminders(session, now)
        return DueReport()  # its counts are the prompts' ("sent to N members")

    async def _fires(
        self, session: AsyncSession, schedule: Schedule, after: datetime, until: datetime
    ) -> list[tuple[datetime, date]]:
        rule = recurrence_of(schedule)
        zone = ZoneInfo(rule.zone or self._default_timezone)
        skipped = await schedule_store.skipped_dates(session, schedule.id)
        fires = fires_between(rule, zone, anchor_of(schedule), after, until)
        off = await holiday_store.holiday_dates(
            session, schedule.community_id, {day for _, day in fires}
        )
        return [(at, day) for at, day in fires if day not in skipped and day not in off]

    async def _form(
        self,
        session: AsyncSession,
        schedule: Schedule,
        community: Community,
        at: datetime,
        day: date,
        now: datetime,
    ) -> None:
        values = _round_row(schedule, at, day, now, "formed")
        round_id = await store.insert_round(session, values)
        if round_id is None:
            return  # another process formed it
        people, counts = await self._people(session, community.id, now)
        meetings = await store.meetings_since(session, community.id, day - HISTORY)
        history = tuple(
            PastMeeting(a, b, date.fromordinal(ordinal))
            for ordinal, ids in meetings
            for i, a in enumerate(sorted(ids))
            for b in sorted(ids)[i + 1 :]
        )
        result = form_groups(
            RoundInput(
                people=tuple(people),
                history=history,
                today=day,
                seed=values["seed"],
                repeat_window_weeks=self._times.repeat_window_weeks,
                odd="sit_out" if schedule.checkin_odd == "sit-out" else "triad",
            )
        )
        first_group = await self._write_groups(session, community, round_id, result, at, day)
        found = await session.get(CheckinRound, round_id)
        assert found is not None
        found.formed_at = now
        found.opted_in = counts["opted_in"]
        found.placed = sum(len(group.member_ids) for group in result.groups)
        found.groups = len(result.groups)
        found.left_out_paused = counts["paused"]
        found.left_out_holiday = counts["away"]
        found.left_out_unreachable = counts["unreachable"]
        found.sat_out = len(_left_over(result))
        found.repeats_avoided = result.repeats_avoided
        found.same_school_avoided = result.same_school_avoided
        await self._mark_sat_out(session, community.id, result, now)
        if first_group is not None:
            await self._claim_summaries(session, schedule, community, first_group, at, now)
        log.info(
            "check-in round formed",
            extra={
                "fields": {
                    "round_id": round_id,
                    "seed": values["seed"],
                    "groups": len(result.groups),
                    "placed": found.placed,
                }
            },
        )

    async def _people(
        self, session: AsyncSession, community_id: int, now: datetime
    ) -> tuple[list[Person], dict[str, int]]:
        """Who can be matched now, and how many are left out and why (counts only)."""
        counts = {"opted_in": 0, "paused": 0, "away": 0, "unreachable": 0}
        people: list[Person] = []
        for found in await store.opted_in(session, community_id):
            counts["opted_in"] += 1
            member, optin, profile = found.member, found.optin, found.profile
            if optin.paused_until is not None and optin.paused_until > now:
                counts["paused"] += 1
                continue
            if member.paused_until is not None and member.paused_until > now:
                # away (`/pln pause 2w`, `until DATE`); an open-ended pause of prompts is
                # not one of check-ins, which have their own pause and leave
                counts["away"] += 1
                continue
            if member.unreachable_at is not None:
                counts["unreachable"] += 1
                continue
            role = profile.role if profile and profile.role in ("it", "teacher", "leader") else None
            people.append(
                Person(
                    member_id=member.id,
                    zone=member.timezone or self._default_timezone,
                    school_key=profile.school_key if profile else None,
                    role=cast(Role | None, role),
                    interests=frozenset((profile.interests or "").split())
                    if profile
                    else frozenset(),
                    first_in_line=optin.sat_out_at is not None,
                )
            )
        return people, counts

    async def _write_groups(
        self,
        session: AsyncSession,
        community: Community,
        round_id: int,
        result: RoundResult,
        at: datetime,
        day: date,
    ) -> CheckinGroup | None:
        first: CheckinGroup | None = None
        for index, formed in enumerate(result.groups):
            starter = starter_for(self._library, formed, seed_of(round_id, day) + index)
            group = CheckinGroup(
                round_id=round_id,
                community_id=community.id,
                reasons="\n".join(reasons_of(formed)),
                starter_prompt_id=starter.id if starter else None,
                starter=starter.question if starter else None,
            )
            session.add(group)
            await session.flush()
            first = first or group
            seats = [CheckinSeat(group_id=group.id, member_id=m) for m in formed.member_ids]
            session.add_all(seats)
            await session.flush()
            if self._group_dm:
                rows = [_message(group, community, None, "intro", at, at)]
            else:
                rows = [_message(group, community, seat.id, "intro", at, at) for seat in seats]
            await store.insert_messages(session, rows)
        for member_id in _left_over(result):
            group = CheckinGroup(round_id=round_id, community_id=community.id, reasons=SAT_OUT)
            session.add(group)
            await session.flush()
            seat = CheckinSeat(group_id=group.id, member_id=member_id)
            session.add(seat)
            await session.flush()
            await store.insert_messages(
                session, [_message(group, community, seat.id, "sitout", at, at)]
            )
        return first

    async def _mark_sat_out(
        self, session: AsyncSession, community_id: int, result: RoundResult, now: datetime
    ) -> None:
        """The one who sat out is first in line next time; everyone placed is not."""
        placed = {member_id for group in result.groups for member_id in group.member_ids}
        left_over = set(_left_over(result))
        for found in await store.opted_in(session, community_id):
            if found.member.id in left_over:
                found.optin.sat_out_at = now
            elif found.member.id in placed:
                found.optin.sat_out_at = None

    async def _claim_summaries(
        self,
        session: AsyncSession,
        schedule: Schedule,
        community: Community,
        group: CheckinGroup,
        at: datetime,
        now: datetime,
    ) -> None:
        """The round's summary to each moderator named in the bot (counts, no names)."""
        rows = [
            _message(group, community, None, "summary", at, at, seat_key=f"mod{member_id}")
            for member_id in await store.moderator_member_ids(
                session, community.id, schedule.created_by, self._moderators
            )
        ]
        await store.insert_messages(session, rows)

    async def _claim_followups(self, session: AsyncSession, now: datetime) -> None:
        rounds = await store.rounds_due_a_followup(
            session, self._platform, now - self._times.followup_after
        )
        for found in rounds:
            due = (found.formed_at or now) + self._times.followup_after
            rows = [
                _message(
                    group, None, seat.id, "followup", due, now, community_id=group.community_id
                )
                for group, seat in await store.seats_of_round(session, found.id)
            ]
            await store.insert_messages(session, rows)

    async def _claim_reminders(self, session: AsyncSession, now: datetime) -> None:
        seats = await store.seats_due_a_reminder(
            session, self._platform, now - self._times.reminder_after
        )
        for seat in seats:
            group = await session.get(CheckinGroup, seat.group_id)
            if group is None:
                continue
            due = (seat.met_at or now) + self._times.reminder_after
            row = _message(
                group, None, seat.id, "reminder", due, now, community_id=group.community_id
            )
            await store.insert_messages(session, [row])


def _left_over(result: RoundResult) -> list[int]:
    """Who was in the round but in no group: the one sitting out, and anyone unplaceable."""
    out = [] if result.sat_out is None else [result.sat_out]
    return out + [member_id for member_id in result.unplaced if member_id not in out]


def reasons_of(group: Any) -> list[str]:
    """Why a group was matched, in words any of its members may read (no private text)."""
    reasons: list[str] = []
    if group.shared_interests:
        named = ", ".join(sorted(group.shared_interests))
        reasons.append(f"shared interest: {named}")
    if group.complementary:
        reasons.append("complementary roles")
    if group.overlap_start is not None and group.overlap_end is not None:
        hours = (group.overlap_end - group.overlap_start).total_seconds() / 3600
        reasons.append(f"overlapping working hours: {hours:g} h")
        reasons.append(window_line(group.overlap_start, group.overlap_end))
    if group.repeat:
        reasons.append("you met before: nobody new was free this time")
    return reasons


def _round_row(
    schedule: Schedule, at: datetime, day: date, now: datetime, status: str
) -> dict[str, Any]:
    return {
        "schedule_id": schedule.id,
        "community_id": schedule.community_id,
        "due_local_date": day,
        "due_at": at,
        "status": status,
        "claimed_at": now,
        "seed": seed_of(schedule.id, day),
    }


def _message(
    group: CheckinGroup,
    community: Community | None,
    seat_id: int | None,
    kind: str,
    due: datetime,
    now: datetime,
    *,
    seat_key: str | None = None,
    community_id: int | None = None,
) -> dict[str, Any]:
    return store.claimed_row(
        now,
        group_id=group.id,
        community_id=community.id if community else community_id,
        seat_key=seat_key or (str(seat_id) if seat_id is not None else "group"),
        seat_id=seat_id,
        kind=kind,
        due_at=due,
    )
