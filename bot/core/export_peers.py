"""The peer half in `/pln export`: the profile for matching, the check-ins opt-in, the
self-assessment and mentoring (offers, requests, matches with the partner's name).

Kept beside `export_schema.py` (which includes these records in `PlnExport`) so each half
of the export stays a readable size. A partner who erased their data is "a former member".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins.model import CAPACITIES
from bot.store import mentoring as mentoring_store
from bot.store.checkin_models import (
    CheckinOptIn,
    MemberProfile,
    MentorOffer,
    MentorRequest,
    SelfAssessment,
)
from bot.store.models import Community, Member

FORMER_MEMBER = "a former member"
_T = TypeVar("_T")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeerProfile(_Record):
    """The profile check-ins and mentoring read (`/pln profile`), one per community."""

    community: str
    platform: str
    school: str | None = Field(description="As the person typed it.")
    role: str | None = Field(description='"it", "teacher" or "leader".')
    interests: list[str] = Field(description='Prompt library elements, "framework/element".')
    updated_at: datetime


class CheckinOptInRecord(_Record):
    """`/pln checkins join`: in the check-in rounds (the row goes with `leave`)."""

    community: str
    platform: str
    joined_at: datetime
    paused_until: datetime | None


class SelfAssessmentRecord(_Record):
    """The self-assessment mentoring matches on: each capacity rated 1-5."""

    community: str
    platform: str
    role: str
    ratings: dict[str, int] = Field(description="Each core capacity's rating, 1-5.")
    updated_at: datetime


class MentorOfferRecord(_Record):
    community: str
    platform: str
    capacity: int = Field(description="At most this many mentees at once.")
    offered_at: datetime


class MentorRequestRecord(_Record):
    community: str
    platform: str
    requested_at: datetime


class MentorMatchRecord(_Record):
    """A match the person was in, as mentor or mentee, ended or not."""

    community: str
    platform: str
    as_role: str = Field(description='"mentor" or "mentee": the person\'s side.')
    partner_display_name: str = Field(description='"a former member" after their erasure.')
    reasons: str = Field(description="Why they were matched: capacities covered, hours.")
    matched_at: datetime
    ended_at: datetime | None


class Peers(_Record):
    profiles: list[PeerProfile] = Field(default_factory=list)
    checkins: list[CheckinOptInRecord] = Field(default_factory=list)
    self_assessments: list[SelfAssessmentRecord] = Field(default_factory=list)
    mentor_offers: list[MentorOfferRecord] = Field(default_factory=list)
    mentor_requests: list[MentorRequestRecord] = Field(default_factory=list)
    mentor_matches: list[MentorMatchRecord] = Field(default_factory=list)


async def build_peers(
    session: AsyncSession, identities: Sequence[tuple[Member, Community]]
) -> Peers:
    """The person's peer records across their identities (one per community)."""
    where = {member.id: (community.name, community.platform) for member, community in identities}
    ids = list(where)

    def of_person(table: type[_T]) -> Select[tuple[_T]]:
        column = table.member_id  # type: ignore[attr-defined]
        return select(table).where(column.in_(ids))

    matches = [
        match
        for member_id in ids
        for match in await mentoring_store.every_match(session, member_id)
    ]
    partners = await mentoring_store.members_by_id(
        session,
        {i for m in matches for i in (m.mentor_id, m.mentee_id) if i is not None} - set(ids),
    )

    def partner(member_id: int | None) -> str:
        found = partners.get(member_id) if member_id is not None else None
        return found.display_name if found is not None else FORMER_MEMBER

    def place(member_id: int) -> dict[str, str]:
        community, platform = where[member_id]
        return {"community": community, "platform": platform}

    profiles = list(await session.scalars(of_person(MemberProfile)))
    optins = list(await session.scalars(of_person(CheckinOptIn)))
    assessed = list(await session.scalars(of_person(SelfAssessment)))
    offers = list(await session.scalars(of_person(MentorOffer)))
    requests = list(await session.scalars(of_person(MentorRequest)))
    return Peers(
        profiles=[
            PeerProfile(
                **place(p.member_id),
                school=p.school,
                role=p.role,
                interests=p.interests.split(),
                updated_at=p.updated_at,
            )
            for p in profiles
        ],
        checkins=[
            CheckinOptInRecord(
                **place(o.member_id), joined_at=o.joined_at, paused_until=o.paused_until
            )
            for o in optins
        ],
        self_assessments=[
            SelfAssessmentRecord(
                **place(a.member_id),
                role=a.role,
                ratings={name: getattr(a, name) for name in CAPACITIES},
                updated_at=a.updated_at,
            )
            for a in assessed
        ],
        mentor_offers=[
            MentorOfferRecord(**place(o.member_id), capacity=o.capacity, offered_at=o.offered_at)
            for o in offers
        ],
        mentor_requests=[
            MentorRequestRecord(**place(r.member_id), requested_at=r.requested_at) for r in requests
        ],
        mentor_matches=[
            MentorMatchRecord(
                **place(m.mentor_id if m.mentor_id in where else m.mentee_id),  # type: ignore[arg-type]
                as_role="mentor" if m.mentor_id in where else "mentee",
                partner_display_name=partner(m.mentee_id if m.mentor_id in where else m.mentor_id),
                reasons=m.reasons,
                matched_at=m.matched_at,
                ended_at=m.ended_at,
            )
            for m in matches
        ],
    )


def peers_markdown(peers: Peers, when: Callable[[datetime | None], str]) -> list[str]:
    """The peer records as Markdown sections, dates shown by `when`."""
    lines = ["", "## Profile for check-ins and mentoring", ""]
    lines += [
        f"- {p.community}: school {p.school or 'not set'}, role {p.role or 'not set'}, "
        f"interests {', '.join(p.interests) or 'none'} (updated {when(p.updated_at)})"
        for p in peers.profiles
    ] or ["- none"]
    lines += [
        f"- check-ins in {o.community}: joined {when(o.joined_at)}"
        + (f", paused until {when(o.paused_until)}" if o.paused_until else "")
        for o in peers.checkins
    ]
    lines += ["", "## Mentoring", ""]
    items = [
        f"- self-assessment in {a.community} ({a.role}): "
        + ", ".join(f"{name.replace('_', ' ')} {rating}" for name, rating in a.ratings.items())
        for a in peers.self_assessments
    ]
    items += [
        f"- offer in {o.community}: up to {o.capacity} mentee(s), since {when(o.offered_at)}"
        for o in peers.mentor_offers
    ]
    items += [
        f"- request in {r.community}: waiting since {when(r.requested_at)}"
        for r in peers.mentor_requests
    ]
    items += [
        f"- {m.as_role} of {m.partner_display_name} in {m.community}, from "
        f"{when(m.matched_at)} to {when(m.ended_at) if m.ended_at else 'now'}"
        for m in peers.mentor_matches
    ]
    return lines + (items or ["- none"])
