"""The console session: reads lines, routes `/pln` commands and messages to the core, and
handles the console's own controls (`:as`, `:advance`, `:now`, `:help`, `:quit`, `:N`)."""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import TextIO

import pytimeparse2

from bot.adapters.clock_controls import MAX_ADVANCE, TOO_FAR
from bot.adapters.console.files import read_attached, split_attached
from bot.adapters.console.messenger import ConsoleMessenger
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.events import ButtonPressed, CommandEntered, Event, FormSubmitted, MessagePosted
from bot.core.messages import OutgoingMessage
from bot.core.metrics import timed_event
from bot.core.runner import Runner
from bot.core.service import PlnCore

CONSOLE_COMMUNITY = CommunityRef(platform="console", external_id="local", name="Console")
MEMBER_NAME = re.compile(r"^[\w.-]{1,32}$")

CONTROLS_HELP = """Console controls:
  /pln ...          a command, e.g. /pln help
  any other text    a message from the current member (an answer or a note)
  :as NAME          act as another member (console:NAME)
  :advance 3d       move the simulated clock on, firing what falls due (e.g. 2h30m, 1w)
  :now              show the clock
  :1, :2, ...       press a button of the last message that had some
  :reply TEXT       reply in the newest discussion's thread (public to the channel)
  :help             this help
  :quit             leave (Ctrl-D works too)"""


class ConsoleSession:
    """One terminal, any number of members taking turns at it."""

    def __init__(
        self,
        core: PlnCore,
        runner: Runner,
        messenger: ConsoleMessenger,
        member: str,
        out: TextIO,
    ) -> None:
        self.core = core
        self.runner = runner
        self.messenger = messenger
        self.member = member
        self.out = out
        self._controls: dict[str, Callable[[str], Awaitable[bool]]] = {
            "as": self._switch_member,
            "advance": self._advance,
            "now": self._show_now,
            "reply": self._reply_in_thread,
            "help": self._show_help,
            "quit": self._quit,
            "q": self._quit,
        }

    @property
    def actor(self) -> Actor:
        # the console is each member's private conversation with the bot: a DM
        return Actor(
            community=CONSOLE_COMMUNITY,
            user_id=self.member,
            display_name=self.member,
            in_direct_message=True,
        )

    async def handle_line(self, line: str) -> bool:
        """Handle one input line; False when the session should end."""
        line = line.rstrip("\r\n")
        stripped = line.strip()
        if stripped.startswith(":"):
            return await self._control(stripped[1:])
        event: Event
        if stripped.lower() == "/pln" or stripped.lower().startswith("/pln "):
            self.messenger.forms.pop(self.member, None)
            self.messenger.form_answers.pop(self.member, None)
            text, path = split_attached(stripped[4:])
            try:
                files = (read_attached(path),) if path is not None else ()
            except OSError as error:
                self.note(f"could not attach {path}: {error.strerror or error}")
                return True
            event = CommandEntered(self.actor, text, files=files)
        else:
            if self.member in self.messenger.forms and stripped:
                answered = self.messenger.take_form_answer(self.member, line)
                if answered is None:
                    return True  # the next question is asked
                form, fields = answered
                event = FormSubmitted(self.actor, form.submit_action_id, form.value, fields)
            else:
                self.messenger.forms.pop(self.member, None)
                event = MessagePosted(self.actor, line)
        self._say(list((await self.core.handle(event)).replies))
        return True

    async def _control(self, text: str) -> bool:
        name, _, argument = text.partition(" ")
        name = name.lower()
        if name.isdigit():
            await self._choose(int(name))
            return True
        control = self._controls.get(name)
        if control is None:
            self.note(f"Unknown control ':{name[:20]}'. Type :help for the console controls.")
            return True
        return await control(argument.strip())

    async def _choose(self, number: int) -> None:
        choices = self.messenger.choices_for(self.member)
        if not 1 <= number <= len(choices):
            self.note(f"There is no choice {number} for {self.member} right now.")
            return
        button = choices[number - 1]
        pressed = ButtonPressed(self.actor, button.action_id, button.value)
        self._say(list((await self.core.handle(pressed)).replies))

    async def _switch_member(self, name: str) -> bool:
        if not MEMBER_NAME.match(name):
            self.note("Use :as NAME with letters, digits, '.', '-' or '_' (up to 32), e.g. :as bob")
        else:
            self.member = name
            self.note(f"You are now {name} (console:{name}).")
        return True

    async def _advance(self, text: str) -> bool:
        clock = self.core.clock
        if not isinstance(clock, SimulatedClock):
            self.note("The clock can only be moved with `pln-bot run --clock simulated`.")
            return True
        seconds = pytimeparse2.parse(text) if text else None
        if seconds is None or seconds <= 0:
            self.note("Say how far to move, e.g. :advance 7d, :advance 2h30m or :advance 1w.")
            return True
        delta = timedelta(seconds=float(seconds))
        if delta > MAX_ADVANCE:
            self.note(TOO_FAR)
            return True
        await self.runner.advance(delta)
        return await self._show_now("")

    async def _reply_in_thread(self, text: str) -> bool:
        if not text:
            self.note("Write your reply after :reply, e.g. :reply We ask parents first.")
            return True
        thread = self.messenger.threads.reply(self.member, text, self.core.clock.now())
        if thread is None:
            self.note("There is no discussion thread to reply to yet.")
        else:
            self.note(f"{self.member} replied in {thread.name}.")
        return True

    async def _show_now(self, _argument: str) -> bool:
        now = self.core.clock.now().astimezone(UTC)
        kind = "simulated" if isinstance(self.core.clock, SimulatedClock) else "system"
        self.note(f"It is {now:%a %d %b %Y %H:%M} UTC ({kind} clock).", prefix="[clock]")
        return True

    async def _show_help(self, _argument: str) -> bool:
        for line in CONTROLS_HELP.splitlines():
            self.note(line)
        return True

    async def _quit(self, _argument: str) -> bool:
        return False

    def _say(self, replies: list[OutgoingMessage]) -> None:
        for reply in replies:
            self.messenger.show(self.member, reply)

    def note(self, text: str, prefix: str = "[console]") -> None:
        print(f"{prefix} {text}", file=self.out, flush=True)


async def read_lines(session: ConsoleSession, stdin: TextIO, *, interactive: bool) -> None:
    """Feed input to the session until EOF or `:quit`; piped input is echoed as a transcript.

    Lines are read on a daemon thread, so Ctrl-C or Ctrl-D ends the session at once instead
    of waiting for a blocked `input()`; the next prompt shows only after the line is handled.
    """
    if interactive:
        import readline  # noqa: F401  (line editing and history for input())
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    handled = threading.Event()

    def reader() -> None:
        while True:
            try:
                line: str | None = (
                    input(f"{session.member}> ") if interactive else stdin.readline() or None
                )
            except (EOFError, KeyboardInterrupt):
                line = None
            loop.call_soon_threadsafe(lines.put_nowait, line)
            if line is None:
                return
            handled.wait()
            handled.clear()

    threading.Thread(target=reader, name="console-input", daemon=True).start()
    while (line := await lines.get()) is not None:
        if not interactive:
            print(f"{session.member}> {line.rstrip()}", file=session.out, flush=True)
        try:
            async with timed_event(session.core.metrics, "console", "line"):
                carry_on = await session.handle_line(line)
            if not carry_on:
                return
        finally:
            handled.set()
    if interactive:
        print(file=session.out)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()
