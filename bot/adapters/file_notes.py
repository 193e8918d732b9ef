"""What members are told about the files of a message, worded once for every adapter.

Files (a digest chart, an export) travel differently on each platform: Slack puts them in
the member's DM, Discord attaches them, the console saves them. When a file goes somewhere
else than the text, or does not arrive at all, the member is told in the same words
everywhere, and the text of the message is never held back because of a file.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Attachment


def file_names(files: Sequence[Attachment]) -> str:
    """`a.png`, `a.md and b.json`, `a, b and c`: the names a member will see in the chat."""
    names = [f"`{attachment.filename}`" for attachment in files]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def sent_to_dm_note(files: Sequence[Attachment]) -> str:
    """After a reply in a channel: its files went to the member's DM, where only they see them."""
    noun = "file" if len(files) == 1 else "files"
    verb = "is" if len(files) == 1 else "are"
    return f"Your {noun} {file_names(files)} {verb} in our DM."


def not_attached_note(files: Sequence[Attachment]) -> str:
    """A file the platform refused: the text arrived, so say what is missing and what to do."""
    return (
        f"Sorry, I couldn't attach {file_names(files)} just now; the rest of the message "
        "arrived. Please ask again in a few minutes."
    )
