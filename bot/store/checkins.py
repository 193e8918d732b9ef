"""Queries for check-in rounds: who is in, who met whom, the rows a round writes, and what
each of its messages needs. Names and ids only: nothing here reads an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import (
    CheckinGroup,
    CheckinMessage,
    CheckinOptIn,
    CheckinRound,
    CheckinSeat,
    MemberProfile,
)
from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import Community, DeliveryStatus, Member
from bot.store.moderator_models import CommunityModerator


@dataclass(frozen=True)
class OptedIn:
    member: Member
    optin: CheckinOptIn
    profile: MemberProfile | None


@dataclass(frozen=True)
class MessageToSend:
    message: CheckinMessage
    group: CheckinGroup
    community: Community
    seats: tuple[tuple[CheckinSeat, Member | None], ...]  # the group's seats, in order
    seat: CheckinSeat | None  # the seat this message is for (None: the group, a summary)


async def opted_in(session: AsyncSession, community_id: int) -> list[OptedIn]:
    """Active members who joined check-ins, with their profiles, by member id."""
    rows = await session.execute(
        select(Member, CheckinOptIn, MemberProfile)
        .join(CheckinOptIn, CheckinOptIn.member_id == Member.id)
        .outerjoin(MemberProfile, MemberProfile.member_id == Member.id)
        .where(Member.community_id == community_id, Member.active.is_(True))
        .order_by(Member.id)
    )
    return [OptedIn(member, optin, profile) for member, optin, profile in rows.tuples()]


async def meetings_since(
    session: AsyncSession, community_id: int, since: date
) -> list[tuple[int, list[int]]]:
    """(round day as an ordinal, member ids) of every group since `since`: who met whom."""
    rows = await session.execute(
        select(CheckinRound.due_local_date, CheckinSeat.group_id, CheckinSeat.member_id)
        .join(CheckinGroup, CheckinGroup.round_id == CheckinRound.id)
        .join(CheckinSeat, CheckinSeat.group_id == CheckinGroup.id)
        .where(CheckinRound.community_id == community_id, CheckinRound.due_local_date >= since)
    )
    groups: dict[int, tuple[int, list[int]]] = {}
    for day, group_id, member_id in rows.tuples():
        entry = groups.setdefault(group_id, (day.toordinal(), []))
        if member_id is not None:
            entry[1].append(member_id)
    return list(groups.values())


async def round_dates(session: AsyncSession, schedule_id: int, days: set[date]) -> set[date]:
    if not days:
        return set()
    found = await session.scalars(
        select(CheckinRound.due_local_date).where(
            CheckinRound.schedule_id == schedule_id, CheckinRound.due_local_date.in_(days)
        )
    )
    return set(found)


async def insert_round(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """The claim: None when the round is already there (another process, an earlier run)."""
    await session.execute(
        insert_ignoring_duplicates(session, CheckinRound, ["schedule_id", "due_local_date"]).values(
            values
        )
    )
    found: int | None = await session.scalar(
        select(CheckinRound.id).where(
            CheckinRound.schedule_id == values["schedule_id"],
            CheckinRound.due_local_date == values["due_local_date"],
            CheckinRound.claimed_at == values["claimed_at"],
            CheckinRound.formed_at.is_(None),
        )
    )
    return found


async def insert_messages(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(
            insert_ignoring_duplicates(
                session, CheckinMessage, ["group_id", "seat_key", "kind"]
            ).values(rows)
        )


async def rounds_due_a_followup(
    session: AsyncSession, platform: str, formed_before: datetime
) -> list[CheckinRound]:
    """Rounds formed long enough ago whose "Did you meet?" messages are not claimed yet."""
    asked = select(CheckinMessage.group_id).where(CheckinMessage.kind == "followup")
    rows = await session.scalars(
        select(CheckinRound)
        .join(Community, Community.id == CheckinRound.community_id)
        .join(CheckinGroup, CheckinGroup.round_id == CheckinRound.id)
        .where(
            Community.platform == platform,
            CheckinRound.formed_at.is_not(None),
            CheckinRound.formed_at <= formed_before,
            CheckinGroup.id.not_in(asked),
        )
        .distinct()
    )
    return list(rows)


async def earliest_unasked_round(session: AsyncSession, platform: str) -> datetime | None:
    asked = select(CheckinMessage.group_id).where(CheckinMessage.kind == "followup")
    found: datetime | None = await session.scalar(
        select(CheckinRound.formed_at)
        .join(Community, Community.id == CheckinRound.community_id)
        .join(CheckinGroup, CheckinGroup.round_id == CheckinRound.id)
        .where(
            Community.platform == platform,
            CheckinRound.formed_at.is_not(None),
            CheckinGroup.id.not_in(asked),
        )
        .order_by(CheckinRound.formed_at)
        .limit(1)
    )
    return found


async def seats_of_round(
    session: AsyncSession, round_id: int
) -> list[tuple[CheckinGroup, CheckinSeat]]:
    rows = await session.execute(
        select(CheckinGroup, CheckinSeat)
        .join(CheckinSeat, CheckinSeat.group_id == CheckinGroup.id)
        .where(
            CheckinGroup.round_id == round_id,
            CheckinSeat.member_id.is_not(None),
            CheckinGroup.reasons != "sat out",  # a group of one is never asked
        )
        .order_by(CheckinSeat.id)
    )
    return [(group, seat) for group, seat in rows.tuples()]


async def seats_due_a_reminder(
    session: AsyncSession, platform: str, answered_before: datetime
) -> list[CheckinSeat]:
    """Seats answered "Not yet" long enough ago that have had no reminder."""
    reminded = select(CheckinMessage.seat_id).where(
        CheckinMessage.kind == "reminder", CheckinMessage.seat_id.is_not(None)
    )
    rows = await session.scalars(
        select(CheckinSeat)
        .join(CheckinGroup, CheckinGroup.id == CheckinSeat.group_id)
        .join(Community, Community.id == CheckinGroup.community_id)
        .where(
            Community.platform == platform,
            CheckinSeat.met == "not_yet",
            CheckinSeat.met_at <= answered_before,
            CheckinSeat.id.not_in(reminded),
        )
    )
    return list(rows)


async def earliest_not_yet(session: AsyncSession, platform: str) -> datetime | None:
    reminded = select(CheckinMessage.seat_id).where(
        CheckinMessage.kind == "reminder", CheckinMessage.seat_id.is_not(None)
    )
    found: datetime | None = await session.scalar(
        select(CheckinSeat.met_at)
        .join(CheckinGroup, CheckinGroup.id == CheckinSeat.group_id)
        .join(Community, Community.id == CheckinGroup.community_id)
        .where(
            Community.platform == platform,
            CheckinSeat.met == "not_yet",
            CheckinSeat.id.not_in(reminded),
        )
        .order_by(CheckinSeat.met_at)
        .limit(1)
    )
    return found


async def message_to_send(session: AsyncSession, message_id: int) -> MessageToSend | None:
    found = await session.execute(
        select(CheckinMessage, CheckinGroup, Community)
        .join(CheckinGroup, CheckinGroup.id == CheckinMessage.group_id)
        .join(Community, Community.id == CheckinMessage.community_id)
        .where(CheckinMessage.id == message_id)
    )
    row = found.tuples().one_or_none()
    if row is None:
        return None
    message, group, community = row
    seats = await session.execute(
        select(CheckinSeat, Member)
        .outerjoin(Member, Member.id == CheckinSeat.member_id)
        .where(CheckinSeat.group_id == group.id)
        .order_by(CheckinSeat.id)
    )
    listed = tuple((seat, member) for seat, member in seats.tuples())
    seat = next((s for s, _ in listed if s.id == message.seat_id), None)
    return MessageToSend(message, group, community, listed, seat)


async def own_seat(session: AsyncSession, member_id: int, seat_id: int) -> CheckinSeat | None:
    found: CheckinSeat | None = await session.scalar(
        select(CheckinSeat).where(CheckinSeat.id == seat_id, CheckinSeat.member_id == member_id)
    )
    return found


async def previous_meetings(session: AsyncSession, found: CheckinRound) -> tuple[int, int] | None:
    """For the round before `found` (same schedule): how many answered "Did you meet?" and
    how many of them met. None when there was no earlier round."""
    earlier = await session.scalar(
        select(CheckinRound.id)
        .where(
            CheckinRound.schedule_id == found.schedule_id,
            CheckinRound.due_local_date < found.due_local_date,
            CheckinRound.formed_at.is_not(None),
        )
        .order_by(CheckinRound.due_local_date.desc())
        .limit(1)
    )
    if earlier is None:
        return None
    answered, met = (
        await session.execute(
            select(
                func.count(CheckinSeat.met),
                func.count(CheckinSeat.id).filter(CheckinSeat.met == "yes"),
            )
            .join(CheckinGroup, CheckinGroup.id == CheckinSeat.group_id)
            .where(CheckinGroup.round_id == earlier)
        )
    ).one()
    return int(answered), int(met)


async def moderator_member_ids(
    session: AsyncSession, community_id: int, scheduler: int | None, configured: frozenset[str]
) -> list[int]:
    """The members a round's summary goes to: whoever planned the rounds, the moderators
    added in chat, and those PLN_MODERATORS names for this community."""
    community = await session.get(Community, community_id)
    if community is None:
        return []
    prefix = f"{community.platform}:{community.external_id}/"
    user_ids = {entry.removeprefix(prefix) for entry in configured if entry.startswith(prefix)}
    if community.platform == "console":
        user_ids |= {e.removeprefix("console:") for e in configured if "/" not in e}
    listed = await session.scalars(
        select(CommunityModerator.platform_user_id).where(
            CommunityModerator.community_id == community_id
        )
    )
    user_ids |= set(listed)
    found = await session.scalars(
        select(Member.id).where(
            Member.community_id == community_id,
            Member.active.is_(True),
            (Member.platform_user_id.in_(sorted(user_ids))) | (Member.id == (scheduler or -1)),
        )
    )
    return sorted(set(found))


async def pairings_of(
    session: AsyncSession, member_ids: list[int]
) -> list[tuple[datetime, str | None, str | None]]:
    """(round formed at, partner's display name or None if erased, own "met" answer), one per
    partner of every group the person was in, oldest first."""
    own = await session.execute(
        select(CheckinSeat.group_id, CheckinSeat.met, CheckinRound.formed_at)
        .join(CheckinGroup, CheckinGroup.id == CheckinSeat.group_id)
        .join(CheckinRound, CheckinRound.id == CheckinGroup.round_id)
        .where(CheckinSeat.member_id.in_(member_ids))
        .order_by(CheckinRound.formed_at, CheckinSeat.group_id)
    )
    found: list[tuple[datetime, str | None, str | None]] = []
    for group_id, met, formed_at in own.tuples():
        partners = await session.execute(
            select(Member.display_name)
            .select_from(CheckinSeat)
            .outerjoin(Member, Member.id == CheckinSeat.member_id)
            .where(
                CheckinSeat.group_id == group_id,
                CheckinSeat.member_id.is_(None) | CheckinSeat.member_id.not_in(member_ids),
            )
            .order_by(CheckinSeat.id)
        )
        found += [(formed_at or datetime.min, name, met) for (name,) in partners.tuples()]
    return found


def claimed_row(now: datetime, **values: Any) -> dict[str, Any]:
    """A message row as the claim inserts it."""
    return {
        "status": DeliveryStatus.CLAIMED.value,
        "claimed_at": now,
        "attempts": 0,
        **values,
    }
