"""What adapters hand the core: a few frozen events, whatever the platform.

An adapter turns a platform payload into one of these and calls `PlnCore.handle`; the core
answers with an `Outcome`: what to say, and what else the adapter should do (refresh the
member's home view, open the DM with a welcome). Platform details stay in the adapter;
decisions (who is a moderator, what a DM reply means, what a button does) stay here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.actors import Actor
from bot.core.messages import Attachment, OutgoingMessage


@dataclass(frozen=True)
class DirectUser:
    """Someone writing in a DM that carries no community (Discord): the core finds which of
    their communities the message belongs to."""

    platform: str
    user_id: str
    display_name: str = ""


Who = Actor | DirectUser


@dataclass(frozen=True)
class CommandEntered:
    """`/pln <text>`: `text` is what followed `/pln`; `files` were attached to it (a
    calendar for `holidays import`), read by the adapter, never fetched by the core."""

    who: Who
    text: str
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class MessagePosted:
    """A plain message to the bot: an answer or a free note. `message_ref` identifies the
    platform message (a duplicate delivery is stored once); `reply_to` is the message it
    replies to (a prompt's thread or reference)."""

    who: Who
    text: str
    message_ref: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True)
class MessageEdited:
    who: Who
    message_ref: str
    text: str


@dataclass(frozen=True)
class MessageDeleted:
    who: Who
    message_ref: str


@dataclass(frozen=True)
class ButtonPressed:
    """A button with one of our action ids; `value` is what the button carried."""

    who: Who
    action_id: str
    value: str = ""


@dataclass(frozen=True)
class FormSubmitted:
    who: Who
    action_id: str
    value: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HomeOpened:
    """The member looked at their home view (Slack's App Home)."""

    who: Who


Event = (
    CommandEntered
    | MessagePosted
    | MessageEdited
    | MessageDeleted
    | ButtonPressed
    | FormSubmitted
    | HomeOpened
)


@dataclass(frozen=True)
class Outcome:
    """The core's answer to an event.

    `replies` go back where the event came from; `refresh_home` says the member's home view
    (Slack's App Home) changed and should be shown again; `welcome` is a first direct
    message to open the DM (after a join typed in a channel). A form that is not accepted
    is answered with its errors as replies; platforms that show errors inside the open
    form ask `PlnCore.form_errors` first.
    """

    replies: tuple[OutgoingMessage, ...] = ()
    welcome: OutgoingMessage | None = None
    refresh_home: bool = False
