"""The short self-assessment mentoring matches on: the member's profile (from
`/pln profile role`) and a 1-5 rating of each of the five core capacities of the Ontario
Leadership Framework. Asked in a form (five inputs: Discord's modals hold no more) or
typed as `/pln mentor assess 3 4 2 5 1`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.core.actions import ActionSpec, FormSpec
from bot.core.checkins.model import CAPACITIES
from bot.core.context import Context
from bot.core.messages import Button, ButtonStyle, Form, FormInput, OutgoingMessage
from bot.store.checkin_models import MemberProfile, SelfAssessment

RATE_ACTION: Final = "pln.mentor.assess"
FORM_ACTION: Final = "pln.form.assessment"
Ratings = tuple[int, int, int, int, int]


def capacity_name(capacity: str) -> str:
    """`building_relationships` -> `building relationships`."""
    return capacity.replace("_", " ")


def parse_ratings(text: str) -> Ratings:
    """Five whole numbers from 1 to 5, in the capacities' order; ValueError otherwise."""
    words = text.replace(",", " ").split()
    if len(words) != len(CAPACITIES) or not all(w in ("1", "2", "3", "4", "5") for w in words):
        raise ValueError(
            "Rate yourself 1 (new to it) to 5 (strong) on each of the five capacities, in "
            "order: " + ", ".join(map(capacity_name, CAPACITIES)) + ". For example "
            "`/pln mentor assess 3 4 2 5 1`, or press **Rate myself**."
        )
    a, b, c, d, e = (int(word) for word in words)
    return a, b, c, d, e


def ratings_of(assessment: SelfAssessment) -> Ratings:
    return (
        assessment.setting_directions,
        assessment.building_relationships,
        assessment.developing_the_organization,
        assessment.improving_the_instructional_program,
        assessment.securing_accountability,
    )


def described(assessment: SelfAssessment) -> str:
    return ", ".join(
        f"{capacity_name(name)} {rating}"
        for name, rating in zip(CAPACITIES, ratings_of(assessment), strict=True)
    )


NO_ROLE: Final = (
    "First tell me which profile fits you: `/pln profile role it|teacher|leader` (IT "
    "professional, teacher-integrator or senior administrator)."
)


async def save(ctx: Context, ratings: Ratings) -> SelfAssessment | str:
    """The member's assessment with these ratings and their profile's role; the reason
    when there is no role yet."""
    member = ctx.require_member()
    profile = await ctx.session.get(MemberProfile, member.id)
    if profile is None or profile.role is None:
        return NO_ROLE
    found = await ctx.session.get(SelfAssessment, member.id)
    if found is None:
        found = SelfAssessment(member_id=member.id)
        ctx.session.add(found)
    found.role = profile.role
    (
        found.setting_directions,
        found.building_relationships,
        found.developing_the_organization,
        found.improving_the_instructional_program,
        found.securing_accountability,
    ) = ratings
    found.updated_at = ctx.now
    await ctx.session.flush()
    return found


def ask(before: str) -> OutgoingMessage:
    """`before`, and the button that opens the self-assessment form."""
    return OutgoingMessage(
        text=before + " Rate yourself with the button, or type `/pln mentor assess` and five "
        "numbers from 1 to 5: " + ", ".join(map(capacity_name, CAPACITIES)) + ".",
        buttons=(Button("Rate myself", RATE_ACTION, style=ButtonStyle.PRIMARY),),
    )


def assessment_form() -> OutgoingMessage:
    return OutgoingMessage(
        text="Rate yourself 1 (new to it) to 5 (strong) on each capacity.",
        form=Form(
            title="Your self-assessment",
            submit_action_id=FORM_ACTION,
            inputs=tuple(
                FormInput(
                    name,
                    f"{capacity_name(name).capitalize()} (1-5)",
                    multiline=False,
                    max_length=1,
                    hint="1 new to it ... 5 strong",
                )
                for name in CAPACITIES
            ),
        ),
    )


def _check_form(fields: Mapping[str, str]) -> dict[str, str]:
    return {
        name: "A number from 1 to 5."
        for name in CAPACITIES
        if fields.get(name, "").strip() not in ("1", "2", "3", "4", "5")
    }


def _as_command(fields: Mapping[str, str]) -> str:
    return "mentor assess " + " ".join(fields.get(name, "").strip() for name in CAPACITIES)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(RATE_ACTION, opens_form=lambda _value: assessment_form()),
)
FORMS: tuple[FormSpec, ...] = (FormSpec(FORM_ACTION, check=_check_form, command=_as_command),)
