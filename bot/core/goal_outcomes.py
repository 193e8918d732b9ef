"""What became of a goal: a revisit that quotes a goal the member set asks, with one
button each, whether it is done, partly done, not yet done or dropped.

The answer is kept on the revisit's delivery (`goal_outcome`), which the digest reads to
list each goal with its outcome (bot/store/digests.py `goal_outcomes`). A line about it,
if the member wants to add one, is the revisit's answer: its Answer button or a reply to
it. Only the member's own revisit can be marked: the press is routed by its delivery.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.actions import ActionSpec
from bot.core.context import Context
from bot.core.messages import Button, OutgoingMessage, plain
from bot.store import deliveries as delivery_store

GOAL_ASKED = "asked"  # a goal revisit, no outcome given yet
OUTCOMES: dict[str, tuple[str, str]] = {  # outcome: (button label, how the reply says it)
    "done": ("Done", "done"),
    "partly": ("Partly", "partly done"),
    "not_yet": ("Not yet", "not done yet"),
    "dropped": ("Dropped", "dropped"),
}


def action_id(outcome: str) -> str:
    return f"pln.goal.{outcome}"


def outcome_buttons(delivery_id: int) -> tuple[Button, ...]:
    return tuple(
        Button(label, action_id(outcome), str(delivery_id))
        for outcome, (label, _) in OUTCOMES.items()
    )


def _mark(outcome: str) -> Callable[[Context, int], Awaitable[list[OutgoingMessage]]]:
    async def mark(ctx: Context, delivery_id: int) -> list[OutgoingMessage]:
        member = ctx.require_member()
        delivery = await delivery_store.member_delivery(ctx.session, member.id, delivery_id)
        if delivery is None or delivery.goal_outcome is None:
            return [plain("That button doesn't belong to a goal of yours any more.")]
        delivery.goal_outcome = outcome
        said = OUTCOMES[outcome][1]
        return [
            plain(
                f"Noted: {said}. Your digest lists the goal with it. If you like, reply to "
                "the Looking back message (or press its Answer) with a line about how it went."
            )
        ]

    return mark


ACTIONS: tuple[ActionSpec, ...] = tuple(
    ActionSpec(action_id(outcome), handler=_mark(outcome), routes_by="delivery")
    for outcome in OUTCOMES
)
