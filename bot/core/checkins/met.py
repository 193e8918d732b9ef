""" "Did you meet?": a member's Yes / Not yet / No, kept on their seat in the group.

Only the member's own seat can be marked (the press is routed by the seat, and a seat of
someone else reads as not theirs). "Not yet" brings one reminder a few days later; the
moderators' meeting rate counts the Yes answers of those who answered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.actions import ActionSpec
from bot.core.checkins.messages import MET_ACTIONS
from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.store import checkins as store

SAID = {
    "yes": "Great, noted that you met. Thank you for making the time.",
    "not_yet": "Noted: not yet. I'll ask once more in a few days.",
    "no": "Noted: you didn't meet this time. You'll be in the next round as usual.",
}


def _mark(answer: str) -> Callable[[Context, int], Awaitable[list[OutgoingMessage]]]:
    async def mark(ctx: Context, seat_id: int) -> list[OutgoingMessage]:
        member = ctx.require_member()
        seat = await store.own_seat(ctx.session, member.id, seat_id)
        if seat is None:
            return [plain("That button isn't about a check-in group of yours.")]
        if seat.met == answer:
            return [plain(SAID[answer])]
        seat.met = answer
        seat.met_at = ctx.now
        return [plain(SAID[answer])]

    return mark


ACTIONS: tuple[ActionSpec, ...] = tuple(
    ActionSpec(action, handler=_mark(answer), routes_by="seat")
    for answer, action in MET_ACTIONS.items()
)
