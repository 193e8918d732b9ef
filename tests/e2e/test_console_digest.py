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
    assert "answered: 10" in digest
    assert re.search(r"\] chromebook rollout\s+[▮·]+\s+weeks 49, 50", digest), "a theme"
    assert "I will share the draft with the whole staff next week." in digest, "a goal"
    (path,) = re.findall(r"chart saved to (/\S+\.png)$", digest, flags=re.MULTILINE)
    assert Path(path).parent == tmp_path / "files"
    assert Path(path).read_bytes().startswith(PNG_SIGNATURE)
