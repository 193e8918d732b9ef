"""The `/pln schedule ...` commands and their buttons, declared once for every platform."""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.shapes import Option, rest_of_line
from bot.core.commands.spec import ButtonAction, CommandSpec
from bot.core.context import Context
from bot.core.messages import OutgoingMessage
from bot.core.scheduling import listing, planning
from bot.core.scheduling.parse import (
    ScheduleError,
    parse_checkins,
    parse_discussion,
    parse_prompt,
    split_confirm,
)
from bot.core.scheduling.planning import (
    ConfirmDraft,
    DismissDraft,
    ScheduleCheckins,
    ScheduleDiscussion,
    SchedulePlan,
)
from bot.core.scheduling.preview import CONFIRM_ACTION, DISMISS_ACTION


def _prompt_plan(text: str) -> SchedulePlan:
    words, confirmed = split_confirm(text)
    return SchedulePlan(parse_prompt(words), confirmed)


def _discussion_plan(text: str) -> ScheduleDiscussion:
    words, confirmed = split_confirm(text)
    return ScheduleDiscussion(parse_discussion(words), confirmed)


def _checkins_plan(text: str) -> ScheduleCheckins:
    words, confirmed = split_confirm(text)
    return ScheduleCheckins(parse_checkins(words), confirmed)


def _schedule_id(text: str) -> int:
    cleaned = text.strip()
    if not cleaned.isdecimal() or len(cleaned) > 9:
        raise ScheduleError("Give the schedule's number from `/pln schedules`, like 3.")
    return int(cleaned)


def _skip(text: str) -> listing.SkipDate:
    match = re.fullmatch(r"(\d{1,9})\s+(\d{4}-\d{2}-\d{2})", text.strip())
    if match is None:
        raise ScheduleError(
            "Give the schedule's number and the date to skip, like `/pln schedule skip 3 "
            "2027-02-16`."
        )
    try:
        return listing.SkipDate(int(match.group(1)), date.fromisoformat(match.group(2)))
    except ValueError:
        raise ScheduleError(
            f"{match.group(2)} is not a date: write year-month-day, like 2027-02-16."
        ) from None


def _draft(make: type[ConfirmDraft] | type[DismissDraft]) -> ButtonAction:
    action = CONFIRM_ACTION if make is ConfirmDraft else DISMISS_ACTION
    return ButtonAction(
        action, lambda value: make(int(value)) if value.isdecimal() and len(value) < 10 else None
    )


async def _schedule_prompt(
    ctx: Context, command: SchedulePlan | ConfirmDraft | DismissDraft
) -> list[OutgoingMessage]:
    """The preview's buttons come back to this command: one spec holds the whole exchange."""
    if isinstance(command, ConfirmDraft):
        return await planning.confirm_draft(ctx, command)
    if isinstance(command, DismissDraft):
        return await planning.dismiss_draft(ctx, command)
    return await planning.schedule_plan(ctx, command)


_VERBS: dict[str, type[listing.ChangeSchedule]] = {
    "pause": listing.PauseSchedule,
    "resume": listing.ResumeSchedule,
    "cancel": listing.CancelSchedule,
}


def _change(verb: str) -> CommandSpec:
    said = {
        "pause": "Pause a schedule: it fires nothing until resumed.",
        "resume": "Resume a paused schedule (what fell due meanwhile is not sent).",
        "cancel": "Cancel a schedule for good.",
    }[verb]
    return CommandSpec(
        name=f"schedule {verb}",
        arguments=rest_of_line(
            _VERBS[verb],
            convert=_schedule_id,
            name="id",
            option=Option("id", "The schedule's number from /pln schedules", required=True),
        ),
        summary=said,
        description=f"{said} The number is the one `/pln schedules` shows.",
        example=f"schedule {verb} 3",
        handler=listing.change_schedule,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
    )


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="schedule prompt",
        arguments=rest_of_line(
            lambda plan: plan,
            convert=_prompt_plan,
            name="rule",
            produces=(SchedulePlan, ConfirmDraft, DismissDraft),
            option=Option(
                "rule",
                "weekly mon 09:00, or every 2 weeks on thu 15:30 [Europe/London]",
                required=True,
            ),
        ),
        summary="Set the weekly prompt's day and time (shows a preview to confirm).",
        description=(
            "`weekly mon 09:00` sends it at 09:00 in each member's own zone; `every 2 weeks "
            "on thu 15:30` every other week; add a zone (`Europe/London`) for one time for "
            "all. The reply shows the next three times; Confirm (or `confirm` at the end) "
            "saves it."
        ),
        example="schedule prompt every 2 weeks on thu 15:30",
        handler=_schedule_prompt,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
        buttons=(_draft(ConfirmDraft), _draft(DismissDraft)),
    ),
    CommandSpec(
        name="schedule discussion",
        arguments=rest_of_line(
            lambda plan: plan,
            convert=_discussion_plan,
            name="plan",
            produces=(ScheduleDiscussion,),
            option=Option(
                "plan",
                '"Title" in #channel every 2 weeks on tue 16:00 Europe/London',
                required=True,
            ),
        ),
        summary="Plan a discussion in a channel, weekly, fortnightly or once.",
        description=(
            "A title in quotes, `in #channel`, then `weekly tue 16:00`, `every 2 weeks on "
            "tue 16:00` or `once 2027-01-12 15:00`, a zone, and optionally `prompt <id>` or "
            '`text "..."` for the question. A preview comes first.'
        ),
        example='schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 '
        "Europe/London",
        handler=planning.schedule_plan,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
    ),
    CommandSpec(
        name="schedule checkins",
        arguments=rest_of_line(
            lambda plan: plan,
            convert=_checkins_plan,
            name="rule",
            produces=(ScheduleCheckins,),
            option=Option("rule", "every 2 weeks on mon 10:00 Europe/London", required=True),
        ),
        summary="Plan peer check-in rounds: pairs formed and introduced on a rhythm.",
        description=(
            "`every 2 weeks on mon 10:00` (or `weekly ...`) and a zone (without one, the "
            "PLN's default). At each round members who joined check-ins are put in pairs, "
            "a three when the number is odd, never two from one school, and introduced by "
            "DM. A preview comes first; see docs/CHECKINS.md."
        ),
        example="schedule checkins every 2 weeks on mon 10:00 Europe/London",
        handler=planning.schedule_plan,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
    ),
    _change("pause"),
    _change("resume"),
    _change("cancel"),
    CommandSpec(
        name="schedule skip",
        arguments=rest_of_line(
            lambda skip: skip,
            convert=_skip,
            name="id and date",
            produces=(listing.SkipDate,),
            option=Option(
                "id_and_date", "The schedule's number and a date: 3 2027-02-16", required=True
            ),
        ),
        summary="Skip one date of a schedule (a trip, an exam week).",
        description="That date's prompt or discussion does not fire; the rest of the plan stays.",
        example="schedule skip 3 2027-02-16",
        handler=listing.skip_date,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
    ),
)
