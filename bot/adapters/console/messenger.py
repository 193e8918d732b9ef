"""Prompts sent to console members are printed, and their buttons remembered for `:N`."""

from __future__ import annotations

from typing import TextIO

from bot.adapters.console.render import prefixed, render_lines
from bot.core.messages import Button, Form, OutgoingMessage
from bot.core.ports import Recipient, SendResult


class ConsoleMessenger:
    """The console's Messenger: all members share one terminal."""

    platform = "console"

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._sent = 0
        self.choices: dict[str, tuple[Button, ...]] = {}
        self.forms: dict[str, Form] = {}

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        self.show(recipient.platform_user_id, message)
        self._sent += 1
        return SendResult.sent(f"console-{self._sent}")

    def show(self, name: str, message: OutgoingMessage) -> None:
        if message.buttons:
            self.choices[name] = message.buttons
        if message.form is not None:
            self.forms[name] = message.form
        print(prefixed(name, render_lines(message)), file=self._out, flush=True)
