"""A member's home view: where they stand at a glance, with buttons for what they do most.

Slack shows it as the App Home tab; other adapters may show it on request. It shows dates
and counts only, never answer text, so it is safe to render wherever the member looks.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.actions import ActionSpec, FormSpec
from bot.core.context import Context
from bot.core.digest_requests import current_streak
from bot.core.formatting import local_date, local_datetime
from bot.core.messages import Button, ButtonStyle, Field, Form, FormInput, OutgoingMessage, Section
from bot.core.timezones import TimezoneError, describe_zone, zone_or_choice
from bot.store import deliveries as delivery_store
from bot.store import reflections as reflection_store

JOIN_ACTION = "pln.home.join"
DIGEST_ACTION = "pln.home.digest"
TIMEZONE_ACTION = "pln.home.timezone"
PAUSE_ACTION = "pln.home.pause"
RESUME_ACTION = "pln.home.resume"
TIMEZONE_FORM_ACTION = "pln.form.timezone"
RECENT_ANSWERS = 5


async def home_view(ctx: Context) -> OutgoingMessage:
    if not ctx.is_active_member:
        return OutgoingMessage(
            kind="home",
            heading="pln-bot: your leadership reflections",
            text=(
                "Once a week I send members of this PLN a short leadership reflection prompt. "
                "Your answers are private to you. Join to take part."
            ),
            sections=(
                Section(
                    body=(
                        "Once a week I send members of this PLN a short leadership reflection "
                        "prompt. Your answers are private to you."
                    )
                ),
            ),
            buttons=(Button("Join the PLN", JOIN_ACTION, style=ButtonStyle.PRIMARY),),
        )
    member = ctx.require_member()
    sent = await delivery_store.sent_deliveries_since(ctx.session, member.id, None)
    answered = await reflection_store.answered_delivery_ids(ctx.session, member.id)
    recent = await reflection_store.recent_answers(ctx.session, member.id, RECENT_ANSWERS)
    next_time = await ctx.next_prompt_time()
    if member.paused_at is not None and member.paused_until is not None:
        next_prompt = f"Paused until {local_date(member.paused_until, ctx.zone)}"
    elif member.paused_at is not None:
        next_prompt = "Paused"
    elif next_time is not None:
        next_prompt = local_datetime(next_time, ctx.zone)
    else:
        next_prompt = "Not scheduled"
    revisits = await delivery_store.revisit_ids(ctx.session, member.id)
    streak = current_streak(sent, answered, ctx.zone, revisits, until=ctx.now)
    zone_name = member.timezone or ctx.config.default_timezone
    dates = [local_date(answer.created_at, ctx.zone) for answer, _ in recent]
    answers_body = "\n".join(f"• {day}" for day in dates) or "No answers yet."
    pause_button = (
        Button("Resume prompts", RESUME_ACTION, style=ButtonStyle.PRIMARY)
        if member.paused_at is not None
        else Button("Pause prompts", PAUSE_ACTION)
    )
    return OutgoingMessage(
        kind="home",
        heading="pln-bot: your leadership reflections",
        text=f"Next prompt: {next_prompt}. Streak: {streak}. Time zone: {zone_name}.",
        sections=(
            Section(
                fields=(
                    Field("Next prompt", next_prompt),
                    Field("Streak", f"{streak} answered in a row"),
                    Field("Answers so far", str(len(answered))),
                    Field("Time zone", describe_zone(zone_name, ctx.now)),
                )
            ),
            Section(heading="Your last answers", body=answers_body),
        ),
        buttons=(
            Button("My digest", DIGEST_ACTION, style=ButtonStyle.PRIMARY),
            Button("Time zone", TIMEZONE_ACTION),
            pause_button,
        ),
    )


def timezone_form(current: str | None) -> OutgoingMessage:
    return OutgoingMessage(
        text="Type your time zone or city, e.g. `/pln tz Europe/Berlin`.",
        form=Form(
            title="Your time zone",
            submit_action_id=TIMEZONE_FORM_ACTION,
            inputs=(
                FormInput(
                    "zone",
                    "Time zone or city",
                    multiline=False,
                    max_length=100,
                    hint=current or "Europe/Berlin, Toronto, Asia/Singapore",
                ),
            ),
        ),
    )


def _check_zone(fields: Mapping[str, str]) -> dict[str, str]:
    """An abbreviation or offset passes: the `tz` command then asks which place it is."""
    try:
        zone_or_choice(fields.get("zone", ""))
    except (TimezoneError, ValueError) as error:
        return {"zone": str(error)}
    return {}


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(TIMEZONE_ACTION, opens_form=lambda _value: timezone_form(None)),
)
FORMS: tuple[FormSpec, ...] = (
    FormSpec(
        TIMEZONE_FORM_ACTION,
        check=_check_zone,
        command=lambda fields: "tz " + fields.get("zone", "").strip(),
        refreshes_home=True,
    ),
)
