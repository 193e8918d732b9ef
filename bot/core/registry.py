"""Every command, button and form the core answers, collected from where each is declared.

Commands come from bot/core/commands (each spec may declare buttons that run it); buttons
and forms with their own handlers come from their handler modules' `ACTIONS` and `FORMS`.
Adding a button means declaring it next to its handler and, if its module is new, adding
the module below. Ids are checked once here: two declarations of one id fail at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from bot.core import goal_outcomes, home, pending_dms, reflections
from bot.core.actions import NAMESPACE, ActionSpec, FormSpec, RoutesBy, canonical
from bot.core.checkins import assessment as checkin_assessment
from bot.core.checkins import met as checkin_met
from bot.core.checkins import profile as checkin_profile
from bot.core.commands import ButtonAction, CommandSpec, command_specs

Action = ActionSpec | ButtonAction
_S = TypeVar("_S", Action, FormSpec)


def _by_id(declared: Iterable[_S]) -> dict[str, _S]:
    found: dict[str, _S] = {}
    for spec in declared:
        if spec.action_id in found:
            raise ValueError(f"action id declared twice: {spec.action_id}")
        if not spec.action_id.startswith(NAMESPACE):
            raise ValueError(f"action ids start with {NAMESPACE!r}: {spec.action_id!r}")
        found[spec.action_id] = spec
    return found


_COMMAND_OF_BUTTON: dict[str, CommandSpec] = {
    button.action_id: spec for spec in command_specs() for button in spec.buttons
}
_DECLARED_ACTIONS: list[Action] = [
    *(button for spec in command_specs() for button in spec.buttons),
    *reflections.ACTIONS,
    *home.ACTIONS,
    *pending_dms.ACTIONS,
    *goal_outcomes.ACTIONS,
    *checkin_profile.ACTIONS,
    *checkin_assessment.ACTIONS,
    *checkin_met.ACTIONS,
]
_ACTIONS: dict[str, Action] = _by_id(_DECLARED_ACTIONS)
_FORMS: dict[str, FormSpec] = _by_id(
    [*reflections.FORMS, *home.FORMS, *checkin_profile.FORMS, *checkin_assessment.FORMS]
)
if set(_ACTIONS) & set(_FORMS):
    raise ValueError("a button and a form share an id")


def action(action_id: str) -> Action | None:
    """The button an id names (old ids included), or None for one we never declared."""
    return _ACTIONS.get(canonical(action_id))


def form(action_id: str) -> FormSpec | None:
    """The form an id names (old ids included), or None."""
    return _FORMS.get(canonical(action_id))


def command_of_button(action_id: str) -> CommandSpec | None:
    """The command a button runs, for its flags; None for buttons with their own handler."""
    return _COMMAND_OF_BUTTON.get(canonical(action_id))


def opens_form(action_id: str) -> bool:
    """Whether pressing this button answers with a form (Discord must show it first)."""
    found = action(action_id)
    return isinstance(found, ActionSpec) and (
        found.opens_form is not None or found.handler_opens_form
    )


def routes_by(action_id: str) -> RoutesBy | None:
    """What the value of a button or form names (a delivery, a post, an answer), if anything."""
    found = action(action_id) or form(action_id)
    return None if found is None else found.routes_by


def action_ids() -> tuple[str, ...]:
    """Every button id, for tests that press each one through every adapter."""
    return tuple(_ACTIONS)


def form_ids() -> tuple[str, ...]:
    """Every form id."""
    return tuple(_FORMS)
