"""Queries for scheduled digests: who is due, claiming by insert, the send state machine.

A `digest_send` row is claimed like a delivery: inserting it (unique per member and period)
is the claim; from there it is sent through the shared state machine
(bot/store/send_states.py): a compare-and-set to `sending` committed before the platform
call, and rows found `sending` at start-up become `uncertain`, never resent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import Community, Delivery, DeliveryStatus, DigestSend, Member

DIGEST_SEND_KEY = ("member_id", "period_key")
OFF = "off"
# not sent on purpose (no prompts in the period, or sent to a linked identity); kept as a
# row so the period is settled and never looked at again
SKIPPED = "skipped"


def _receiver_condition(platform: str) -> ColumnElement[bool]:
    """The platform's members a scheduled digest may go to: in, not paused, reachable, and
    not turned off, in a community that still has the app (the query needs Community
    joined)."""
    return (
        (Community.platform == platform)
        & Community.uninstalled_at.is_(None)
        & Member.active.is_(True)
        & Member.paused_at.is_(None)
        & Member.unreachable_at.is_(None)
        & (Member.digest_cadence != OFF)
    )


async def cadence_zones(session: AsyncSession, platform: str) -> list[tuple[str | None, str]]:
    """The distinct (time zone, cadence) pairs of the platform's digest receivers: few rows,
    and all a due-time computation needs, whatever the number of members."""
    result = await session.execute(
        select(Member.timezone, Member.digest_cadence)
        .join(Community, Community.id == Member.community_id)
        .where(_receiver_condition(platform))
        .distinct()
    )
    return list(result.tuples())


async def unsettled_members(
    session: AsyncSession,
    platform: str,
    *,
    zones: Sequence[str | None],
    cadence: str,
    period_key: str,
    joined_before: datetime,
) -> list[Member]:
    """Receivers in these zones (None: no zone of their own) with this cadence, who joined
    before the period ended and have no row for it yet. Usually none: one cheap query."""
    named = [zone for zone in zones if zone is not None]
    in_zone: ColumnElement[bool] = Member.timezone.in_(named)
    if None in zones:
        in_zone = in_zone | Member.timezone.is_(None)
    settled = (
        select(DigestSend.id)
        .where(DigestSend.member_id == Member.id, DigestSend.period_key == period_key)
        .exists()
    )
    result = await session.scalars(
        select(Member)
        .join(Community, Community.id == Member.community_id)
        .where(
            _receiver_condition(platform),
            in_zone,
            Member.digest_cadence == cadence,
            Member.joined_at < joined_before,
            ~settled,
        )
        .order_by(Member.id)
    )
    return list(result)


async def linked_identities(
    session: AsyncSession, person_ids: Iterable[int]
) -> dict[int, list[Member]]:
    """Every identity of these people (any platform), lowest member id first."""
    ids = sorted(set(person_ids))
    found: dict[int, list[Member]] = defaultdict(list)
    if not ids:
        return found
    result = await session.scalars(
        select(Member).where(Member.person_id.in_(ids)).order_by(Member.id)
    )
    for member in result:
        assert member.person_id is not None
        found[member.person_id].append(member)
    return found


def receives_digests(member: Member) -> bool:
    """The same rule as the query above, for identities already loaded."""
    return (
        member.active
        and member.paused_at is None
        and member.unreachable_at is None
        and member.digest_cadence != OFF
    )


async def members_sent_prompts(
    session: AsyncSession, member_ids: Iterable[int], since: datetime, until: datetime
) -> set[int]:
    """Which of these members were sent at least one prompt in [since, until)."""
    ids = sorted(set(member_ids))
    found: set[int] = set()
    for start in range(0, len(ids), 1000):
        result = await session.scalars(
            select(Delivery.member_id)
            .where(
                Delivery.member_id.in_(ids[start : start + 1000]),
                Delivery.status == DeliveryStatus.SENT,
                Delivery.sent_at >= since,
                Delivery.sent_at < until,
            )
            .distinct()
        )
        found.update(result)
    return found


async def insert_sends(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Claim digests; rows another process claimed first are skipped by the unique key."""
    for start in range(0, len(rows), 1000):
        await session.execute(
            insert_ignoring_duplicates(session, DigestSend, DIGEST_SEND_KEY),
            list(rows[start : start + 1000]),
        )


async def send_with_member(
    session: AsyncSession, send_id: int
) -> tuple[DigestSend, Member, Community] | None:
    row = await session.execute(
        select(DigestSend, Member, Community)
        .join(Member, Member.id == DigestSend.member_id)
        .join(Community, Community.id == Member.community_id)
        .where(DigestSend.id == send_id)
    )
    found = row.tuples().first()
    return None if found is None else (found[0], found[1], found[2])


async def set_cadence(session: AsyncSession, member_ids: Iterable[int], cadence: str) -> None:
    """One person's choice holds for all their linked identities."""
    await session.execute(
        update(Member)
        .where(Member.id.in_(sorted(set(member_ids))))
        .values(digest_cadence=cadence)
        .execution_options(synchronize_session=False)
    )
