"""Queries for deliveries: claiming, what a send needs, reminders, a member's open prompt.

The send state machine's updates are bot/store/send_states.py's, shared with the other
queues.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import (
    Answer,
    Community,
    Delivery,
    DeliveryStatus,
    Member,
    Schedule,
    ScheduleKind,
)

DELIVERY_KEY = ("schedule_id", "member_id", "due_local_date")
# a delivery with its member, community and schedule kind: what a send needs
DeliveryRow = tuple[Delivery, Member, Community, str]


async def existing_delivery_keys(
    session: AsyncSession, schedule_id: int, local_dates: Iterable[date]
) -> set[tuple[int, date]]:
    """(member, local date) pairs that already have a delivery for this schedule."""
    dates = sorted(set(local_dates))
    if not dates:
        return set()
    result = await session.execute(
        select(Delivery.member_id, Delivery.due_local_date).where(
            Delivery.schedule_id == schedule_id, Delivery.due_local_date.in_(dates)
        )
    )
    return {(member_id, due) for member_id, due in result.tuples()}


async def insert_deliveries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Claim deliveries; rows another process claimed first are skipped by the unique key."""
    for start in range(0, len(rows), 1000):
        await session.execute(
            insert_ignoring_duplicates(session, Delivery, DELIVERY_KEY),
            list(rows[start : start + 1000]),
        )


