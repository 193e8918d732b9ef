"""Prompts sent to console members are printed, and their buttons remembered for `:N`.

The console is also a `ChannelMessenger`: a channel is a name (`/pln channel #pln`), and a
post in it or its removal is printed as `[bot -> #pln] ...`, so sharing an answer and
channel mode can be tried without a chat platform. Files are saved and their paths shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.adapters.console.files import DEFAULT_FILES_DIR, save_file
from bot.adapters.console.render import prefixed, question_line, render_lines, sanitize
from bot.adapters.console.threads import ConsoleThreads
from bot.core.messages import Attachment, Button, Form, OutgoingMessage
from bot.core.ports import Recipient, SendResult, ThreadReply


class ConsoleMessenger:
    """The console's Messenger: all members (and the channels) share one terminal."""

    platform = "console"

    def __init__(self, out: TextIO, files_dir: Path = DEFAULT_FILES_DIR) -> None:
        self._out = out
        self._files_dir = files_dir
        self._sent = 0
        # the buttons last shown to each member and in each channel, with when they were
        # shown: `:N` presses the newest a member can see (their own, or a channel post's)
        self._choices: dict[str, tuple[int, tuple[Button, ...]]] = {}
        self._shown = 0
        self.forms: dict[str, Form] = {}
        # a form of several inputs is asked one question at a time: the answers so far
        self.form_answers: dict[str, dict[str, str]] = {}
        self.threads = ConsoleThreads()

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        self.show(recipient.platform_user_id, message)
        return SendResult.sent(self._next_ref())

    async def send_to_channel(
        self,
        community_external_id: str,
        channel_id: str,
        message: OutgoingMessage,
        thread_ref: str | None = None,
    ) -> SendResult:
        target = channel_target(channel_id)
        thread = self.threads.by_ref.get(thread_ref or "")
        if thread is not None:
            target = thread.name
        self._remember(target, message.buttons)
        self._print(target, message)
        ref = self._next_ref()
        if message.thread_title:
            self.threads.open(ref, target, sanitize(message.thread_title))
            print(prefixed(target, ["(reply in its thread with :reply TEXT)"]), file=self._out)
        return SendResult.sent(ref)

    async def thread_replies(
        self, community_external_id: str, channel_id: str, thread_ref: str
    ) -> list[ThreadReply] | None:
        thread = self.threads.by_ref.get(thread_ref)
        return None if thread is None else list(thread.replies)

    def link_to(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> str:
        """The console has no links: the post's reference, as its line showed it."""
        return f"{channel_target(channel_id)} post {sanitize(platform_message_ref)}"

    async def delete_in_channel(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> bool:
        line = f"(post {sanitize(platform_message_ref)} removed)"
        print(prefixed(channel_target(channel_id), [line]), file=self._out, flush=True)
        return True

    def choices_for(self, name: str) -> tuple[Button, ...]:
        """The buttons `name` can press now: the newest of their own message's and of any
        channel post's (everyone on the console reads the channels too)."""
        visible = [
            shown
            for target, shown in self._choices.items()
            if target == name or target.startswith("#")
        ]
        return max(visible)[1] if visible else ()

    def _remember(self, target: str, buttons: tuple[Button, ...]) -> None:
        if buttons:
            self._shown += 1
            self._choices[target] = (self._shown, buttons)

    def show(self, name: str, message: OutgoingMessage) -> None:
        self._remember(name, message.buttons)
        if message.form is not None:
            self.forms[name] = message.form
            self.form_answers[name] = {}
        self._print(name, message)

    def take_form_answer(self, name: str, line: str) -> tuple[Form, dict[str, str]] | None:
        """Record `line` as the answer to `name`'s open form's next question: the form and
        all its answers once the last is in (the form is then closed), else None after
        asking the next question."""
        form = self.forms[name]
        answers = self.form_answers.setdefault(name, {})
        answers[form.inputs[len(answers)].input_id] = line
        if len(answers) < len(form.inputs):
            print(prefixed(name, [question_line(form, len(answers))]), file=self._out, flush=True)
            return None
        del self.forms[name]
        return form, self.form_answers.pop(name)

    def _print(self, target: str, message: OutgoingMessage) -> None:
        lines = render_lines(message) + [self._saved(attachment) for attachment in message.files]
        print(prefixed(target, lines), file=self._out, flush=True)

    def _saved(self, attachment: Attachment) -> str:
        """Save one file; the line that tells the member where it is (or why it is not)."""
        label = sanitize(attachment.title or attachment.filename)
        try:
            path = save_file(self._files_dir, attachment)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            return f"I couldn't save {label} in {self._files_dir}: {reason}"
        return f"{label} saved to {path}"

    def _next_ref(self) -> str:
        self._sent += 1
        return f"console-{self._sent}"


def channel_target(channel_id: str) -> str:
    """How a channel is named in the transcript: `#pln`."""
    return "#" + sanitize(channel_id.lstrip("#"))
