"""Platform-neutral outgoing messages: what the core says, before any adapter renders it.

Adapters turn these into Block Kit (Slack), embeds and views (Discord) or plain text
(console). The core never builds platform payloads itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Field:
    """A short label/value pair, shown side by side where the platform can."""

    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """A block of text with an optional heading and fields."""

    body: str = ""
    heading: str | None = None
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Button:
    """A choice the member can press; `action_id` routes it back to the core."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True)
class FormInput:
    """One input of a form (a modal on Slack and Discord)."""

    input_id: str
    label: str
    multiline: bool = True
    max_length: int | None = None
    hint: str | None = None  # greyed-out example text inside the empty input


@dataclass(frozen=True)
class Form:
    """A small form the member fills in; submitting it sends `submit_action_id` to the core."""

    title: str
    submit_action_id: str
    value: str = ""
    inputs: tuple[FormInput, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: a digest chart (PNG) or an export (Markdown, JSON).

    Slack uploads it into the member's DM with the bot, Discord attaches it, the console
    saves it to a file and prints the path. Files are always private to the member.
    """

    filename: str
    content: bytes
    mime_type: str
    title: str = ""


@dataclass(frozen=True)
class OutgoingMessage:
    """One message from the bot. `text` is always set: it is the fallback every platform shows."""

    text: str
    heading: str | None = None
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    form: Form | None = None
    private: bool = True
    kind: str = "reply"
    metadata: dict[str, str] = field(default_factory=dict)
    files: tuple[Attachment, ...] = ()
    # a channel post that opens a thread for replies, named so (a discussion)
    thread_title: str | None = None


def plain(text: str) -> OutgoingMessage:
    """The commonest reply: just text."""
    return OutgoingMessage(text=text)
