"""`/pln schedule prompt|discussion`: preview a plan, and save it when it is confirmed.

A preview stores only a draft (the words), so Confirm saves exactly what was shown even if
the button is pressed days later; what lies in the past by then is refused, not moved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.formatting import local_datetime
from bot.core.messages import OutgoingMessage, plain
from bot.core.scheduling import preview as preview_module
from bot.core.scheduling.parse import (
    CheckinsPlan,
    DiscussionPlan,
    PromptPlan,
    ScheduleError,
    parse_checkins,
    parse_discussion,
    parse_prompt,
)
from bot.core.scheduling.rules import first_date, is_skipped_wall_time, next_fires, place
from bot.prompts.library import default_library
from bot.store import community_prompts as community_prompt_store
from bot.store import schedules as store
from bot.store.models import Schedule, ScheduleKind
from bot.store.schedule_models import Discussion

log = logging.getLogger(__name__)
Plan = PromptPlan | DiscussionPlan | CheckinsPlan


@dataclass(frozen=True)
class SchedulePlan:
    """`/pln schedule prompt ...` or `/pln schedule discussion ...`; `confirmed` saves it."""

    plan: Plan
    confirmed: bool = False


@dataclass(frozen=True)
class ScheduleDiscussion(SchedulePlan):
    """`/pln schedule discussion ...`: a SchedulePlan whose plan is a DiscussionPlan."""


@dataclass(frozen=True)
class ScheduleCheckins(SchedulePlan):
    """`/pln schedule checkins ...`: a SchedulePlan whose plan is a CheckinsPlan."""


@dataclass(frozen=True)
class ConfirmDraft:
    """The Confirm button of a preview: its draft's id."""

    draft_id: int


@dataclass(frozen=True)
class DismissDraft:
    """The Cancel button of a preview."""

    draft_id: int


def parse_words(words: str) -> Plan:
    """A plan from the words after `/pln schedule` (a draft's words)."""
    kind, _, rest = words.partition(" ")
    if kind == "checkins":
        return parse_checkins(rest)
    return parse_prompt(rest) if kind == "prompt" else parse_discussion(rest)


async def schedule_plan(ctx: Context, command: SchedulePlan) -> list[OutgoingMessage]:
    try:
        plan = await _checked(ctx, command.plan)
    except ScheduleError as error:
        return [plain(str(error))]
    if command.confirmed:
        return [await _save(ctx, plan)]
    zone = _rule_zone(ctx, plan)
    anchor = first_date(plan.rule, zone, ctx.now)
    fires = next_fires(plan.rule, zone, anchor, ctx.now)
    draft_id = await store.add_draft(ctx.session, ctx.community.id, plan.words(), ctx.now)
    return [preview_module.preview(plan, fires, ctx.zone, draft_id)]


async def confirm_draft(ctx: Context, command: ConfirmDraft) -> list[OutgoingMessage]:
    words = await store.take_draft(ctx.session, ctx.community.id, command.draft_id, ctx.now)
    if words is None:
        return [plain(_USED)]
    try:
        plan = await _checked(ctx, parse_words(words))
    except ScheduleError as error:
        return [plain(f"{error} Nothing was saved.")]
    return [await _save(ctx, plan)]


async def dismiss_draft(ctx: Context, command: DismissDraft) -> list[OutgoingMessage]:
    words = await store.take_draft(ctx.session, ctx.community.id, command.draft_id, ctx.now)
    return [plain(_USED if words is None else "Cancelled: nothing was scheduled.")]


_KINDS: dict[type[Plan], ScheduleKind] = {
    PromptPlan: ScheduleKind.WEEKLY_PROMPT,
    DiscussionPlan: ScheduleKind.DISCUSSION,
    CheckinsPlan: ScheduleKind.CHECKINS,
}

_USED = (
    "That preview was already confirmed or cancelled; nothing changed. "
    "`/pln schedules` shows the plan."
)


