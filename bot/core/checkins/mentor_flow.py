"""`/pln mentor offer | request | assess | status`, and the matching run each offer,
request or self-assessment starts (`end` is `mentor_end`).

The matching itself is `bot.core.checkins.mentoring.match_mentors` (an optimal assignment
over the mentors' free places); this module reads its inputs from the store, writes the
matches back, and words the introductions. Everything happens in one unit of work; the
introductions to members other than the one acting are returned as `Notice`s, sent by DM
after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from bot.core.checkins import assessment as assessments
from bot.core.checkins.model import Assessment, MentorMatch, MentorOfferInput, Role
from bot.core.context import Context
from bot.core.formatting import local_date
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Recipient
from bot.store import mentoring as store
from bot.store.checkin_models import MemberProfile, MentorOffer, MentorRequest, SelfAssessment
from bot.store.checkin_models import MentorMatch as MatchRow
from bot.store.models import Member

Matcher = Callable[[Sequence[Assessment], Sequence[MentorOfferInput]], list[MentorMatch]]
MAX_MENTEES: Final = 5
FORMER_MEMBER: Final = "a former member"


@dataclass(frozen=True)
class Notice:
    """A DM to a member who is not the one acting (their new mentor, a match that ended)."""

    recipient: Recipient
    message: OutgoingMessage


@dataclass(frozen=True)
class Result:
    replies: tuple[OutgoingMessage, ...]
    notices: tuple[Notice, ...] = ()


def recipient_of(ctx: Context, member: Member) -> Recipient:
    """Where a DM to `member` goes: a notice owed to them, sent after the commit."""
    return Recipient(
        member_id=member.id,
        platform=member.platform,
        community_external_id=ctx.community.external_id,
        platform_user_id=member.platform_user_id,
        display_name=member.display_name,
    )


def _zone(ctx: Context, member: Member) -> str:
    return member.timezone or ctx.config.default_timezone


def _assessment(
    ctx: Context, member: Member, found: SelfAssessment, profile: MemberProfile | None
) -> Assessment:
    role: Role | None = found.role if found.role in ("it", "teacher", "leader") else None  # type: ignore[assignment]
    return Assessment(
        member_id=member.id,
        zone=_zone(ctx, member),
        ratings=assessments.ratings_of(found),
        role=role,
        school_key=profile.school_key if profile else None,
    )


async def offer(ctx: Context, capacity: int, matcher: Matcher) -> Result:
    member = ctx.require_member()
    found = await ctx.session.get(MentorOffer, member.id)
    if found is None:
        ctx.session.add(MentorOffer(member_id=member.id, capacity=capacity, offered_at=ctx.now))
    else:
        found.capacity = capacity
    said = f"Thank you: you offer to mentor up to {capacity} member(s) at a time."
    return await _then_match(ctx, said, matcher)


async def request(ctx: Context, matcher: Matcher) -> Result:
    member = ctx.require_member()
    mine = [
        m for m in await store.active_matches(ctx.session, member.id) if m.mentee_id == member.id
    ]
    if mine:
        return Result((plain("You have a mentor already: `/pln mentor status` shows who."),))
    if await ctx.session.get(MentorRequest, member.id) is None:
        ctx.session.add(MentorRequest(member_id=member.id, requested_at=ctx.now))
    said = "You asked for a mentor."
    return await _then_match(ctx, said, matcher)


async def assess(ctx: Context, ratings: assessments.Ratings, matcher: Matcher) -> Result:
    saved = await assessments.save(ctx, ratings)
    if isinstance(saved, str):
        return Result((plain(saved),))
    said = "Saved your self-assessment: " + assessments.described(saved) + "."
    return await _then_match(ctx, said, matcher)


async def _then_match(ctx: Context, said: str, matcher: Matcher) -> Result:
    """Run the matching if the member can be matched; otherwise say what is missing."""
    member = ctx.require_member()
    profile = await ctx.session.get(MemberProfile, member.id)
    if profile is None or profile.role is None:
        return Result((plain(f"{said} {assessments.NO_ROLE} Then `/pln mentor assess`."),))
    if await ctx.session.get(SelfAssessment, member.id) is None:
        return Result(
            (assessments.ask(f"{said} Before I can match you, a short self-assessment."),)
        )
    replies, notices = await run_matching(ctx, matcher)
    if not replies:
        waiting = await ctx.session.get(MentorRequest, member.id)
        after = (
            " No mentor with room fits yet: I'll introduce you as soon as one does."
            if waiting is not None
            else " I'll introduce you when someone you fit asks for a mentor."
        )
        replies = [plain(said + after)]
    else:  # one message: the introduction follows what was just saved
        replies = [plain("\n\n".join([said, *(reply.text for reply in replies)]))]
    return Result(tuple(replies), tuple(notices))


async def run_matching(
    ctx: Context, matcher: Matcher
) -> tuple[list[OutgoingMessage], list[Notice]]:
    """Match every waiting mentee the community's offers can take; store the matches,
    remove the matched requests, and word the introductions: replies for the acting
    member, notices for the others."""
    waiting = await store.waiting_mentees(ctx.session, ctx.community.id)
    offers = await store.open_offers(ctx.session, ctx.community.id)
    if not waiting or not offers:
        return [], []
    members = {m.id: m for m, _a, _p in waiting} | {m.id: m for m, *_ in offers}
    mentees = [_assessment(ctx, m, a, p) for m, a, p in waiting]
    inputs = [
        MentorOfferInput(_assessment(ctx, m, a, p), capacity=capacity, current=current)
        for m, a, p, capacity, current in offers
    ]
    replies: list[OutgoingMessage] = []
    notices: list[Notice] = []
    actor_id = ctx.require_member().id
    for match in matcher(mentees, inputs):
        if match.mentor_id == match.mentee_id:
            continue
        mentor, mentee = members[match.mentor_id], members[match.mentee_id]
        ctx.session.add(
            MatchRow(
                community_id=ctx.community.id,
                mentor_id=mentor.id,
                mentee_id=mentee.id,
                reasons=_reasons(match),
                matched_at=ctx.now,
            )
        )
        request_row = await ctx.session.get(MentorRequest, mentee.id)
        if request_row is not None:
            await ctx.session.delete(request_row)
        for side, other, role in ((mentor, mentee, "mentee"), (mentee, mentor, "mentor")):
            message = plain(_introduction(other.display_name, role, match))
            if side.id == actor_id:
                replies.append(message)
            else:
                notices.append(Notice(recipient_of(ctx, side), message))
    await ctx.session.flush()
    return replies, notices


def _covered(match: MentorMatch) -> str:
    return ", ".join(map(assessments.capacity_name, match.covered)) or "a good all-round fit"


def _reasons(match: MentorMatch) -> str:
    return f"covers: {_covered(match)}\noverlap: {match.overlap_hours:g} hours"


def _introduction(other: str, their_role: str, match: MentorMatch) -> str:
    hours = f"{match.overlap_hours:g} hours" if match.overlap_hours > 0 else "little time"
    if their_role == "mentee":
        head = f"Meet your new mentee, {other}."
        why = f"Your strengths cover what they want to grow: {_covered(match)}."
    else:
        head = f"Meet your mentor, {other}."
        why = f"Their strengths cover what you want to grow: {_covered(match)}."
    return (
        f"{head} {why} Your working days (09:00-17:00 in each one's zone) overlap by {hours}. "
        "Say hello in a DM and agree when to talk. Either of you can end it with "
        f"`/pln mentor end @{other}`."
    )


async def status(ctx: Context) -> Result:
    member = ctx.require_member()
    lines: list[str] = []
    found = await ctx.session.get(SelfAssessment, member.id)
    lines.append(
        "Your self-assessment: " + assessments.described(found)
        if found
        else "No self-assessment yet (`/pln mentor assess`)."
    )
    offered = await ctx.session.get(MentorOffer, member.id)
    if offered is not None:
        lines.append(f"You offer to mentor up to {offered.capacity} member(s).")
    waiting = await ctx.session.get(MentorRequest, member.id)
    if waiting is not None:
        lines.append(f"You asked for a mentor on {local_date(waiting.requested_at, ctx.zone)}.")
    matches = await store.active_matches(ctx.session, member.id)
    others = await store.members_by_id(
        ctx.session, {i for m in matches for i in (m.mentor_id, m.mentee_id) if i is not None}
    )
    for match in matches:
        mentoring = match.mentor_id == member.id
        other_id = match.mentee_id if mentoring else match.mentor_id
        other = others.get(other_id) if other_id is not None else None
        name = other.display_name if other else FORMER_MEMBER
        since = local_date(match.matched_at, ctx.zone)
        lines.append(
            f"{'Your mentee' if mentoring else 'Your mentor'}: {name}, since {since} "
            f"({match.reasons.replace(chr(10), '; ')})."
        )
    if offered is None and waiting is None and not matches:
        lines.append("`/pln mentor offer` to mentor, `/pln mentor request` to find a mentor.")
    return Result((plain("\n".join(lines)),))
