"""A moderator plans the term on the console, as a person types it: the real `pln-bot run`
process, the preview's Confirm pressed with `:1`, the simulated clock moved with `:advance`."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot

PROMPT_LINE = "[bot -> mod] This week's reflection"


def test_weekly_prompts_moved_to_thursday_1530_in_october_fire_exactly_then(
    tmp_path: Path,
) -> None:
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln tz Europe/London",
            ":advance 11d",  # Fri 1 Oct 2027, 10:00 UTC: Monday 27 September's prompt came
            "/pln schedule prompt weekly thu 15:30",
            ":1",
            "/pln schedules",
            ":advance 6d4h29m",  # Thu 7 Oct 14:29 UTC = 15:29 in London: not yet
            ":advance 1m",  # 15:30 in London: the prompt
        ],
        member="mod",
        clock="simulated=2027-09-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert (
        "Here is how I understood it: The weekly reflection prompt, every week on Thursday at "
        "15:30 (each member's own time zone)." in out
    )
    assert "• Thu 07 Oct 15:30 your time (Europe/London), the same wall time" in out
    assert "[1] Confirm   [2] Cancel" in out
    assert "Saved as schedule 2:" in out
    assert "• 2: Weekly prompt, every week on Thursday at 15:30 (each member's own time " in out
    assert "[clock] It is Thu 07 Oct 2027 14:29 UTC" in out
    before, after = out.split("mod> :advance 1m", 1)
    assert before.count(PROMPT_LINE) == 1  # Monday 27 September, on the old rule
    assert after.count(PROMPT_LINE) == 1  # Thursday 7 October 15:30 in London, on the new one
    assert "[clock] It is Thu 07 Oct 2027 14:30 UTC" in after


def test_a_discussion_is_posted_once_in_its_channel_at_its_time(tmp_path: Path) -> None:
    transcript = run_bot(
        tmp_path,
        [
            '/pln schedule discussion "Budget season" in #pln once 2026-11-24 15:00 '
            'Europe/London text "What will you cut first?"',
            ":1",
            ":advance 4d4h59m",  # Tue 24 Nov 14:59 UTC: not yet
            ":advance 1m",
            ":advance 7d",
        ],
        member="mod",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    before, after = out.split("mod> :advance 1m", 1)
    assert "[bot -> #pln]" not in before
    assert after.count("[bot -> #pln] Discussion: Budget season") == 1
    assert "[bot -> #pln] What will you cut first?" in after