def _rule_zone(ctx: Context, plan: Plan) -> ZoneInfo:
    """The zone the rule's dates are counted in: its own, else the moderator's."""
    return ZoneInfo(plan.rule.zone) if plan.rule.zone else ctx.zone


async def _checked(ctx: Context, plan: Plan) -> Plan:
    """What needs the community or the clock: a discussion's zone (the community's default
    when none is written), its prompt, a one-off's skipped wall time or past date."""
    if isinstance(plan, PromptPlan):
        return plan
    if plan.rule.zone is None:
        plan = replace(plan, rule=replace(plan.rule, zone=ctx.config.default_timezone))
    if isinstance(plan, CheckinsPlan):
        return plan
    zone = ZoneInfo(plan.rule.zone or ctx.config.default_timezone)
    once = plan.rule.once_on
    if once is not None:
        at = plan.rule.local_time
        if is_skipped_wall_time(once, at, zone):
            raise ScheduleError(
                f"{at:%H:%M} does not exist on {once.isoformat()} in {zone.key}: the clocks "
                "jump forward over it that night. Choose a time an hour later or earlier."
            )
        if place(once, at, zone) <= ctx.now:
            raise ScheduleError(
                f"{once.isoformat()} {at:%H:%M} {zone.key} is in the past (it is "
                f"{local_datetime(ctx.now, zone)} there now): choose a later date."
            )
    if plan.prompt_id is not None and not await _prompt_exists(ctx, plan.prompt_id):
        raise ScheduleError(
            f"There is no prompt {plan.prompt_id}: `/pln prompts list` shows your own, "
            '`pln-bot prompts list` the library\'s; or ask your own with `text "..."`.'
        )
    return plan


async def _prompt_exists(ctx: Context, prompt_id: str) -> bool:
    if default_library().by_id(prompt_id) is not None:
        return True
    own = await community_prompt_store.find_prompt(ctx.session, ctx.community.id, prompt_id)
    return own is not None and own.active


async def _save(ctx: Context, plan: Plan) -> OutgoingMessage:
    zone = _rule_zone(ctx, plan)
    anchor = first_date(plan.rule, zone, ctx.now)
    rule = plan.rule
    schedule = Schedule(
        community_id=ctx.community.id,
        kind=_KINDS[type(plan)],
        weekday=rule.weekday,
        local_time=rule.local_time.strftime("%H:%M"),
        fire_at=place(anchor, rule.local_time, zone) if rule.is_once else None,
        every_weeks=rule.every_weeks,
        zone=rule.zone,
        starts_on=anchor,
        active=True,
        created_at=ctx.now,
        created_by=ctx.member.id if ctx.member else None,
    )
    replaced = None
    if isinstance(plan, PromptPlan | CheckinsPlan):
        replaced = await store.active_schedule_of_kind(
            ctx.session, ctx.community.id, _KINDS[type(plan)]
        )
        if replaced is not None:
            replaced.active = False  # its claimed rows stay; it claims nothing more
        if isinstance(plan, CheckinsPlan):
            schedule.checkin_odd = plan.odd
    else:
        schedule.prompt_id = plan.prompt_id
    ctx.session.add(schedule)
    await ctx.session.flush()
    if isinstance(plan, DiscussionPlan):
        ctx.session.add(
            Discussion(
                schedule_id=schedule.id,
                title=plan.title,
                channel_id=plan.channel,
                question=plan.text,
            )
        )
    log.info(
        "schedule saved",
        extra={"fields": {"schedule_id": schedule.id, "kind": schedule.kind}},
    )
    first = next_fires(rule, zone, anchor, ctx.now, count=1)
    when = local_datetime(first[0], ctx.zone) if first else "never"
    instead = f" It replaces schedule {replaced.id}." if replaced is not None else ""
    return plain(
        f"Saved as schedule {schedule.id}: {preview_module.what(plan)}. First: {when} your "
        f"time.{instead} `/pln schedules` lists every schedule."
    )
