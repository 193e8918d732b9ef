"""Files and channel posts on the console: a file is saved where the data lives and its path
printed; a shared answer is printed as a post in `#pln` and its removal too.

The first tests drive the ConsoleMessenger directly; the last runs the real console process
through a term's answer, `/pln digest`, `/pln export`, `/pln share` and `/pln unshare`.
"""

from __future__ import annotations

import io
import json
import re
import stat
from pathlib import Path

from bot.adapters.console.files import default_files_dir, safe_name
from bot.adapters.console.messenger import ConsoleMessenger
from bot.config import load_settings
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.ports import Recipient, SendStatus
from tests.e2e.test_console_session import ANSWER, assert_clean_exit, run_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHART = Attachment("pln-digest-term.png", PNG_SIGNATURE + b"chart", "image/png", "Your chart")
SAVED = re.compile(r"^\[bot -> alice\] (?P<label>.+) saved to (?P<path>/.+)$")


def alice() -> Recipient:
    return Recipient(1, "console", "local", "alice", "alice")


def saved_paths(output: str) -> list[Path]:
    return [Path(m["path"]) for line in output.splitlines() if (m := SAVED.match(line))]


async def test_a_file_is_saved_privately_under_a_fresh_name_and_its_path_printed(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    messenger = ConsoleMessenger(out, tmp_path / "files")
    message = OutgoingMessage(text="Your digest", files=(CHART,))

    first = await messenger.send_direct(alice(), message)
    await messenger.send_direct(alice(), message)

    assert first.status is SendStatus.SENT
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "[bot -> alice] Your digest",
        f"[bot -> alice] Your chart saved to {tmp_path / 'files' / 'pln-digest-term.png'}",
    ]
    paths = saved_paths(out.getvalue())
    assert [path.name for path in paths] == ["pln-digest-term.png", "pln-digest-term-2.png"]
    assert all(path.is_absolute() and path.read_bytes() == CHART.content for path in paths)
    assert stat.S_IMODE(paths[0].stat().st_mode) == 0o600


async def test_a_file_that_cannot_be_saved_is_reported_and_the_text_still_shown(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    out = io.StringIO()

    await ConsoleMessenger(out, blocked).send_direct(
        alice(), OutgoingMessage(text="Your digest", files=(CHART,))
    )

    assert out.getvalue().splitlines()[0] == "[bot -> alice] Your digest"
    assert f"I couldn't save Your chart in {blocked}" in out.getvalue()


def test_file_names_lose_directories_and_odd_characters() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\my export.json") == "my-export.json"
    assert safe_name("...") == "file"


def test_files_go_to_the_data_directory(tmp_path: Path) -> None:
    assert default_files_dir(load_settings(data_dir=str(tmp_path))) == tmp_path / "files"


async def test_channel_posts_and_their_removal_are_printed_under_the_channel_name() -> None:
    out = io.StringIO()
    messenger = ConsoleMessenger(out)

    posted = await messenger.send_to_channel("local", "pln", OutgoingMessage(text="alice shared"))
    assert posted.platform_message_ref is not None
    assert await messenger.delete_in_channel("local", "pln", posted.platform_message_ref)

    assert out.getvalue().splitlines() == [
        "[bot -> #pln] alice shared",
        f"[bot -> #pln] (post {posted.platform_message_ref} removed)",
    ]


def test_a_console_session_saves_the_digest_chart_and_export_and_shares_an_answer(
    tmp_path: Path,
) -> None:
    transcript = run_bot(
        tmp_path,
        [
            ":as mod",
            "/pln channel #pln",
            ":as alice",
            "/pln join",
            ":advance 7d",
            ANSWER,
            "/pln digest term",
            "/pln export",
            "/pln share #1",
            "/pln unshare #1",
        ],
    )

    assert_clean_exit(transcript)
    paths = saved_paths(transcript.stdout)
    assert [path.suffix for path in paths] == [".png", ".md", ".json"]
    assert all(path.parent == tmp_path / "files" for path in paths)
    assert paths[0].read_bytes().startswith(PNG_SIGNATURE)
    assert "chromebook rollout" in paths[1].read_text(encoding="utf-8")
    assert isinstance(json.loads(paths[2].read_text(encoding="utf-8")), dict)
    posts = [line for line in transcript.lines if line.startswith("[bot -> #pln] ")]
    assert any("chromebook rollout" in line for line in posts), "the shared answer was posted"
    assert re.fullmatch(r"\[bot -> #pln\] \(post console-\d+ removed\)", posts[-1])
