"""The console attaches a file to a command the way a shell redirects one: `< path`."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.console.files import read_attached, split_attached


def test_a_command_ending_in_a_path_attaches_that_file(tmp_path: Path) -> None:
    calendar = tmp_path / "term.ics"
    calendar.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    command, path = split_attached(f"holidays import < {calendar}")

    assert (command, path) == ("holidays import", calendar)
    assert path is not None and read_attached(path).content.startswith(b"BEGIN:VCALENDAR")


def test_a_less_than_sign_in_text_is_not_a_file() -> None:
    text = "prompts add olf/ethics | When is 3 < 4 a hard call?"

    assert split_attached(text) == (text, None)
    assert split_attached("prompts add olf/ethics | Is a < b") == (
        "prompts add olf/ethics | Is a < b",
        None,
    )
