"""Files sent to console members (a digest chart, an export) are saved where the data lives.

A terminal cannot show a PNG, so each file is written to a directory, by default `files/`
beside the SQLite database (`./data/files` otherwise), under a name no earlier file has:
a second export never overwrites the first. Files hold a member's own words, so they are
readable by the file's owner only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from bot.config import Settings
from bot.core.messages import Attachment

DEFAULT_FILES_DIR: Final = Path("data/files")
MAX_NAME_TRIES: Final = 10_000
_UNSAFE: Final = re.compile(r"[^\w.-]+")


def default_files_dir(settings: Settings) -> Path:
    """`files/` in PLN_DATA_DIR (`./data` by default, where the default SQLite file lives)."""
    return settings.data_dir / "files"


def safe_name(filename: str) -> str:
    """The file's own name without any directory part or characters a shell would trip on."""
    name = _UNSAFE.sub("-", Path(filename.replace("\\", "/")).name).strip(".-")
    return name or "file"


def save_file(directory: Path, attachment: Attachment) -> Path:
    """Write the file under a fresh name in `directory`; returns its absolute path.

    Raises OSError when the directory cannot be made or written to.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = Path(safe_name(attachment.filename))
    for number in range(1, MAX_NAME_TRIES + 1):
        candidate = name.name if number == 1 else f"{name.stem}-{number}{name.suffix}"
        path = directory / candidate
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as file:
            file.write(attachment.content)
        return path.resolve()
    raise FileExistsError(f"{MAX_NAME_TRIES} files named like {name} already exist")


MAX_ATTACHED_BYTES: Final = 5_000_000  # a terminal attachment is a calendar, not a video


def split_attached(text: str) -> tuple[str, Path | None]:
    """`holidays import < ~/term.ics`: the command and the file it attaches, if any.

    The console has no upload button, so a command line attaches a file the way a shell
    redirects one: what follows the last ` < ` is a path on this machine, when a file is
    there. Otherwise the line is left whole, so a prompt's text may hold a `<` (and a
    mistyped path reaches the command, which says what it expected).
    """
    command, marker, path = text.rpartition(" < ")
    if not marker or not path.strip():
        return text, None
    found = Path(path.strip()).expanduser()
    return (command, found) if found.is_file() else (text, None)


def read_attached(path: Path) -> Attachment:
    """The file at `path` as an attachment; OSError (with a readable message) when it can't
    be read or is too large."""
    if path.is_file() and path.stat().st_size > MAX_ATTACHED_BYTES:
        raise OSError(f"{path} is larger than {MAX_ATTACHED_BYTES // 1_000_000} MB")
    return Attachment(path.name, path.read_bytes(), "application/octet-stream")
