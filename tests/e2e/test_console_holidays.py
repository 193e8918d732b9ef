"""A winter break imported from a school calendar on the console, as a moderator types it:
the real `pln-bot run` process, the file attached with `< path`, Confirm pressed with `:1`,
time moved with `:advance`."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot

CALENDAR = Path(__file__).parents[1] / "fixtures" / "calendars" / "school-year.ics"


def test_a_winter_break_from_an_ics_file_holds_back_the_prompts(tmp_path: Path) -> None:
    shutil.copy(CALENDAR, tmp_path / "term dates.ics")  # a space in the name, as exported
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln holidays import < term dates.ics",
            ":1",
            ":as alice",
            "/pln join",
            "/pln pause until 2026-12-07",
            ":advance 7w",
            "/pln holidays",
        ],
        member="mod",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "`term dates.ics` has 3 holiday(s) to import" in out
    assert "[bot -> mod] Imported 3 holiday(s)" in out
    assert "[bot -> alice] Paused until Mon 07 Dec 2026" in out
    # mod: 23 Nov, 30 Nov, 7 Dec, 14 Dec, then the break, then 4 Jan; alice from 7 Dec on
    assert out.count("[bot -> mod] [1] Answer") == 5, out
    assert out.count("[bot -> alice] [1] Answer") == 3, out
    listed = out.split(":advance")[-1]
    assert "Mon 11 Jan 2027: Staff training day" in listed
    assert "Winter break" not in listed, "a holiday that is over is not listed"
