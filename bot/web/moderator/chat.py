"""What the moderator pages change, they change by the chat's own commands.

A page form becomes the `/pln ...` text a moderator would type (or a press of the button
the chat reply carried), goes through `PlnCore.handle`, and the replies come back as
`PageReply` values the templates show, with the reply's buttons as forms. So the rules,
the errors and the preview-then-confirm steps are the chat's, word for word, and the core
checks who may do what exactly as it does in chat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import retention
from bot.core.actors import Actor
from bot.core.events import ButtonPressed, CommandEntered
from bot.core.holidays import CANCEL_IMPORT_ACTION, CONFIRM_IMPORT_ACTION
from bot.core.messages import Attachment, ButtonStyle, OutgoingMessage
from bot.core.scheduling.preview import CONFIRM_ACTION, DISMISS_ACTION
from bot.core.service import PlnCore

SCHEDULE_KINDS = ("discussion", "prompt", "checkins")
CHANGE_VERBS = ("pause", "resume", "cancel")
# the buttons a moderator page may press: the previews' Confirm and Cancel
PAGE_ACTIONS = frozenset(
    {
        CONFIRM_ACTION,
        DISMISS_ACTION,
        CONFIRM_IMPORT_ACTION,
        CANCEL_IMPORT_ACTION,
        retention.CONFIRM_ACTION,
    }
)
MAX_CALENDAR_BYTES = 1_000_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PageInputError(ValueError):
    """A form field the page cannot turn into a command; str() says what to fill in."""


@dataclass(frozen=True)
class PageButton:
    label: str
    action_id: str
    value: str
    primary: bool


@dataclass(frozen=True)
class PageReply:
    """One chat reply as a page shows it: its text and its buttons (as forms)."""

    text: str
    buttons: tuple[PageButton, ...] = ()

    @property
    def lines(self) -> list[list[tuple[bool, str]]]:
        """Each line as (is code, text) runs: the chat's `/pln ...` spans show as code."""
        return [
            [(i % 2 == 1, part) for i, part in enumerate(line.split("`")) if part]
            for line in self.text.splitlines()
        ]


def page_reply(message: OutgoingMessage) -> PageReply:
    buttons = tuple(
        PageButton(b.label, b.action_id, b.value, b.style == ButtonStyle.PRIMARY)
        for b in message.buttons
        if b.action_id in PAGE_ACTIONS
    )
    return PageReply(message.text, buttons)


async def run(
    core: PlnCore, actor: Actor, text: str, files: Sequence[Attachment] = ()
) -> tuple[PageReply, ...]:
    """`/pln <text>` as if typed in chat; the replies as the page shows them."""
    outcome = await core.handle(CommandEntered(actor, text, tuple(files)))
    return tuple(page_reply(message) for message in outcome.replies)


async def press(core: PlnCore, actor: Actor, action_id: str, value: str) -> tuple[PageReply, ...]:
    """A preview's Confirm or Cancel pressed on the page; any other id is refused."""
    if action_id not in PAGE_ACTIONS:
        raise PageInputError("That button is not one of this page's.")
    outcome = await core.handle(ButtonPressed(actor, action_id, value))
    return tuple(page_reply(message) for message in outcome.replies)


def schedule_text(kind: str, plan: str) -> str:
    """`/pln schedule <kind> <plan>` from the calendar's form (no `confirm`: preview first)."""
    if kind not in SCHEDULE_KINDS:
        raise PageInputError(
            "Choose what to schedule: a discussion, the weekly prompt or check-ins."
        )
    words = " ".join(plan.split())
    if not words:
        raise PageInputError(
            'Write the plan as in chat, like `"Trust and data" in #pln every 2 weeks on tue '
            "16:00 Europe/London`."
        )
    if words.casefold().endswith(" confirm") or words.casefold() == "confirm":
        words = words[: -len("confirm")].rstrip()  # the page always previews first
    return f"schedule {kind} {words}"


def change_text(verb: str, schedule_id: str) -> str:
    """`/pln schedule pause|resume|cancel <id>` from a schedule's button on the page."""
    if verb not in CHANGE_VERBS or not schedule_id.isdecimal() or len(schedule_id) > 9:
        raise PageInputError("That schedule button is not one of this page's.")
    return f"schedule {verb} {schedule_id}"


def remove_holiday_text(holiday_id: str) -> str:
    """`/pln holidays remove <id>` from a holiday's Remove button."""
    if not holiday_id.isdecimal() or len(holiday_id) > 9:
        raise PageInputError("That holiday button is not one of this page's.")
    return f"holidays remove {holiday_id}"


def holiday_text(first: str, last: str, name: str) -> str:
    """`/pln holidays add first..last "name"` from the form's date fields (YYYY-MM-DD)."""
    first, last = first.strip(), last.strip() or first.strip()
    if not _ISO_DATE.fullmatch(first) or not _ISO_DATE.fullmatch(last):
        raise PageInputError("Give the first day (and the last day) as dates, like 2026-12-21.")
    cleaned = " ".join(name.replace('"', "'").split()) or "Holiday"
    days = first if first == last else f"{first}..{last}"
    return f'holidays add {days} "{cleaned}"'


def calendar_file(filename: str, content: bytes) -> Attachment:
    """An uploaded .ics, as the chat's `holidays import` takes an attached file."""
    if not content:
        raise PageInputError("Choose a calendar file (.ics) to import.")
    if len(content) > MAX_CALENDAR_BYTES:
        raise PageInputError("That file is over 1 MB: export just the school year's calendar.")
    safe = re.sub(r"[^\w.\- ]", "_", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:100]
    return Attachment(safe or "calendar.ics", content, "text/calendar")
