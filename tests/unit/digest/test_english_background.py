"""Themes ranked against general English (wordfreq's bundled data) and non-private texts.

Issue 13: the ranking no longer reads other members' private answers, so with no
background texts at all it must still prefer the member's distinctive phrases to everyday
ones; texts that are passed as background (shared answers, the member's earlier answers)
may still move a phrase down.
"""

from __future__ import annotations

from bot.digest.records import Reflection
from bot.digest.themes import compute_themes, english_weight
from tests.unit.digest.answers import ZONE, week


def ranked(texts: list[str], background: list[str] | None = None) -> list[str]:
    answers = [Reflection(week(n), text, "x", "Prompt?") for n, text in enumerate(texts)]
    return [t.phrase for t in compute_themes(answers, background or [], [], ZONE)]


def test_english_weight_comes_from_bundled_data_and_orders_by_rarity() -> None:
    assert english_weight("meeting") < english_weight("chromebook") < english_weight("quokka")
    assert english_weight("staff meeting") < english_weight("chromebook rollout")
    assert english_weight("zzqxv") == 8.0  # unknown to wordfreq: as rare as it gets
    assert english_weight("the") >= 1.0


def test_without_any_background_an_everyday_phrase_ranks_below_a_distinctive_one() -> None:
    phrases = ranked([f"The staff meeting and the chromebook rollout, take {n}." for n in "abc"])
    assert phrases.index("chromebook rollout") < phrases.index("staff meeting")


def test_the_same_answers_always_give_the_same_order() -> None:
    texts = ["Layoffs. Quokka. Zebra."]
    assert ranked(texts) == ranked(texts) == ["quokka", "layoffs", "zebra"]


def test_a_phrase_the_background_uses_everywhere_sinks() -> None:
    texts = ["Layoffs. Quokka. Zebra."]
    shared = ["The quokka enclosure.", "Another quokka photo.", "Quokka facts."]
    assert ranked(texts, shared)[-1] == "quokka"
