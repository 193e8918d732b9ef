"""Discussion threads on the console: the replies typed with `:reply`, per discussion post.

A console has no real channel, so a thread is this in-memory list, kept while the process
runs (the console is a one-terminal trial, not a community's home: a restart forgets
the replies, and a recap after it says the thread could not be read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.ports import ThreadReply


@dataclass
class ConsoleThread:
    channel: str  # as shown: "#pln"
    title: str
    replies: list[ThreadReply] = field(default_factory=list)

    @property
    def name(self) -> str:
        """How the thread is named in the transcript: `#pln thread: Trust and data`."""
        return f"{self.channel} thread: {self.title}"


@dataclass
class ConsoleThreads:
    by_ref: dict[str, ConsoleThread] = field(default_factory=dict)
    newest: str | None = None

    def open(self, ref: str, channel: str, title: str) -> None:
        self.by_ref[ref] = ConsoleThread(channel, title)
        self.newest = ref

    def reply(self, author: str, text: str, at: datetime) -> ConsoleThread | None:
        """`author` replies in the newest thread; None when there is none yet."""
        thread = self.by_ref.get(self.newest or "")
        if thread is not None:
            thread.replies.append(ThreadReply(author, text, at))
        return thread
