"""The real console adapter, run as a separate process with piped input, as an operator would.

Each test starts `python -m bot run --adapter console` in its own directory with its own SQLite
file, feeds it a script on stdin and reads the transcript. Time moves only through the
simulated clock's `:advance`, so the tests never wait.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bot import __version__

START = "simulated=2026-11-20T10:00"  # Friday; the first weekly prompt is Monday 23 Nov
TIMEOUT_SECONDS = 120
PROMPT_LINE = "This week's reflection:"
ANSWER = "Our chromebook rollout stalled because the charging carts arrived late."
DISTINCTIVE = "chromebook rollout"

BOT_LINE = re.compile(r"^\[bot -> (?P<name>[\w.-]+)\](?: (?P<text>.*))?$")
ECHO_LINE = re.compile(r"^[\w.-]+> ")  # piped input is echoed as `alice> text`
CONSOLE_LINE = re.compile(r"^\[(console|clock)\] ")


@dataclass
class Transcript:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def to(self, name: str) -> list[str]:
        """The text of every bot output line addressed to `name`."""
        found = []
        for line in self.lines:
            match = BOT_LINE.match(line)
            if match and match["name"] == name:
                found.append(match["text"] or "")
        return found

    def clock_lines(self) -> list[str]:
        return [line for line in self.lines if line.startswith("[clock] ")]

    def console_notes(self) -> list[str]:
        return [line for line in self.lines if line.startswith("[console] ")]


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The caller's environment without any pln-bot settings, plus a database in tmp_path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PLN_") and key != "DATABASE_URL"
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'pln-bot.db'}"
    env["PLN_DATA_DIR"] = str(tmp_path)
    env["PLN_MODERATORS"] = "console:mod"
    # no web page: many consoles run at once, and 127.0.0.1:8080 is one port
    env["PLN_WEB"] = "off"
    env.update(settings)
    return env


def run_bot(
    tmp_path: Path,
    script: list[str],
    *,
    clock: str | None = START,
    member: str = "alice",
    env: dict[str, str] | None = None,
) -> Transcript:
    """Run the console adapter on `script` (one input line each) until EOF."""
    command = [sys.executable, "-m", "bot", "run", "--adapter", "console", "--member", member]
    if clock is not None:
        command += ["--clock", clock]
    done = subprocess.run(
        command,
        input="".join(f"{line}\n" for line in script),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=env or bot_env(tmp_path),
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    return Transcript(done.returncode, done.stdout, done.stderr)


def assert_clean_exit(transcript: Transcript) -> None:
    assert transcript.returncode == 0, transcript.stderr
    assert "Traceback" not in transcript.stderr, transcript.stderr


def assert_only_known_line_kinds(transcript: Transcript) -> None:
    """Apart from the banner, input echoes and console notes, every line is bot output that
    starts with `[bot -> NAME]`, so a script can pick out what the bot said."""
    banner, *rest = transcript.lines
    assert banner.startswith(f"pln-bot {__version__} ")
    stray = [
        line
        for line in rest
        if not (BOT_LINE.match(line) or ECHO_LINE.match(line) or CONSOLE_LINE.match(line))
    ]
    assert stray == []


def test_a_member_answers_and_sees_it_in_her_digest_while_another_member_never_sees_it(
    tmp_path: Path,
) -> None:
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln tz Europe/Berlin",
            ":advance 7d",
            ANSWER,
            "/pln digest",
            ":as bob",
            "/pln join",
            "/pln digest",
            "/pln history",
        ],
    )

    assert_clean_exit(transcript)
    assert_only_known_line_kinds(transcript)
    to_alice = transcript.to("alice")
    assert any(line.startswith("Time zone set to Europe/Berlin") for line in to_alice)
    assert sum(line.startswith(PROMPT_LINE) for line in to_alice) == 1
    assert any(line.startswith("Saved as your answer") for line in to_alice)
    digest_start = next(i for i, line in enumerate(to_alice) if "reflection digest" in line)
    assert any("chromebook" in line for line in to_alice[digest_start:])

    to_bob = transcript.to("bob")
    assert any("reflection digest" in line for line in to_bob), "bob's digest ran"
    assert any("haven't answered" in line for line in to_bob), "bob's history ran"
    assert not [line for line in to_bob if DISTINCTIVE in line.lower()]
    assert not [line for line in to_bob if "chromebook" in line.lower()]


def test_each_weekly_prompt_reaches_a_member_exactly_once_across_a_restart(
    tmp_path: Path,
) -> None:
    # Run 1 stops on Monday 23 Nov at 10:00, an hour after that week's prompt was sent.
    first = run_bot(tmp_path, ["/pln join", ":advance 3d"])
    # Run 2 starts inside the catch-up grace period of that prompt: it must not send it again,
    # and must send the next Monday's prompt.
    second = run_bot(tmp_path, [":advance 7d"], clock="simulated=2026-11-23T11:00")

    assert_clean_exit(first)
    assert_clean_exit(second)
    first_prompts = [line for line in first.to("alice") if line.startswith(PROMPT_LINE)]
    second_prompts = [line for line in second.to("alice") if line.startswith(PROMPT_LINE)]
    assert len(first_prompts) == 1
    assert len(second_prompts) == 1
    assert first_prompts != second_prompts, "each week has its own prompt"
    assert first.clock_lines() == ["[clock] It is Mon 23 Nov 2026 10:00 UTC (simulated clock)."]
    assert second.clock_lines() == ["[clock] It is Mon 30 Nov 2026 11:00 UTC (simulated clock)."]
    assert not [note for note in second.console_notes() if "Caught up" in note]


def test_the_simulated_clock_stands_still_until_advanced(tmp_path: Path) -> None:
    transcript = run_bot(tmp_path, [":now", "/pln join", "hello", ":now"])

    assert_clean_exit(transcript)
    assert transcript.clock_lines() == [
        "[clock] It is Fri 20 Nov 2026 10:00 UTC (simulated clock).",
        "[clock] It is Fri 20 Nov 2026 10:00 UTC (simulated clock).",
    ]


def test_advance_on_the_system_clock_is_refused_in_a_friendly_way(tmp_path: Path) -> None:
    transcript = run_bot(tmp_path, [":advance 7d", ":now"], clock=None)

    assert_clean_exit(transcript)
    assert_only_known_line_kinds(transcript)
    assert transcript.console_notes() == [
        "[console] The clock can only be moved with `pln-bot run --clock simulated`."
    ]
    assert len(transcript.clock_lines()) == 1
    assert transcript.clock_lines()[0].endswith("(system clock).")


def test_a_bad_setting_exits_non_zero_with_one_stderr_line_naming_the_variable(
    tmp_path: Path,
) -> None:
    transcript = run_bot(tmp_path, ["/pln join"], env=bot_env(tmp_path, PLN_PROMPT_TIME="25:00"))

    assert transcript.returncode != 0
    error_lines = transcript.stderr.splitlines()
    assert len(error_lines) == 1, transcript.stderr
    assert "PLN_PROMPT_TIME" in error_lines[0]
    assert "25:00" in error_lines[0]
    assert not (tmp_path / "pln-bot.db").exists(), "nothing was started"


def test_version_flag_prints_the_package_version(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=bot_env(tmp_path),
        timeout=TIMEOUT_SECONDS,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"pln-bot {__version__}"
