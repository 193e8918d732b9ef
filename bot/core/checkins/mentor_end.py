"""`/pln mentor end [member]`: end every match and withdraw the offer and request, or end
the one match with a named member and keep the rest.

The other side of each ended match is told by a `Notice` (a DM after the commit, through
the send pipeline). Ending one match frees the mentor's place, so the matching runs again
at once: a member waiting for a mentor may be introduced right away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.audit import person
from bot.core.checkins.mentor_flow import (
    FORMER_MEMBER,
    Matcher,
    Notice,
    Result,
    recipient_of,
    run_matching,
)
from bot.core.context import Context
from bot.core.messages import plain
from bot.core.moderators import Target
from bot.store import mentoring as store
from bot.store import moderators as moderator_store
from bot.store.checkin_models import MentorMatch as MatchRow
from bot.store.checkin_models import MentorOffer, MentorRequest
from bot.store.models import Member


@dataclass(frozen=True)
class Partner:
    """One of the acting member's current matches, seen from their side."""

    match: MatchRow
    other: Member | None  # None: the other side erased themselves
    mentoring: bool  # the acting member is the mentor

    @property
    def described(self) -> str:
        name = self.other.display_name if self.other is not None else FORMER_MEMBER
        return f"{name} (your {'mentee' if self.mentoring else 'mentor'})"


async def _partners(ctx: Context, member: Member) -> list[Partner]:
    matches = await store.active_matches(ctx.session, member.id)
    others = await store.members_by_id(
        ctx.session, {i for m in matches for i in (m.mentor_id, m.mentee_id) if i is not None}
    )
    found = []
    for match in matches:
        mentoring = match.mentor_id == member.id
        other_id = match.mentee_id if mentoring else match.mentor_id
        found.append(Partner(match, others.get(other_id) if other_id else None, mentoring))
    return found


def _ended(ctx: Context, member: Member, partners: Sequence[Partner]) -> list[Notice]:
    """End these matches now; a notice for each other side who is still a member."""
    notices = []
    for partner in partners:
        partner.match.ended_at = ctx.now
        other = partner.other
        if other is not None and other.active:
            notices.append(
                Notice(
                    recipient_of(ctx, other),
                    plain(
                        f"{member.display_name} ended your mentoring match. Thank you both. "
                        "`/pln mentor request` or `/pln mentor offer` to be matched again."
                    ),
                )
            )
    return notices


async def end(ctx: Context) -> Result:
    """End every match the member is in, and withdraw their offer and request; the other
    side of each match is told."""
    member = ctx.require_member()
    partners = await _partners(ctx, member)
    notices = _ended(ctx, member, partners)
    withdrawn = False
    for table in (MentorOffer, MentorRequest):
        row = await ctx.session.get(table, member.id)
        if row is not None:
            await ctx.session.delete(row)
            withdrawn = True
    if not partners and not withdrawn:
        return Result((plain("You have no mentoring match, offer or request to end."),))
    said = f"Ended {len(partners)} mentoring match(es)" if partners else "Nothing was matched yet"
    names = ", ".join(notice.recipient.display_name for notice in notices)
    told = f" I've told {names}." if notices else ""
    return Result((plain(f"{said}; your offer or request is withdrawn.{told}"),), tuple(notices))


def _named(partner: Partner, target: Target) -> bool:
    """Whether `target` names this match's other side: by a platform mention, or (as the
    console names members, and handy anywhere) by their id or display name."""
    other = partner.other
    if other is None:
        return False
    if target.mentioned:
        return other.platform_user_id == target.user_id
    typed = target.user_id.strip().removeprefix("@").strip().casefold()
    return typed in (other.platform_user_id.casefold(), other.display_name.casefold())


async def end_with(ctx: Context, target: Target, matcher: Matcher) -> Result:
    """End only the match with the member `target` names; the offer or request stays, and
    the freed place can be matched again at once."""
    member = ctx.require_member()
    partners = await _partners(ctx, member)
    chosen = [partner for partner in partners if _named(partner, target)]
    people = {partner.other.id for partner in chosen if partner.other is not None}
    if len(people) != 1:
        return Result((plain(await _not_a_match(ctx, target, partners, len(people) > 1)),))
    notices = _ended(ctx, member, chosen)
    other = chosen[0].other
    assert other is not None  # _named matched it
    said = f"Ended your mentoring match with {other.display_name}."
    if notices:
        said += " I've told them."
    rest = len(partners) - len(chosen)
    if rest:
        said += f" Your other {rest} match(es) go on."
    if await ctx.session.get(MentorOffer, member.id) is not None:
        said += " Your offer to mentor stays open."
    await ctx.session.flush()  # the ended match frees its place before the matching counts
    replies, introduced = await run_matching(ctx, matcher)
    text = "\n\n".join([said, *(reply.text for reply in replies)])
    return Result((plain(text),), (*notices, *introduced))


async def _not_a_match(
    ctx: Context, target: Target, partners: Sequence[Partner], ambiguous: bool
) -> str:
    if ambiguous:
        head = f"More than one of your matches is called {target.user_id}: pick them with @."
    else:
        names = await moderator_store.display_names(ctx.session, ctx.community.id, [target.user_id])
        shown = person(target.user_id, names.get(target.user_id))
        head = f"{shown} is not one of your mentoring matches."
    if not partners:
        return f"{head} You have no mentoring match now (`/pln mentor status`)."
    listed = ", ".join(partner.described for partner in partners)
    return (
        f"{head} Your matches: {listed}. `/pln mentor end @name` ends one of them; "
        "`/pln mentor end` alone ends them all and withdraws your offer or request."
    )
