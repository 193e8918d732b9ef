"""Plain-text rendering of core messages for a terminal."""

from __future__ import annotations

import re

from bot.core.messages import Form, OutgoingMessage

# Terminal control characters in member text could move the cursor or recolour the
# screen; show them as visible escapes instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def render_lines(message: OutgoingMessage) -> list[str]:
    """The message as lines; buttons become numbered choices and a form becomes an invitation."""
    lines = sanitize(message.text).split("\n")
    if message.buttons:
        choices = "   ".join(
            f"[{number}] {button.label}" for number, button in enumerate(message.buttons, start=1)
        )
        keys = " or ".join(f":{number}" for number in range(1, len(message.buttons) + 1))
        lines.append(f"{choices}   (type {keys} to choose)")
    if message.form is not None and len(message.form.inputs) > 1:
        count = len(message.form.inputs)
        lines.append(
            f"{message.form.title}: {count} questions; type each answer as your next message."
        )
        lines.append(question_line(message.form, 0))
    elif message.form is not None:
        lines.append(f"{message.form.title}: type it as your next message.")
    return lines


def question_line(form: Form, index: int) -> str:
    """One question of a form asked on the console: `(2/3) Your role (e.g. ...)`."""
    asked = form.inputs[index]
    hint = f" (e.g. {asked.hint})" if asked.hint else ""
    return sanitize(f"({index + 1}/{len(form.inputs)}) {asked.label}{hint}")


def prefixed(name: str, lines: list[str]) -> str:
    """Every line of bot output starts with `[bot -> NAME]`, so scripts can pick them out."""
    head = f"[bot -> {name}]"
    return "\n".join(f"{head} {line}" if line else head for line in lines)
