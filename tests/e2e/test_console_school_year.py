"""The school year and the welcome's audience question in the console, as a person types
them: the real `pln-bot run` process, its buttons pressed with `:N`."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot


def test_a_moderator_sets_the_term_and_a_member_answers_the_welcome_question(
    tmp_path: Path,
) -> None:
    transcript = run_bot(
        tmp_path,
        [
            "/pln term starts 2026-09-07",
            "/pln join",
            ":2",
            "/pln prompts for",
            "/pln term",
        ],
        member="mod",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "[bot -> mod] The school year now starts on Mon 07 Sep 2026" in out
    assert "[1] New to the role   [2] Experienced   [3] Rather not say" in out
    assert "[bot -> mod] Noted: experienced in the role." in out
    assert "Your prompts are chosen for: experienced in the role" in out
    assert "This is week 11, mid-year" in out
