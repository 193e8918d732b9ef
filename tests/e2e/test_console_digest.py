"""The issue's "done when" on the real console process: after a simulated term of answers,
`/pln digest term` shows every part of the digest and prints where the chart was saved."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TERM_OF_ANSWERS = [
    "We finally agreed on a device policy with the heads of department. "
    "I will share the draft with the whole staff next week.",
    "The chromebook rollout in year seven went better than expected. "
    "The charging trolleys in the library were the real bottleneck.",
    "Help desk tickets doubled after the chromebook rollout, mostly password resets. "
    "My goal is to train two student digital leaders to handle resets.",
    "I listened to the science team about the data dashboards. "
    "They want fewer reports and more time to look at the numbers together.",
    "The chromebook rollout reached year eight. "
    "Teachers asked for a short guide on sharing documents with classes.",
    "Next step: plan a coaching cycle with two teachers who are nervous about the platform.",
    "Our help desk tickets fell once the student digital leaders started a lunchtime clinic.",
    "I had a courageous conversation with the business manager about the wireless network.",
    "The data dashboards are finally used in department meetings. "
    "I plan to ask each head of department what they stopped doing.",
    "Reflecting on the term, the chromebook rollout taught me to listen before I fix things.",
]


def test_a_simulated_term_ends_in_a_full_digest_with_the_charts_path(tmp_path: Path) -> None:
    script = ["/pln join"]
    for answer in TERM_OF_ANSWERS:
        script += [":advance 7d", answer]
    script += ["/pln digest term"]

    transcript = run_bot(tmp_path, script)

    assert_clean_exit(transcript)
    digest = transcript.stdout.split("alice> /pln digest term", 1)[1]
    for heading in (
        "Figures",
        "Framework coverage",
        "Suggestion: try",
        "Themes",
        "Summary, in your own words",
        "Goals you set",
    ):
        assert f"[bot -> alice] {heading}" in digest
    # ten weekly prompts; the "Looking back" revisits that came with two of them are not
    # counted as prompts (issue 14)
    assert "Prompts received: 10 · " in digest
    assert re.search(r"\] chromebook rollout\s+[▮·]+\s+weeks 49, 50, ", digest), "a theme"
    assert re.search(r"\] data dashboards\s+[▮·]+\s+weeks 51, 3", digest), "a theme"
    assert "I will share the draft with the whole staff next week." in digest, "a goal"
    (path,) = re.findall(r"chart saved to (/\S+\.png)$", digest, flags=re.MULTILINE)
    assert Path(path).parent == tmp_path / "files"
    assert Path(path).read_bytes().startswith(PNG_SIGNATURE)


def test_ten_weeks_answered_in_a_row_is_a_streak_of_ten(tmp_path: Path) -> None:
    """Issue 14: ten answers in a row showed "Streak: 2 answered in a row (longest: 4)"."""
    script = ["/pln join"]
    for answer in TERM_OF_ANSWERS:
        script += [":advance 7d", answer]
    script += ["/pln digest term"]

    digest = run_bot(tmp_path, script).stdout.split("alice> /pln digest term", 1)[1]

    assert "Prompts received: 10 · answered: 10 · skipped: 0" in digest
    assert "Streak: 10 answered in a row (longest: 10)" in digest