async def delivery_to_send(session: AsyncSession, delivery_id: int) -> DeliveryRow | None:
    """A delivery with its member, community and its schedule's kind: what a send needs."""
    row = await session.execute(
        select(Delivery, Member, Community, Schedule.kind)
        .join(Member, Member.id == Delivery.member_id)
        .join(Community, Community.id == Member.community_id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(Delivery.id == delivery_id)
    )
    found = row.tuples().first()
    return None if found is None else (found[0], found[1], found[2], found[3])


async def deliveries_to_send(
    session: AsyncSession, delivery_ids: list[int]
) -> dict[int, DeliveryRow]:
    """`delivery_to_send` for a batch, in one query (a fan-out reads hundreds at once)."""
    if not delivery_ids:
        return {}
    rows = await session.execute(
        select(Delivery, Member, Community, Schedule.kind)
        .join(Member, Member.id == Delivery.member_id)
        .join(Community, Community.id == Member.community_id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(Delivery.id.in_(delivery_ids))
    )
    return {found[0].id: (found[0], found[1], found[2], found[3]) for found in rows.tuples()}


async def latest_sent_delivery(session: AsyncSession, member_id: int) -> Delivery | None:
    """The member's most recent prompt that reached them: the one an answer belongs to."""
    result = await session.scalars(
        select(Delivery)
        .where(Delivery.member_id == member_id, Delivery.status == DeliveryStatus.SENT)
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    )
    return result.first()


async def open_prompt(session: AsyncSession, member_id: int, since: datetime) -> Delivery | None:
    """The prompt a plain message answers: the member's latest weekly (or moderator's
    one-off) prompt, sent since `since`. A revisit is never it: it is answered by its
    button or a reply in its thread, so it cannot take the week's answer."""
    result = await session.scalars(
        select(Delivery)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(
            Delivery.member_id == member_id,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.sent_at >= since,
            Schedule.kind != ScheduleKind.REVISIT,
        )
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    )
    return result.first()


async def revisit_ids(session: AsyncSession, member_id: int) -> frozenset[int]:
    """The member's "Looking back" deliveries: no part of a streak."""
    result = await session.scalars(
        select(Delivery.id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(Delivery.member_id == member_id, Schedule.kind == ScheduleKind.REVISIT)
    )
    return frozenset(result)


async def member_delivery(
    session: AsyncSession, member_id: int, delivery_id: int
) -> Delivery | None:
    """A delivery, only if it belongs to this member (privacy: never another member's)."""
    result = await session.scalars(
        select(Delivery).where(Delivery.id == delivery_id, Delivery.member_id == member_id)
    )
    return result.one_or_none()


async def sent_deliveries_since(
    session: AsyncSession, member_id: int, since: datetime | None
) -> list[Delivery]:
    query = select(Delivery).where(
        Delivery.member_id == member_id, Delivery.status == DeliveryStatus.SENT
    )
    if since is not None:
        query = query.where(Delivery.sent_at >= since)
    result = await session.scalars(query.order_by(Delivery.sent_at, Delivery.id))
    return list(result)


async def member_delivery_by_ref(
    session: AsyncSession, member_id: int, platform_message_ref: str
) -> Delivery | None:
    """The member's prompt that a platform message (e.g. a thread parent) refers to."""
    result = await session.scalars(
        select(Delivery).where(
            Delivery.member_id == member_id,
            (Delivery.platform_message_ref == platform_message_ref)
            | (Delivery.reminder_message_ref == platform_message_ref),
            Delivery.status == DeliveryStatus.SENT,
        )
    )
    return result.first()


def _open_reminders(what: Any, platform: str) -> Select[Any]:
    """`what` over the platform's snoozed prompts still open (unanswered, not skipped)."""
    answered = select(Answer.id).where(Answer.delivery_id == Delivery.id).exists()
    return (
        select(what)
        .join(Member, Member.id == Delivery.member_id)
        .join(Community, Community.id == Member.community_id)
        .where(
            Community.platform == platform,
            Community.uninstalled_at.is_(None),
            Delivery.status == DeliveryStatus.SENT,
            Delivery.remind_at.is_not(None),
            Delivery.skipped_at.is_(None),
            ~answered,
        )
    )


async def due_reminder_ids(
    session: AsyncSession, platform: str, now: datetime, limit: int
) -> list[int]:
    """Snoozed prompts whose reminder time has come and that are still unanswered."""
    result = await session.scalars(
        _open_reminders(Delivery.id, platform)
        .where(Delivery.remind_at <= now)
        .order_by(Delivery.remind_at, Delivery.id)
        .limit(limit)
    )
    return list(result)


async def count_reminders(session: AsyncSession, platform: str) -> int:
    """Reminders waiting, due or not (the total in progress logs)."""
    return int(await session.scalar(_open_reminders(func.count(Delivery.id), platform)) or 0)


async def take_reminder(
    session: AsyncSession, delivery_id: int, now: datetime
) -> DeliveryRow | None:
    """Compare-and-set the reminder off before sending it, so it is never sent twice."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.remind_at.is_not(None))
        .values(remind_at=None, reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return await delivery_to_send(session, delivery_id)


async def earliest_reminder(session: AsyncSession, platform: str) -> datetime | None:
    """The next reminder to send: of prompts still open (unanswered, not skipped)."""
    result: datetime | None = await session.scalar(
        _open_reminders(func.min(Delivery.remind_at), platform)
    )
    return result


async def prompt_history(
    session: AsyncSession, member_ids: Iterable[int], since: date
) -> list[tuple[int, str, date, bool]]:
    """(member, prompt id, local date, answered) of every prompt sent to these members since."""
    ids = sorted(set(member_ids))
    if not ids:
        return []
    answered = select(Answer.id).where(Answer.delivery_id == Delivery.id).exists()
    result = await session.execute(
        select(Delivery.member_id, Delivery.prompt_id, Delivery.due_local_date, answered).where(
            Delivery.member_id.in_(ids),
            Delivery.due_local_date >= since,
            Delivery.status.in_(
                [DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN, DeliveryStatus.CLAIMED]
            ),
        )
    )
    return [(m, p, d, bool(a)) for m, p, d, a in result.tuples()]


def person_week(person_id: int, local_date: date) -> str:
    """The `Delivery.person_week` key: one weekly prompt per linked person and ISO week."""
    year, week, _ = local_date.isocalendar()
    return f"{person_id}:{year}-W{week:02d}"


async def person_weeks_taken(session: AsyncSession, wanted: Iterable[tuple[int, date]]) -> set[str]:
    """Of these (person, local date) pairs, the person weeks that already have a weekly prompt.

    Two ways a week is taken: an identity of the person has a weekly delivery that week (not
    missed), or a row holds the week's key (an identity since separated got it while linked).
    Skipping both is what keeps the claiming insert clear of the unique key, so only a race
    between two processes can hit it, and the retried claim then skips the week.
    """
    pairs = set(wanted)
    if not pairs:
        return set()
    keys = {person_week(person_id, day) for person_id, day in pairs}
    days = [day for _, day in pairs]
    since = min(days) - timedelta(days=6)
    until = max(days) + timedelta(days=6)
    linked = await session.execute(
        select(Member.person_id, Delivery.due_local_date)
        .join(Member, Member.id == Delivery.member_id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(
            Member.person_id.in_(sorted({person_id for person_id, _ in pairs})),
            Schedule.kind == ScheduleKind.WEEKLY_PROMPT,
            Delivery.status != DeliveryStatus.MISSED,
            Delivery.due_local_date.between(since, until),
        )
    )
    taken = {
        person_week(person_id, day) for person_id, day in linked.tuples() if person_id is not None
    }
    held = await session.scalars(
        select(Delivery.person_week).where(Delivery.person_week.in_(sorted(keys)))
    )
    taken.update(key for key in held if key is not None)
    return taken & keys


async def member_weeks_taken(
    session: AsyncSession, wanted: Iterable[tuple[int, date]]
) -> set[tuple[int, date]]:
    """Of these (member, local date) pairs, those whose ISO week already has another weekly
    prompt for that member (not missed): when moderators move the prompt's day mid-week, a
    member prompted on Monday is not prompted again on Thursday."""
    pairs = set(wanted)
    if not pairs:
        return set()
    days = [day for _, day in pairs]
    found = await session.execute(
        select(Delivery.member_id, Delivery.due_local_date)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(
            Delivery.member_id.in_(sorted({member_id for member_id, _ in pairs})),
            Schedule.kind == ScheduleKind.WEEKLY_PROMPT,
            Delivery.status != DeliveryStatus.MISSED,
            Delivery.due_local_date.between(min(days) - timedelta(days=6), max(days)),
        )
    )
    weeks = {(member_id, day.isocalendar()[:2]) for member_id, day in found.tuples()}
    return {
        (member_id, day) for member_id, day in pairs if (member_id, day.isocalendar()[:2]) in weeks
    }


async def prompt_id_of(session: AsyncSession, delivery_id: int) -> str | None:
    result: str | None = await session.scalar(
        select(Delivery.prompt_id).where(Delivery.id == delivery_id)
    )
    return result
