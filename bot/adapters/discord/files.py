"""A message's files as Discord attachments, within Discord's limits, never costing the text.

Discord takes at most 10 attachments and (for bots) 25 MiB in one message; files beyond
that are left out with a note instead of letting Discord refuse the whole message. When
Discord refuses the files themselves (413 too large, 400 a bad upload), the message is sent
again without them and says which file is missing. `discord.File` objects are built afresh
for every send, because discord.py closes them once a request is done.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import discord

from bot.adapters.discord.render import MAX_CONTENT, fit
from bot.adapters.file_notes import file_names, not_attached_note
from bot.core.messages import Attachment

log = logging.getLogger(__name__)

MAX_FILES: Final = 10
MAX_UPLOAD_BYTES: Final = 25 * 1024 * 1024
FILES_REFUSED: Final = frozenset({400, 413})  # statuses where the files, not the text, failed

T = TypeVar("T")


@dataclass(frozen=True)
class FileSelection:
    """The files that fit in one message, and the ones left out."""

    kept: tuple[Attachment, ...]
    left_out: tuple[Attachment, ...]


def select_files(files: Sequence[Attachment], max_bytes: int = MAX_UPLOAD_BYTES) -> FileSelection:
    """Keep files in order while they fit Discord's count and size limits."""
    kept: list[Attachment] = []
    left_out: list[Attachment] = []
    total = 0
    for attachment in files:
        size = len(attachment.content)
        if len(kept) < MAX_FILES and total + size <= max_bytes:
            kept.append(attachment)
            total += size
        else:
            left_out.append(attachment)
    return FileSelection(tuple(kept), tuple(left_out))


def left_out_note(files: Sequence[Attachment], max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    verb = "was" if len(files) == 1 else "were"
    megabytes = max_bytes // (1024 * 1024)
    return (
        f"{file_names(files)} {verb} left out: Discord takes at most {MAX_FILES} files "
        f"and {megabytes} MB in one message."
    )


def discord_files(files: Sequence[Attachment]) -> list[discord.File]:
    return [
        discord.File(
            io.BytesIO(attachment.content),
            filename=attachment.filename,
            description=attachment.title or None,
        )
        for attachment in files
    ]


async def send_with_files(
    send: Callable[..., Awaitable[T]],
    kwargs: dict[str, Any],
    files: Sequence[Attachment],
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> T:
    """`send(**kwargs)` with the files attached; without them (and saying so) if refused.

    Any other refusal (a closed DM, a 5xx) is raised as before, for the caller to map.
    """
    if not files:
        return await send(**kwargs)
    selection = select_files(files, max_bytes)
    notes = [left_out_note(selection.left_out, max_bytes)] if selection.left_out else []
    if selection.kept:
        try:
            return await send(**with_notes(kwargs, notes), files=discord_files(selection.kept))
        except discord.HTTPException as error:
            if error.status not in FILES_REFUSED:
                raise
            log.warning(
                "discord refused a message's files",
                extra={"fields": {"status": error.status, "code": error.code}},
            )
            notes.append(not_attached_note(selection.kept))
    return await send(**with_notes(kwargs, notes))


def with_notes(kwargs: dict[str, Any], notes: Sequence[str]) -> dict[str, Any]:
    """The send's content followed by the notes, still within Discord's 2,000 characters."""
    if not notes:
        return kwargs
    tail = "\n\n".join(notes)
    content = kwargs.get("content")
    if content:
        room = MAX_CONTENT - len(tail) - 2
        tail = f"{fit(str(content), max(room, 1))}\n\n{tail}"
    return {**kwargs, "content": fit(tail, MAX_CONTENT)}


async def incoming_file(attachment: discord.Attachment) -> Attachment:
    """A file a member attached to a command (a calendar for `holidays import`), read from
    Discord's CDN; the core judges what is in it (and refuses one too large)."""
    content = await attachment.read()
    return Attachment(attachment.filename, content, attachment.content_type or "")
