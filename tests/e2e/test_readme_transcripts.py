"""The README's transcripts are what the bot prints: a newcomer who runs them sees them.

The first block is run exactly as shown (its `printf` input and its options) on a fresh
database and compared line by line; only the database path in the banner and the folder
a file was saved to may differ. Every bot line of the second block (an excerpt of
`/pln digest term` after a simulated term) must appear in that term's real digest.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.e2e.test_console_digest import TERM_OF_ANSWERS
from tests.e2e.test_console_session import assert_clean_exit, run_bot

README = Path(__file__).resolve().parents[2] / "README.md"
SAVED_TO = re.compile(r"(saved to )/\S+/(\S+)$")
BANNER_DATABASE = re.compile(r"SQLite at \S+\.")


def _text_blocks() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## What it looks like", 1)[1]
    section = section.split("\n## ", 1)[0]
    return re.findall(r"```text\n(.*?)```", section, flags=re.S)


def _normalised(line: str) -> str:
    return BANNER_DATABASE.sub("SQLite at <db>.", SAVED_TO.sub(r"\1<dir>/\2", line.rstrip()))


def _printf_lines(command: str) -> tuple[list[str], list[str]]:
    """The input lines of `printf '...' | pln-bot run ARGS` and the options after `run`."""
    words = shlex.split(command.replace("\\\n", " "))
    printed = words[words.index("printf") + 1]
    options = words[words.index("run") + 1 :]
    return printed.encode().decode("unicode_escape").splitlines(), options


def test_the_first_readme_transcript_is_what_the_bot_prints(tmp_path: Path) -> None:
    block = _text_blocks()[0]
    command, _, expected = block.partition("\n    | ")
    command = command.removeprefix("$ ")
    pipe, _, shown = expected.partition("\n")
    script, options = _printf_lines(f"{command} | {pipe}")
    member = options[options.index("--member") + 1]
    clock = options[options.index("--clock") + 1]

    transcript = run_bot(tmp_path, script, member=member, clock=clock)

    assert_clean_exit(transcript)
    assert [_normalised(line) for line in transcript.stdout.splitlines()] == [
        _normalised(line) for line in shown.strip("\n").splitlines()
    ]


def test_every_line_of_the_term_digest_excerpt_is_in_a_real_term_digest(tmp_path: Path) -> None:
    excerpt = _text_blocks()[1]
    script = ["/pln join"]
    for answer in TERM_OF_ANSWERS:
        script += [":advance 7d", answer]
    script += ["/pln digest term"]

    transcript = run_bot(tmp_path, script)

    assert_clean_exit(transcript)
    printed = {_normalised(line) for line in transcript.stdout.splitlines()}
    missing = [
        line
        for line in excerpt.strip("\n").splitlines()
        if line.startswith("[bot -> ") and _normalised(line) not in printed
    ]
    assert missing == []
