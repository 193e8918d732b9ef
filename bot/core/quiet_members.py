"""Members who stopped answering: one friendly offer, then a pause, never prompts forever.

At each weekly claim, for the members about to get a prompt:
- after `QUIET_AFTER` weekly prompts in a row with no answer and no skip, this week's
  prompt carries one offer: pause, a prompt every two weeks, or keep weekly
  (`member.quiet_nudged_at` is set to the claim time; the prompt's builder shows the offer
  on the delivery claimed at that moment);
- when the next `QUIET_AFTER` prompts go unanswered too, with no choice made, the member is
  paused (the offer said so) and gets no prompt; `/pln resume` brings them back.
An answer or a skip starts the count again. Members on the lighter rhythm (every two weeks)
get the weekly prompt on every other week since they joined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context
from bot.core.formatting import local_datetime
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, plain
from bot.store.models import Answer, Delivery, DeliveryStatus, Member, Schedule, ScheduleKind

QUIET_AFTER = 4
LOOK_BACK = timedelta(weeks=2 * QUIET_AFTER + 2)  # far enough for a fortnightly rhythm too
RHYTHM_WEEKLY_ACTION = "pln.rhythm.weekly"
RHYTHM_FORTNIGHTLY_ACTION = "pln.rhythm.fortnightly"


def on_rhythm(member: Member, local_date: date) -> bool:
    """Whether this week's prompt is for the member: every week, or every other week
    since they joined."""
    if member.every_weeks <= 1:
        return True
    weeks = (local_date - member.joined_at.date()).days // 7
    return weeks % member.every_weeks == 0


async def settle(session: AsyncSession, members: Sequence[Member], now: datetime) -> set[int]:
    """Mark the offer for those quiet for `QUIET_AFTER` prompts, pause those who stayed quiet
    after it; returns the ids of the members paused now (they get no prompt)."""
    runs = await _missed_runs(session, [m.id for m in members], now)
    paused: set[int] = set()
    for member in members:
        restart = member.resumed_at  # a resume, or a rhythm chosen, starts the count again
        missed = [t for t in runs.get(member.id, []) if restart is None or t > restart]
        offered = member.quiet_nudged_at
        if offered is not None and missed and missed[-1] <= offered:
            # quiet since the offer: after QUIET_AFTER prompts from it on, a pause
            if sum(1 for claimed in missed if claimed >= offered) >= QUIET_AFTER:
                member.paused_at = now
                paused.add(member.id)
            continue
        if len(missed) >= QUIET_AFTER:
            member.quiet_nudged_at = now  # this week's prompt carries the offer
    return paused


async def _missed_runs(
    session: AsyncSession, member_ids: Sequence[int], now: datetime
) -> dict[int, list[datetime]]:
    """For each member, the claim times of their latest weekly prompts left unanswered and
    unskipped, newest first, up to the latest one they answered or skipped."""
    if not member_ids:
        return {}
    answered = select(Answer.id).where(Answer.delivery_id == Delivery.id).exists()
    rows = await session.execute(
        select(Delivery.member_id, Delivery.claimed_at, Delivery.skipped_at, answered)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .where(
            Delivery.member_id.in_(sorted(set(member_ids))),
            Delivery.status == DeliveryStatus.SENT,
            Delivery.claimed_at >= now - LOOK_BACK,
            Schedule.kind == ScheduleKind.WEEKLY_PROMPT,
        )
        .order_by(Delivery.member_id, Delivery.claimed_at.desc())
    )
    runs: dict[int, list[datetime]] = defaultdict(list)
    ended: set[int] = set()
    for member_id, claimed_at, skipped_at, was_answered in rows.tuples():
        if member_id in ended:
            continue
        if was_answered or skipped_at is not None:
            ended.add(member_id)
            continue
        runs[member_id].append(claimed_at)
    return dict(runs)


def offer_buttons() -> tuple[Button, ...]:
    return (
        Button("Every two weeks", RHYTHM_FORTNIGHTLY_ACTION, style=ButtonStyle.PRIMARY),
        Button("Pause prompts", "pln.home.pause"),
        Button("Keep weekly", RHYTHM_WEEKLY_ACTION),
    )


OFFER = (
    "I haven't heard from you for a few weeks, and that's fine: school weeks get full. "
    "Would fewer prompts help? Choose a prompt every two weeks, a pause (`/pln resume` "
    "restarts it), or keep weekly. If the next four go unanswered too, I'll pause them "
    "for you."
)


async def set_rhythm(ctx: Context, choice: str) -> list[OutgoingMessage]:
    """`/pln rhythm weekly|fortnightly` (or the offer's buttons): how often prompts come.
    A choice also starts the count of unanswered prompts again."""
    member = ctx.require_member()
    if choice == "show":
        every = "every two weeks" if member.every_weeks == 2 else "every week"
        return [
            plain(
                f"Your prompts come {every}. `/pln rhythm weekly` or `/pln rhythm "
                "fortnightly` changes it; `/pln pause` stops them for a while."
            )
        ]
    member.every_weeks = 2 if choice == "fortnightly" else 1
    member.quiet_nudged_at = None
    member.resumed_at = ctx.now
    if member.paused_at is not None:
        member.paused_at = None
    next_time = await ctx.next_prompt_time()
    when = f" The next one arrives {local_datetime(next_time, ctx.zone)}." if next_time else ""
    every = "every two weeks" if member.every_weeks == 2 else "every week"
    return [plain(f"Done: a prompt {every} from now on.{when}")]
