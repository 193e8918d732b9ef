"""The real console process: a moderator adds another by name, who then gets `/pln stats`
with its chart saved as a PNG, and `/pln audit` names both; a member is refused."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_console_session import ANSWER, assert_clean_exit, run_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SAVED = re.compile(r"^\[bot -> sam\] .+ saved to (?P<path>/.+\.png)$")


def test_a_moderator_added_on_the_console_gets_stats_with_a_chart(tmp_path: Path) -> None:
    transcript = run_bot(
        tmp_path,
        [
            ":as alice",
            "/pln join",
            ":as sam",
            "/pln join",
            "/pln stats",
            ":as mod",
            "/pln moderators add sam",
            ":advance 7d",
            ":as alice",
            ANSWER,
            ":as sam",
            "/pln stats all",
            "/pln audit",
        ],
    )

    assert_clean_exit(transcript)
    out = transcript.stdout
    assert out.count("Only moderators can do that") == 1  # sam's first try, before mod added him
    assert "sam is now a moderator of this community" in out
    assert "Members: 2 active, 0 paused, 0 left." in out
    assert "2 sent, 1 answered, 0 skipped — a 50% response rate." in out
    assert "chromebook" not in out.split("/pln stats all")[-1].casefold()
    (chart,) = [Path(m["path"]) for line in out.splitlines() if (m := SAVED.match(line))]
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    assert "sam ran `/pln stats`" in out and "mod ran `/pln moderators add`" in out
