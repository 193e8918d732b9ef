"""Platform-neutral messages as Discord content, embeds, buttons and modals, within limits.

AllowedMentions.none() on the client is what keeps member text from pinging anyone; this
module keeps every payload inside Discord's documented sizes (content 2,000; embed title
256, description 4,096, 25 fields of 256/1,024, 6,000 in all; modal title 45, input 4,000),
cutting with a note instead of letting Discord refuse the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import discord

from bot.core.formatting import cut
from bot.core.messages import ButtonStyle, Form, OutgoingMessage

MAX_CONTENT: Final = 2000
MAX_EMBED_TITLE: Final = 256
MAX_EMBED_DESCRIPTION: Final = 4096
MAX_EMBED_FIELDS: Final = 25
MAX_FIELD_NAME: Final = 256
MAX_FIELD_VALUE: Final = 1024
MAX_EMBED_TOTAL: Final = 6000
MAX_CUSTOM_ID: Final = 100
MAX_BUTTON_LABEL: Final = 80
MAX_MODAL_TITLE: Final = 45
MAX_INPUT_LABEL: Final = 45
MAX_INPUT_LENGTH: Final = 4000
MAX_PLACEHOLDER: Final = 100
CUSTOM_ID_SEPARATOR: Final = ":"
EMBED_COLOUR: Final = discord.Colour(0x2F4F6F)

_STYLES: Final = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
}


@dataclass(frozen=True)
class DiscordPayload:
    """Keyword arguments for `send`: content and/or one embed, and the buttons."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None


def custom_id(action_id: str, value: str) -> str:
    """Stable ids: a button keeps working after a restart because it names what it does."""
    return f"{action_id}{CUSTOM_ID_SEPARATOR}{value}"[:MAX_CUSTOM_ID]


def parse_custom_id(text: str) -> tuple[str, str]:
    action_id, _, value = text.partition(CUSTOM_ID_SEPARATOR)
    return action_id, value


def payload(message: OutgoingMessage) -> DiscordPayload:
    view = buttons_view(message)
    if not message.heading and not message.sections:
        return DiscordPayload(fit(message.text, MAX_CONTENT), None, view)
    return DiscordPayload(None, embed(message), view)


def embed(message: OutgoingMessage) -> discord.Embed:
    budget = MAX_EMBED_TOTAL - 100
    title = fit(message.heading or "", MAX_EMBED_TITLE) or None
    budget -= len(title or "")
    bodies = []
    fields: list[tuple[str, str]] = []
    for section in message.sections:
        if section.heading and not section.body and section.fields:
            bodies.append(f"**{section.heading}**")
        elif section.heading:
            bodies.append(f"**{section.heading}**\n{section.body}")
        elif section.body:
            bodies.append(section.body)
        fields.extend((field.label, field.value) for field in section.fields)
    # Fields (figures) first, within half the budget; the description gets what is left.
    kept: list[tuple[str, str]] = []
    field_budget = budget // 2
    for name, value in fields[:MAX_EMBED_FIELDS]:
        name, value = fit(name, MAX_FIELD_NAME), fit(value or "—", MAX_FIELD_VALUE)
        if len(name) + len(value) > field_budget:
            break
        field_budget -= len(name) + len(value)
        kept.append((name, value))
    fields = kept
    budget -= sum(len(name) + len(value) for name, value in fields)
    description = fit("\n\n".join(bodies), min(MAX_EMBED_DESCRIPTION, max(budget, 0)))
    result = discord.Embed(title=title, description=description or None, colour=EMBED_COLOUR)
    for name, value in fields:
        result.add_field(name=name, value=value, inline=True)
    return result


def buttons_view(message: OutgoingMessage) -> discord.ui.View | None:
    if not message.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in message.buttons[:25]:
        view.add_item(
            discord.ui.Button(
                label=fit(button.label, MAX_BUTTON_LABEL),
                custom_id=custom_id(button.action_id, button.value),
                style=_STYLES[button.style],
            )
        )
    return view


def modal(form: Form) -> discord.ui.Modal:
    """A modal whose submit comes back as an interaction with custom_id action:value."""
    result = discord.ui.Modal(
        title=fit(form.title, MAX_MODAL_TITLE),
        custom_id=custom_id(form.submit_action_id, form.value),
        timeout=None,
    )
    for form_input in form.inputs[:5]:
        result.add_item(
            discord.ui.TextInput(
                label=fit(form_input.label, MAX_INPUT_LABEL),
                custom_id=form_input.input_id,
                style=(
                    discord.TextStyle.paragraph if form_input.multiline else discord.TextStyle.short
                ),
                max_length=min(form_input.max_length or MAX_INPUT_LENGTH, MAX_INPUT_LENGTH),
                placeholder=fit(form_input.hint, MAX_PLACEHOLDER) if form_input.hint else None,
                required=True,
            )
        )
    return result


def fit(text: str, limit: int) -> str:
    """`text` cut (with a note of how much was left out) to at most `limit` characters."""
    if len(text) <= limit:
        return text
    return cut(text, max(limit - 60, 1))[:limit]
