"""Buttons and forms: one namespace of action ids, and what a declared action does.

Every id starts with `pln.` (`pln.<area>.<verb>`; a button's value, such as a prompt's
delivery id, travels beside it). Adapters forward every id for which `is_ours` is true to
the core whole: they never filter by prefix lists or know which actions exist, so a button
the core offers cannot be dead on one platform. Ids of buttons sent before the namespace
existed are still understood (`LEGACY_IDS`), because a prompt from last week keeps its
buttons.

Actions are declared next to the handler that owns them: a button that runs a command in
the command's spec (`CommandSpec.buttons`), the others as `ActionSpec`/`FormSpec` in their
handler module; bot/core/registry.py collects them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.messages import OutgoingMessage

NAMESPACE: Final = "pln."

# Buttons already sitting in members' DMs from before the namespace; never reuse these ids.
LEGACY_IDS: Final[Mapping[str, str]] = {
    "prompt.answer": "pln.prompt.answer",
    "prompt.skip": "pln.prompt.skip",
    "prompt.snooze": "pln.prompt.snooze",
    "prompt.post.answer": "pln.post.answer",
    "prompt.answer.submit": "pln.form.answer",
    "home.join": "pln.home.join",
    "home.digest": "pln.home.digest",
    "home.timezone": "pln.home.timezone",
    "home.pause": "pln.home.pause",
    "home.resume": "pln.home.resume",
    "settings.timezone.submit": "pln.form.timezone",
    "share_answer": "pln.answer.share",
    "unshare_answer": "pln.answer.unshare",
    "delete_answer_confirm": "pln.answer.delete",
    "forget_me_confirm": "pln.data.erase",
}

# For platforms that register handlers by pattern (slack-bolt's app.action / app.view).
ACTION_ID_PATTERN: Final = re.compile(
    r"^(?:" + re.escape(NAMESPACE) + r".+|" + "|".join(map(re.escape, LEGACY_IDS)) + r")$"
)


def canonical(action_id: str) -> str:
    """The namespaced id of an action, whatever age the button that sent it."""
    return LEGACY_IDS.get(action_id, action_id)


def is_ours(action_id: str) -> bool:
    """Whether an adapter should hand this id to the core (every id in the namespace)."""
    return bool(ACTION_ID_PATTERN.match(action_id))


def row_id(value: str, routes_by: RoutesBy | None) -> int | None:
    """The row a button's value names. A `pending` value also names the community chosen
    (`<pending id>.<community id on the platform>`): the row is the part before the dot.
    An `answer` value is the member's own number for it (`n3`)."""
    if routes_by == "pending":
        value = value.partition(".")[0]
    if routes_by == "answer":
        return answer_number(value)
    return delivery_id(value)


def answer_value(number: int) -> str:
    """What a button about one of the member's answers carries: its number (#3 -> `n3`).

    Not the bare number: buttons sent before numbers existed carry a table id, and such a
    press must read as stale, never as the member's #57."""
    return f"n{number}"


def answer_number(value: str) -> int | None:
    """The member's answer number a button carries (`n3`), or None for any other value."""
    cleaned = value.strip()
    digits = cleaned.removeprefix("n")
    if digits == cleaned or not digits.isdecimal() or len(digits) > 12:
        return None
    return int(digits)


def delivery_id(value: str) -> int | None:
    """A button value that names one of our rows (a delivery, a post); None otherwise."""
    cleaned = value.strip()
    if not cleaned.isdecimal() or len(cleaned) > 18:
        return None
    return int(cleaned)


Replies = list["OutgoingMessage"]

# What a button's value names, so a press in a DM that carries no community (Discord) is
# routed to the community of that row: a prompt's delivery, a channel post, an answer.
RoutesBy = Literal["delivery", "post", "answer", "pending", "seat"]


@dataclass(frozen=True)
class ActionSpec:
    """A button handled in one unit of work (members only), or one that opens a form.

    `handler` gets the button's value as a row id (a press whose value is not an id is
    stale or forged and gets the "doesn't work any more" reply). `opens_form` answers with
    the form at once, without the database, so Discord can show it within its 3 seconds;
    `handler_opens_form` says the handler answers with a form after reading the store (the
    channel post's Answer privately), so platforms must run it before answering the press.
    """

    action_id: str
    handler: Callable[[Context, int], Awaitable[Replies]] | None = None
    opens_form: Callable[[str], OutgoingMessage | None] | None = None
    handler_opens_form: bool = False
    routes_by: RoutesBy | None = None
    changes_schedule: bool = False
    refreshes_home: bool = False

    def __post_init__(self) -> None:
        if not self.action_id.startswith(NAMESPACE):
            raise ValueError(f"action ids start with {NAMESPACE!r}: {self.action_id!r}")


@dataclass(frozen=True)
class FormSpec:
    """A submitted form. `check` returns {input id: error} shown where the platform can
    (inside Slack's still-open modal) and as a reply elsewhere, before anything runs.

    Either `handler` (one unit of work with the form's value as a row id, members only) or
    `command` (the `/pln` text the form stands for, e.g. "tz Europe/Berlin") runs it.
    """

    action_id: str
    check: Callable[[Mapping[str, str]], dict[str, str]]
    handler: Callable[[Context, int, Mapping[str, str]], Awaitable[Replies]] | None = None
    command: Callable[[Mapping[str, str]], str] | None = None
    refreshes_home: bool = False
    routes_by: RoutesBy | None = None

    def __post_init__(self) -> None:
        if not self.action_id.startswith(NAMESPACE):
            raise ValueError(f"action ids start with {NAMESPACE!r}: {self.action_id!r}")
        if (self.handler is None) == (self.command is None):
            raise ValueError(f"form {self.action_id!r} needs exactly one of handler and command")
