"""The README works when followed top to bottom: a newcomer who runs its commands sees what
it shows.

The first test is the newcomer: in an empty directory holding only the Makefile, the
pyproject and the installed `.venv`, it runs the README's commands in the README's order
through bash, as typed (`make run`, then the simulated demo, then the transcript, then the
moderator example), each with what a newcomer would type on stdin. The transcript's output
is compared line by line; only the database path in the banner and the folder a file was
saved to may differ. Every command in a `sh` block is either run here or listed in
`NOT_RUN` with the reason, so a command added to the README cannot go unchecked.

Every bot line of the second transcript (an excerpt of `/pln digest term` after a simulated
term) must appear in that term's real digest.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.test_console_digest import TERM_OF_ANSWERS
from tests.e2e.test_console_session import TIMEOUT_SECONDS, assert_clean_exit, run_bot

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SAVED_TO = re.compile(r"(saved to )/\S+/(\S+)$")
BANNER_DATABASE = re.compile(r"SQLite at \S+\.")
# the console's web page line; under a parallel test run 8080 may be another console's
WEB_PAGE = re.compile(r"^\[console\] Web page: http://127\.0\.0\.1:\d+/ .*$")
WEB_PORT_TAKEN = re.compile(r"^\[console\] web page off: port 8080 in use; set PLN_HTTP_PORT$")
WEB_PAGE_LINE = "[console] <web page line>"
# The venv is installed already: `make` must not reinstall it into the shared .venv.
MAKE_WITHOUT_INSTALL = 'make() { command make -o .venv/.installed-stamp "$@"; }\n'

# What a newcomer types into each interactive README command (EOF ends the session).
TYPED = {
    "make run": ["/pln join"],
    'make run ARGS="--clock simulated=2026-11-20T10:00 --member alice"': [
        "/pln join",
        ":advance 7d",
    ],
    'PLN_MODERATORS=console:mod make run ARGS="--clock simulated=2026-11-20T10:00 --member mod"': [
        "/pln join",
        "/pln prompt now",
    ],
}
NOT_RUN = {
    "make test": "the test suite itself",
    "docker build -t pln-bot .": "no container engine here: e2e/test_container_steps.py does "
    "the image's steps without one",
    "docker run --rm -it -v pln-data:/app/data pln-bot": "no container engine here",
    "docker compose up -d": "no container engine here (compose.yaml is checked against the "
    "Compose Specification's schema)",
    "docker compose run --rm bot": "no container engine here",
    "make bench": "benchmarks print timings; they assert nothing",
    ".venv/bin/python bench/fanout.py --members 1000": "a benchmark",
    ".venv/bin/python bench/fanout.py --database-url postgresql+asyncpg://user:password@host/empty_db": "a benchmark",  # noqa: E501
    ".venv/bin/python bench/slack_ack.py": "a benchmark",
    ".venv/bin/python bench/digest.py --runs 21": "a benchmark",
    "PLN_TEST_POSTGRES_URL=postgresql+asyncpg://user:password@host/throwaway_db .venv/bin/python bench/digest.py --runs 21": "a benchmark",  # noqa: E501
    ".venv/bin/python bench/platform_fanout.py": "a benchmark (tests/faults runs such processes)",
    ".venv/bin/python bench/platform_fanout.py --platform slack --members 1000": "a benchmark",
    ".venv/bin/python bench/platform_fanout.py --platform slack --processes 2 --database-url postgresql+asyncpg://user:password@host/throwaway_db": "a benchmark",  # noqa: E501
    ".venv/bin/python bench/startup.py --runs 5": "a benchmark",
    ".venv/bin/python bench/pairing.py --runs 5": "a benchmark",
}


@dataclass(frozen=True)
class Shown:
    """A `$ command` of a README text block and the output shown under it."""

    command: str
    output: list[str]


def _section(title: str) -> str:
    return README.read_text(encoding="utf-8").split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def _sh_commands() -> list[str]:
    """Every command of the README's `sh` blocks, in order, without trailing comments."""
    commands = []
    for block in _blocks(README.read_text(encoding="utf-8"), "sh"):
        for line in block.splitlines():
            command = re.sub(r"\s+# .*$", "", line).strip()
            if command:
                commands.append(command)
    return commands


