"""Claiming discussions: each fire time of a discussion schedule becomes one post row.

Like the weekly prompt, the row is inserted in the transaction that decides it is due; its
unique key (schedule, local date) means a restart or a second process never claims it
again. Only the latest fire within the grace period is posted; older ones are recorded as
missed. `bot.core.sending.discussion_queue` sends the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jobs import DueReport
from bot.core.prompt_picker import RotationPicker
from bot.core.scheduling.rules import fires_between
from bot.core.scheduling.stored import anchor_of, recurrence_of
from bot.prompts.library import LibraryPrompt
from bot.store import communities as community_store
from bot.store import discussion_posts as post_store
from bot.store import holidays as holiday_store
from bot.store import schedules as schedule_store
from bot.store.models import Community, DeliveryStatus, Schedule, ScheduleKind
from bot.store.schedule_models import Discussion

LOOKBACK = timedelta(days=8)
AHEAD = timedelta(weeks=60)


class DiscussionClaimer:
    """Decides which discussions fell due and inserts their post rows (a `Claimer`)."""

    def __init__(self, platform: str, grace: timedelta, picker: RotationPicker) -> None:
        self._platform = platform
        self._grace = grace
        self._picker = picker

    async def _discussions(self, session: AsyncSession) -> list[tuple[Schedule, Community]]:
        return [
            (schedule, community)
            for schedule, community in await community_store.active_schedules(
                session, self._platform
            )
            if schedule.kind == ScheduleKind.DISCUSSION
        ]

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        times = []
        for schedule, _ in await self._discussions(session):
            fires = await self._fires(session, schedule, now, now + AHEAD)
            times += [at for at, _ in fires[:1]]
        return min(times, default=None)

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        report = DueReport()
        for schedule, community in await self._discussions(session):
            earliest = max(schedule.created_at, schedule.resumed_at or schedule.created_at)
            fires = await self._fires(session, schedule, max(earliest, now - LOOKBACK), now)
            done = await post_store.claimed_dates(session, schedule.id, {d for _, d in fires})
            fires = [(at, day) for at, day in fires if day not in done]
            if not fires:
                continue
            discussion = await schedule_store.discussion_of(session, schedule.id)
            if discussion is None:
                continue
            latest = max(at for at, _ in fires)
            rows: list[dict[str, Any]] = []
            for at, day in fires:
                claimed = at == latest and now - at <= self._grace
                if claimed:
                    report.claimed += 1
                else:
                    report.missed += 1
                question, prompt = await self._question(
                    session, schedule, community, discussion, day
                )
                rows.append(
                    {
                        "schedule_id": schedule.id,
                        "community_id": community.id,
                        "due_local_date": day,
                        "due_at": at,
                        "prompt_id": prompt.id if prompt else None,
                        "question": question,
                        "element": f"{prompt.framework}: {prompt.element}" if prompt else None,
                        "status": DeliveryStatus.CLAIMED if claimed else DeliveryStatus.MISSED,
                        "claimed_at": now,
                        "attempts": 0,
                    }
                )
            # a one-off stays active after its claim, so a cancel before the send still counts
            await post_store.insert_posts(session, rows)
        return report

    async def _fires(
        self, session: AsyncSession, schedule: Schedule, after: datetime, until: datetime
    ) -> list[tuple[datetime, Any]]:
        rule = recurrence_of(schedule)
        assert rule.zone is not None  # a discussion always has its zone
        skipped = await schedule_store.skipped_dates(session, schedule.id)
        fires = fires_between(rule, ZoneInfo(rule.zone), anchor_of(schedule), after, until)
        days = {day for _, day in fires}
        off = await holiday_store.holiday_dates(session, schedule.community_id, days)
        return [(at, day) for at, day in fires if day not in skipped and day not in off]

    async def _question(
        self,
        session: AsyncSession,
        schedule: Schedule,
        community: Community,
        discussion: Discussion,
        day: Any,
    ) -> tuple[str, LibraryPrompt | None]:
        """The moderator's text, the chosen prompt, or the rotation's next for the channel."""
        if discussion.question:
            return discussion.question, None
        prompt = None
        if schedule.prompt_id is not None:
            prompt = self._picker.library.by_id(schedule.prompt_id)
        if prompt is None:
            prompt = await self._picker.for_channel(session, community, day)
        return prompt.question, prompt
