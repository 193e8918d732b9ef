"""Everything the store holds about one person: read in full for an export, deleted in full
for an erasure.

Both live here, side by side, so a new table that holds a member's data is seen by both:
what an export shows is exactly what an erasure deletes. The person is every member row of
the same platform user on that platform (one per community: a Discord user in two guilds)
and every identity linked to any of those (`person_member_ids`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.store import link_guesses as guesses
from bot.store import mentoring, pending_dms
from bot.store.models import (
    Answer,
    AnswerShare,
    AuditEvent,
    Community,
    Delivery,
    DigestSend,
    FreeNote,
    Member,
    Schedule,
    ScheduleKind,
)
from bot.store.moderator_models import CommunityModerator
from bot.store.slack_models import SlackInstallation

log = logging.getLogger(__name__)

ERASURE = "erasure"  # the audit_event kind


async def person_member_ids(session: AsyncSession, member: Member) -> list[int]:
    """Every member row of the member's person, the member's own id first.

    That is the rows of the same platform user id on the same platform in every community
    (a Discord user in several guilds, a Slack user in several workspaces), and every
    identity linked to any of them, followed until nothing new turns up.
    """
    users = {(member.platform, member.platform_user_id)}
    persons = {member.person_id} if member.person_id is not None else set()
    found: set[int] = {member.id}
    while True:
        wanted: list[ColumnElement[bool]] = [
            and_(Member.platform == platform, Member.platform_user_id == user_id)
            for platform, user_id in sorted(users)
        ]
        if persons:
            wanted.append(Member.person_id.in_(sorted(persons)))
        rows = await session.execute(
            select(Member.id, Member.platform, Member.platform_user_id, Member.person_id).where(
                or_(*wanted)
            )
        )
        before = (len(found), len(users), len(persons))
        for member_id, platform, user_id, person_id in rows.tuples():
            found.add(member_id)
            users.add((platform, user_id))
            if person_id is not None:
                persons.add(person_id)
        if (len(found), len(users), len(persons)) == before:
            return [member.id, *sorted(found - {member.id})]


@dataclass(frozen=True)
class PersonRecord:
    """Every row about a person, oldest first within each kind."""

    identities: list[tuple[Member, Community]]
    deliveries: list[Delivery]
    answers: list[tuple[Answer, Delivery]]
    notes: list[FreeNote]
    shares: list[tuple[AnswerShare, Community]]
    digests: list[DigestSend]


async def person_record(session: AsyncSession, member_ids: Sequence[int]) -> PersonRecord:
    """Read everything held about these member ids (one person's identities)."""
    ids = list(member_ids)
    identities = await session.execute(
        select(Member, Community)
        .join(Community, Community.id == Member.community_id)
        .where(Member.id.in_(ids))
        .order_by(Member.joined_at, Member.id)
    )
    deliveries = await session.scalars(
        select(Delivery).where(Delivery.member_id.in_(ids)).order_by(Delivery.due_at, Delivery.id)
    )
    answers = await session.execute(
        select(Answer, Delivery)
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .where(Answer.member_id.in_(ids))
        .order_by(Answer.created_at, Answer.id)
    )
    notes = await session.scalars(
        select(FreeNote)
        .where(FreeNote.member_id.in_(ids))
        .order_by(FreeNote.created_at, FreeNote.id)
    )
    shares = await session.execute(
        select(AnswerShare, Community)
        .join(Community, Community.id == AnswerShare.community_id)
        .where(AnswerShare.member_id.in_(ids))
        .order_by(AnswerShare.created_at, AnswerShare.id)
    )
    digests = await session.scalars(
        select(DigestSend)
        .where(DigestSend.member_id.in_(ids))
        .order_by(DigestSend.due_at, DigestSend.id)
    )
    return PersonRecord(
        identities=[(m, c) for m, c in identities.tuples()],
        deliveries=list(deliveries),
        answers=[(a, d) for a, d in answers.tuples()],
        notes=list(notes),
        shares=[(s, c) for s, c in shares.tuples()],
        digests=list(digests),
    )


@dataclass(frozen=True)
class Erased:
    """What an erasure deleted: member rows (identities), in how many communities."""

    identities: int
    communities: int


async def erase_person(session: AsyncSession, member_ids: Sequence[int], now: datetime) -> Erased:
    """Delete the person's member rows; returns how many, in how many communities.

    The foreign keys do the rest in the same transaction: deliveries, answers and their
    parts, notes, shares, link codes, digest sends and revisit schedules cascade, and
    `created_by` of schedules and community prompts becomes NULL. Rows keyed by the platform
    user rather than a member (DMs waiting to be placed, counts of wrong link codes) are
    deleted here. One audit row per
    community records that an erasure happened, with no member id, name or text.
    """
    rows = (
        await session.execute(
            select(
                Member.id,
                Member.community_id,
                Member.platform,
                Member.platform_user_id,
                Member.person_id,
            ).where(Member.id.in_(list(member_ids)))
        )
    ).all()
    communities = Counter(row.community_id for row in rows)
    users = {(row.platform, row.platform_user_id) for row in rows}
    persons = {row.person_id for row in rows if row.person_id is not None}
    await pending_dms.forget_users(session, users)
    await guesses.forget(session, users=users, persons=persons)
    await _unname_installer(session, [row.id for row in rows if row.platform == "slack"])
    await _unname_moderator(session, [(row.community_id, row.platform_user_id) for row in rows])
    await mentoring.end_matches_of(session, [row.id for row in rows], now)
    await session.execute(
        delete(Member)
        .where(Member.id.in_(list(member_ids)))
        .execution_options(synchronize_session="fetch")
    )
    for community_id, identities in sorted(communities.items()):
        session.add(
            AuditEvent(community_id=community_id, kind=ERASURE, count=identities, happened_at=now)
        )
    await session.flush()
    return Erased(identities=sum(communities.values()), communities=len(communities))


async def _unname_moderator(session: AsyncSession, places: list[tuple[int, str]]) -> None:
    """A moderator added in chat is named in `community_moderator`, and so is whoever added
    someone: an erased person is neither any more (they stop being a moderator there)."""
    for community_id, user_id in places:
        await session.execute(
            delete(CommunityModerator).where(
                CommunityModerator.community_id == community_id,
                CommunityModerator.platform_user_id == user_id,
            )
        )
        await session.execute(
            update(CommunityModerator)
            .where(
                CommunityModerator.community_id == community_id,
                CommunityModerator.added_by == user_id,
            )
            .values(added_by="")
        )


async def _unname_installer(session: AsyncSession, slack_member_ids: list[int]) -> None:
    """A Slack installation names the person who installed the app; whichever platform
    the erasure is asked from, that name goes now. The installation's sealed copy can
    only be opened by the Slack process, which drops the installer from it when it next
    reads the row (bot/adapters/slack/installations.py)."""
    if not slack_member_ids:
        return
    accounts = await session.execute(
        select(Community.external_id, Member.platform_user_id)
        .join(Member, Member.community_id == Community.id)
        .where(Member.id.in_(slack_member_ids))
    )
    for team_id, user_id in accounts.tuples():
        await session.execute(
            update(SlackInstallation)
            .where(
                SlackInstallation.user_id == user_id,
                or_(
                    SlackInstallation.team_id == team_id,
                    SlackInstallation.is_enterprise_install.is_(True),
                ),
            )
            .values(user_id="")
        )


async def revisits_of(
    session: AsyncSession, member_ids: Sequence[int], delivery_id: int
) -> tuple[list[Schedule], list[Delivery]]:
    """Revisit schedules that quote the answer to `delivery_id`, and the prompts they sent.

    A revisit's prompt quotes the answer it looks back at, so deleting that answer must
    reach these too.
    """
    schedules = list(
        await session.scalars(
            select(Schedule).where(
                Schedule.kind == ScheduleKind.REVISIT,
                Schedule.source_delivery_id == delivery_id,
                Schedule.member_id.in_(list(member_ids)),
            )
        )
    )
    if not schedules:
        return [], []
    deliveries = await session.scalars(
        select(Delivery).where(
            Delivery.schedule_id.in_([s.id for s in schedules]),
            Delivery.member_id.in_(list(member_ids)),
        )
    )
    return schedules, list(deliveries)


def engine_of(session: AsyncSession) -> AsyncEngine | None:
    """The engine a unit of work ran on, for clean-up that must run outside a transaction."""
    bind = session.bind
    if isinstance(bind, AsyncConnection):
        return bind.engine
    return bind if isinstance(bind, AsyncEngine) else None


async def truncate_sqlite_wal(engine: AsyncEngine | None) -> bool:
    """On SQLite, copy the WAL into the database file and truncate it to zero bytes.

    With secure_delete the deleted rows are zeroed in the new page images, but the WAL
    still holds the old ones until a checkpoint resets it. A checkpoint cannot run inside a
    transaction, so this talks to the driver's connection directly. Returns False when a
    reader elsewhere kept the checkpoint from finishing (SQLite's own auto-checkpoint then
    catches up later). Nothing to do on PostgreSQL.
    """
    if engine is None or engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        cursor = await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = await cursor.fetchone()
        await cursor.close()
    busy = bool(row and row[0])
    if busy:
        log.warning("the WAL checkpoint after a deletion was busy; SQLite will finish it later")
    return not busy
