"""`/pln profile`: what check-ins and mentoring read about a member (school, role,
interests), set in one form or one field at a time, and shown back.

The school is kept as typed and as a folded key (`schools.school_key`), so members of one
school are never grouped however each spelled it. Interests are the prompt library's
elements, as "framework/element" keys, so a shared interest can open a conversation with
a prompt on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Final

from bot.core.actions import ActionSpec, FormSpec
from bot.core.checkins.model import ROLES, Role
from bot.core.checkins.schools import MAX_SCHOOL, school_key
from bot.core.context import Context
from bot.core.messages import Button, ButtonStyle, Field, Form, FormInput, OutgoingMessage, Section
from bot.prompts.library import default_library
from bot.store.checkin_models import MemberProfile

EDIT_ACTION: Final = "pln.profile.edit"
FORM_ACTION: Final = "pln.form.profile"
ROLE_NAMES: Final[Mapping[str, str]] = {
    "it": "IT professional",
    "teacher": "teacher-integrator",
    "leader": "senior administrator",
}
NO_INTERESTS: Final = frozenset({"none", "-", "clear"})
MAX_INTERESTS: Final = 12


@cache
def element_keys() -> tuple[str, ...]:
    """Every "framework/element" key of the prompt library, in the library's order."""
    return tuple(
        f"{file.framework.id}/{element.id}"
        for file in default_library().frameworks
        for element in file.elements
    )


def parse_role(text: str) -> Role:
    """`it`, `teacher` or `leader` (or the profile's full name); ValueError otherwise."""
    typed = text.strip().casefold()
    for role in ROLES:
        if typed in (role, ROLE_NAMES[role].casefold()):
            return role
    raise ValueError(
        "Your role is one of `it` (IT professional), `teacher` (teacher-integrator) or "
        "`leader` (senior administrator), e.g. `/pln profile role teacher`."
    )


def parse_interests(text: str) -> tuple[str, ...]:
    """Element keys separated by spaces or commas (`none` clears them); ValueError naming
    the valid keys when one is unknown."""
    words = text.replace(",", " ").casefold().split()
    if not words or (len(words) == 1 and words[0] in NO_INTERESTS):
        return ()
    known = element_keys()
    unknown = [word for word in words if word not in known]
    if unknown:
        raise ValueError(
            f"I don't know {', '.join(unknown[:3])}. Interests are framework/element keys: "
            + ", ".join(known)
        )
    if len(set(words)) > MAX_INTERESTS:
        raise ValueError(f"Choose at most {MAX_INTERESTS} interests.")
    return tuple(dict.fromkeys(words))


def parse_school(text: str) -> str:
    name = " ".join(text.split()).strip('"“” ')
    if school_key(name) is None:
        raise ValueError(
            'Type your school\'s name, e.g. `/pln profile school "Northside Academy"`.'
        )
    if len(name) > MAX_SCHOOL:
        raise ValueError(f"A school's name is at most {MAX_SCHOOL} characters.")
    return name


async def _profile(ctx: Context) -> MemberProfile:
    member = ctx.require_member()
    found = await ctx.session.get(MemberProfile, member.id)
    if found is None:
        found = MemberProfile(member_id=member.id, interests="", updated_at=ctx.now)
        ctx.session.add(found)
    return found


def _described(profile: MemberProfile | None) -> OutgoingMessage:
    school = profile.school if profile and profile.school else "not set"
    role = ROLE_NAMES.get(profile.role or "", "not set") if profile else "not set"
    interests = (profile.interests.split() if profile else []) or ["none yet"]
    text = (
        f"Your profile for check-ins and mentoring:\nSchool: {school}\nRole: {role}\n"
        f"Interests: {', '.join(interests)}\n"
        "Members of the same school are never put in one check-in group."
    )
    fields = (
        Field("School", school),
        Field("Role", role),
        Field("Interests", ", ".join(interests)),
    )
    return OutgoingMessage(text=text, heading="Your profile", sections=(Section(fields=fields),))


async def show(ctx: Context) -> list[OutgoingMessage]:
    """`/pln profile show`: the profile, with the button that opens its form."""
    shown = _described(await ctx.session.get(MemberProfile, ctx.require_member().id))
    return [
        OutgoingMessage(
            text=shown.text + "\nChange it with the button (or `/pln profile`), or one field "
            'at a time: `/pln profile school "Northside Academy"`, `/pln profile role '
            "it|teacher|leader`, `/pln profile interests olf/using-data slict/shared-vision`.",
            heading=shown.heading,
            sections=shown.sections,
            buttons=(Button("Change my profile", EDIT_ACTION, style=ButtonStyle.PRIMARY),),
        )
    ]


async def set_school(ctx: Context, name: str) -> list[OutgoingMessage]:
    profile = await _profile(ctx)
    profile.school, profile.school_key, profile.updated_at = name, school_key(name), ctx.now
    return [_described(profile)]


async def set_role(ctx: Context, role: Role) -> list[OutgoingMessage]:
    profile = await _profile(ctx)
    profile.role, profile.updated_at = role, ctx.now
    return [_described(profile)]


async def set_interests(ctx: Context, keys: tuple[str, ...]) -> list[OutgoingMessage]:
    profile = await _profile(ctx)
    profile.interests, profile.updated_at = " ".join(keys), ctx.now
    return [_described(profile)]


def profile_form() -> OutgoingMessage:
    return OutgoingMessage(
        text="Your profile: school, role and interests.",
        form=Form(
            title="Your profile",
            submit_action_id=FORM_ACTION,
            value="0",
            inputs=(
                FormInput("school", "Your school", multiline=False, max_length=MAX_SCHOOL),
                FormInput(
                    "role",
                    "Your role: it, teacher or leader",
                    multiline=False,
                    max_length=40,
                    hint="it (IT professional), teacher (integrator), leader (administrator)",
                ),
                FormInput(
                    "interests",
                    "Interests: framework/element keys, or none",
                    max_length=600,
                    hint="olf/using-data slict/shared-vision (see /pln frameworks)",
                ),
            ),
        ),
    )


def _check_form(fields: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, parse in (("school", parse_school), ("role", parse_role)):
        try:
            parse(fields.get(name, ""))
        except ValueError as error:
            errors[name] = str(error)
    try:
        parse_interests(fields.get("interests", ""))
    except ValueError as error:
        errors["interests"] = str(error)
    return errors


async def _save_form(ctx: Context, _value: int, fields: Mapping[str, str]) -> list[OutgoingMessage]:
    profile = await _profile(ctx)
    name = parse_school(fields.get("school", ""))
    profile.school, profile.school_key = name, school_key(name)
    profile.role = parse_role(fields.get("role", ""))
    profile.interests = " ".join(parse_interests(fields.get("interests", "")))
    profile.updated_at = ctx.now
    return [_described(profile)]


ACTIONS: tuple[ActionSpec, ...] = (ActionSpec(EDIT_ACTION, opens_form=lambda _v: profile_form()),)
FORMS: tuple[FormSpec, ...] = (FormSpec(FORM_ACTION, check=_check_form, handler=_save_form),)