def _shown(block: str) -> Shown:
    """`$ command` (continued by trailing backslashes) and the lines after it."""
    lines = block.removeprefix("$ ").splitlines()
    end = next(i for i, line in enumerate(lines) if not line.endswith("\\"))
    return Shown("\n".join(lines[: end + 1]), lines[end + 1 :])


def _normalised(line: str) -> str:
    line = WEB_PORT_TAKEN.sub(WEB_PAGE_LINE, WEB_PAGE.sub(WEB_PAGE_LINE, line))
    return BANNER_DATABASE.sub("SQLite at <db>.", SAVED_TO.sub(r"\1<dir>/\2", line.rstrip()))


def _newcomer_directory(directory: Path) -> Path:
    """A checkout as `make run` leaves it: the Makefile, the pyproject and `.venv`."""
    shutil.copy2(ROOT / "Makefile", directory / "Makefile")
    shutil.copy2(ROOT / "pyproject.toml", directory / "pyproject.toml")
    (directory / ".venv").symlink_to(Path(sys.executable).parent.parent, target_is_directory=True)
    return directory


def _newcomer_env() -> dict[str, str]:
    """No pln-bot settings (a newcomer has none); this checkout's code on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PLN_", "SLACK_", "DISCORD_")) and key != "DATABASE_URL"
    }
    env["PYTHONPATH"] = str(ROOT)
    return env


def _type(directory: Path, command: str, typed: list[str]) -> subprocess.CompletedProcess[str]:
    """Run one README command through bash in `directory`, `typed` on its stdin."""
    done = subprocess.run(
        ["bash", "-c", MAKE_WITHOUT_INSTALL + command],
        input="".join(f"{line}\n" for line in typed),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=directory,
        env=_newcomer_env(),
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_readme_command_is_run_by_the_newcomer_test_or_says_why_not() -> None:
    commands = _sh_commands()
    unchecked = [command for command in commands if command not in TYPED | NOT_RUN]
    assert unchecked == []
    assert [command for command in TYPED if command not in commands] == []
    assert [command for command in NOT_RUN if command not in commands] == []
    assert len(_blocks(_section("What it looks like"), "text")) == 2


def test_a_newcomer_following_the_readme_in_order_sees_what_it_shows(tmp_path: Path) -> None:
    directory = _newcomer_directory(tmp_path)
    transcript = _shown(_blocks(_section("What it looks like"), "text")[0])

    first = _type(directory, "make run", TYPED["make run"])
    assert "console adapter, SQLite at ./data/pln-bot.db." in first.stdout
    assert "Welcome to the PLN" in first.stdout
    real_database = directory / "data" / "pln-bot.db"
    before = _digest(real_database)

    demo_command = 'make run ARGS="--clock simulated=2026-11-20T10:00 --member alice"'
    demo = _type(directory, demo_command, TYPED[demo_command])
    assert "This week's reflection:" in demo.stdout, demo.stdout

    shown = _type(directory, transcript.command, [])
    assert [_normalised(line) for line in shown.stdout.splitlines()] == [
        _normalised(line) for line in transcript.output
    ]

    moderator_command = next(command for command in TYPED if command.startswith("PLN_MODERATORS"))
    moderator = _type(directory, moderator_command, TYPED[moderator_command])
    assert "Sent this week's prompt to 1 member" in moderator.stdout, moderator.stdout

    assert _digest(real_database) == before, "simulated runs leave the real database alone"


def test_every_line_of_the_term_digest_excerpt_is_in_a_real_term_digest(tmp_path: Path) -> None:
    excerpt = _blocks(_section("What it looks like"), "text")[1]
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
