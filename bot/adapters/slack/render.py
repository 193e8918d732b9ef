"""Platform-neutral messages as Slack Block Kit, escaped and within Slack's limits.

Every string the core produces may contain text a member wrote, so all of it is escaped
(&, <, >): `<!channel>` or `<@U123>` typed by a member is shown as written and pings no one.
Limits are Slack's documented ones; a text that would not fit is cut with a note rather
than sent as a payload Slack refuses.
"""

from __future__ import annotations

from typing import Any, Final

from bot.core.formatting import cut
from bot.core.messages import ButtonStyle, Form, OutgoingMessage, Section

MAX_BLOCKS: Final = 50
MAX_SECTION_TEXT: Final = 3000
MAX_FIELD_TEXT: Final = 2000
MAX_FIELDS: Final = 10
MAX_HEADER_TEXT: Final = 150
MAX_BUTTON_TEXT: Final = 75
MAX_BUTTON_VALUE: Final = 2000
MAX_MESSAGE_TEXT: Final = 40_000
MAX_NOTIFICATION_TEXT: Final = 3000  # the fallback `text` beside blocks: notifications only
MAX_MODAL_TITLE: Final = 24
MAX_INPUT_LENGTH: Final = 3000  # plain_text_input's max_length ceiling
MAX_INPUT_LABEL: Final = 2000
MAX_PLACEHOLDER: Final = 150
TEXT_BLOCK_BUDGET: Final = 45  # blocks left for text after header, fields and actions

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters, so member text can never become a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object (never parsed for mentions), cut to `limit` characters."""
    return {"type": "plain_text", "text": _fit(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def message_payload(message: OutgoingMessage) -> dict[str, Any]:
    """`text` and `blocks` for chat.postMessage, chat.update or a response_url."""
    blocks: list[Block] = []
    if message.heading:
        blocks.append({"type": "header", "text": plain_text(message.heading, MAX_HEADER_TEXT)})
    if message.sections:
        for section in message.sections:
            blocks.extend(_section_blocks(section))
    else:
        blocks.extend(_text_blocks(message.text, TEXT_BLOCK_BUDGET))
    if message.buttons:
        blocks.append(_actions_block(message))
    return {
        "text": escape(_fit(message.text, MAX_NOTIFICATION_TEXT)),
        "blocks": blocks[:MAX_BLOCKS],
    }


def modal_view(form: Form, *, intro: str | None = None) -> dict[str, Any]:
    """A modal for views.open: one input block per FormInput; submit routes by callback_id."""
    blocks: list[Block] = []
    if intro:
        blocks.extend(_text_blocks(intro, 3))
    for form_input in form.inputs:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": form_input.input_id,
            "multiline": form_input.multiline,
            "max_length": min(form_input.max_length or MAX_INPUT_LENGTH, MAX_INPUT_LENGTH),
        }
        if form_input.hint:
            element["placeholder"] = plain_text(form_input.hint, MAX_PLACEHOLDER)
        blocks.append(
            {
                "type": "input",
                "block_id": form_input.input_id,
                "label": plain_text(form_input.label, MAX_INPUT_LABEL),
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": form.submit_action_id,
        "private_metadata": form.value,
        "title": plain_text(form.title, MAX_MODAL_TITLE),
        "submit": plain_text("Save", MAX_MODAL_TITLE),
        "close": plain_text("Cancel", MAX_MODAL_TITLE),
        "blocks": blocks,
    }


def home_view(message: OutgoingMessage) -> dict[str, Any]:
    """The App Home tab for views.publish."""
    return {"type": "home", "blocks": message_payload(message)["blocks"]}


def form_values(state_values: dict[str, Any]) -> dict[str, str]:
    """A view_submission's `state.values` as {input_id: text}."""
    values: dict[str, str] = {}
    for block_id, actions in state_values.items():
        for action in actions.values():
            if isinstance(action, dict):
                values[block_id] = str(action.get("value") or "")
    return values


def _section_blocks(section: Section) -> list[Block]:
    blocks: list[Block] = []
    body = escape(section.body)
    if section.heading:
        body = f"*{escape(section.heading)}*\n{body}" if body else f"*{escape(section.heading)}*"
    if body:
        blocks.extend(_text_blocks_escaped(body, TEXT_BLOCK_BUDGET))
    if section.fields:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    mrkdwn(_fit(f"*{escape(field.label)}*\n{escape(field.value)}", MAX_FIELD_TEXT))
                    for field in section.fields[:MAX_FIELDS]
                ],
            }
        )
    return blocks


def _text_blocks(text: str, budget: int) -> list[Block]:
    return _text_blocks_escaped(escape(text), budget)


def _text_blocks_escaped(text: str, budget: int) -> list[Block]:
    """Escaped text as section blocks of at most 3,000 characters, split at line breaks.

    What does not fit in `budget` blocks (or Slack's 40,000 characters) is cut with a note,
    so one message always carries the whole start of the text and never fails to send.
    """
    text = _fit(text, min(budget * MAX_SECTION_TEXT, MAX_MESSAGE_TEXT) - 100)
    chunks: list[str] = []
    while text:
        if len(text) <= MAX_SECTION_TEXT:
            chunks.append(text)
            break
        split = text.rfind("\n", 0, MAX_SECTION_TEXT)
        if split <= 0:
            split = MAX_SECTION_TEXT
        chunk, text = text[:split], text[split:].lstrip("\n")
        chunks.append(_safe_chunk_end(chunk))
    return [{"type": "section", "text": mrkdwn(chunk)} for chunk in chunks if chunk.strip()]


def _safe_chunk_end(chunk: str) -> str:
    """Never end a chunk inside an entity like `&amp;` (a cut escape would show raw)."""
    amp = chunk.rfind("&", max(0, len(chunk) - 5))
    if amp != -1 and ";" not in chunk[amp:]:
        return chunk[:amp]
    return chunk


def _actions_block(message: OutgoingMessage) -> Block:
    elements = []
    for button in message.buttons[:25]:
        element: dict[str, Any] = {
            "type": "button",
            "text": plain_text(button.label, MAX_BUTTON_TEXT),
            "action_id": button.action_id,
            "value": button.value[:MAX_BUTTON_VALUE] or button.action_id,
        }
        if button.style is ButtonStyle.PRIMARY:
            element["style"] = "primary"
        elif button.style is ButtonStyle.DANGER:
            element["style"] = "danger"
        elements.append(element)
    return {"type": "actions", "elements": elements}


def _fit(text: str, limit: int) -> str:
    """`text` cut (with a note of how much was left out) so the result is at most `limit`."""
    if len(text) <= limit:
        return text
    note_room = 60
    return cut(text, max(limit - note_room, 1))[:limit]
