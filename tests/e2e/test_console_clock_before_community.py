"""A simulated clock earlier than the named database's PLN is explained, not silent."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot

EXPLAINED = "[console] The simulated clock (Fri 20 Nov 2026 10:00 UTC) is earlier than"


def test_a_clock_set_before_the_pln_was_started_says_why_nothing_will_come(
    tmp_path: Path,
) -> None:
    started = run_bot(tmp_path, ["/pln join"], clock="simulated=2026-11-25T10:00")
    earlier = run_bot(tmp_path, [":advance 7d"], clock="simulated=2026-11-20T10:00")
    later = run_bot(tmp_path, [":now"], clock="simulated=2026-11-26T10:00")

    for transcript in (started, earlier, later):
        assert_clean_exit(transcript)
    assert [note for note in earlier.console_notes() if note.startswith(EXPLAINED)] == [
        f"{EXPLAINED} this database's PLN, started Wed 25 Nov 2026 10:00 UTC: no prompt is sent"
        " for a time before then. Start the clock later, or leave DATABASE_URL unset for a"
        " fresh temporary database."
    ]
    assert started.console_notes() == later.console_notes() == []
