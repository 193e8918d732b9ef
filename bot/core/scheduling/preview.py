"""Saying a plan back before it is saved: the rule in words, its next three fire times in
the moderator's zone and in the rule's zone, and Confirm / Cancel buttons."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.formatting import local_datetime
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.scheduling.parse import CheckinsPlan, DiscussionPlan, PromptPlan

CONFIRM_ACTION = "pln.schedule.confirm"
DISMISS_ACTION = "pln.schedule.dismiss"


def what(plan: PromptPlan | DiscussionPlan | CheckinsPlan) -> str:
    """The plan in words: what it posts, where, and when."""
    if isinstance(plan, PromptPlan):
        return f"The weekly reflection prompt, {plan.rule.describe()}"
    if isinstance(plan, CheckinsPlan):
        odd = (
            "one sits out, first in line next time, when the number is odd"
            if plan.odd == "sit-out"
            else "a three when the number is odd"
        )
        return (
            f"Peer check-in rounds, {plan.rule.describe()}: members who joined check-ins "
            f"are put in pairs ({odd}) and introduced by DM"
        )
    question = (
        f"library prompt {plan.prompt_id}"
        if plan.prompt_id
        else (f'"{plan.text}"' if plan.text else "the next prompt of the rotation")
    )
    return (
        f'A discussion "{plan.title}" in #{plan.channel}, {plan.rule.describe()}, asking {question}'
    )


def fire_lines(fires: list[datetime], mine: ZoneInfo, rule_zone: str | None) -> list[str]:
    """One line per fire time: in the moderator's zone, and in the rule's when it differs."""
    lines = []
    for at in fires:
        line = f"• {local_datetime(at, mine)} your time ({mine.key})"
        if rule_zone is None:
            line += ", the same wall time in each member's zone"
        elif rule_zone != mine.key:
            line += f" = {local_datetime(at, ZoneInfo(rule_zone))} {rule_zone}"
        lines.append(line)
    return lines


def preview(
    plan: PromptPlan | DiscussionPlan | CheckinsPlan,
    fires: list[datetime],
    mine: ZoneInfo,
    draft_id: int,
) -> OutgoingMessage:
    count = "next fire time" if len(fires) == 1 else f"next {len(fires)} fire times"
    lines = [
        f"Here is how I understood it: {what(plan)}.",
        f"Its {count}:",
        *fire_lines(fires, mine, plan.rule.zone),
    ]
    if isinstance(plan, PromptPlan):
        lines.append("It replaces the current weekly prompt schedule.")
    if isinstance(plan, CheckinsPlan):
        lines.append("It replaces the current check-in schedule, if there is one.")
    lines.append(
        f"Nothing is saved yet. Press Confirm, or type `/pln schedule {plan.words()} confirm`."
    )
    return OutgoingMessage(
        text="\n".join(lines),
        buttons=(
            Button("Confirm", CONFIRM_ACTION, str(draft_id), ButtonStyle.PRIMARY),
            Button("Cancel", DISMISS_ACTION, str(draft_id)),
        ),
    )
