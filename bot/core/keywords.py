"""Key phrases of a member's own answers, with YAKE (local, no model, no network)."""

from __future__ import annotations

from collections.abc import Sequence

import yake

MAX_CHARS = 200_000  # keep extraction fast on very long histories


def top_keywords(texts: Sequence[str], count: int = 5) -> list[str]:
    """The `count` most characteristic phrases of `texts`, best first, without near-duplicates."""
    joined = "\n".join(texts)[:MAX_CHARS]
    if not joined.strip():
        return []
    extractor = yake.KeywordExtractor(lan="en", n=2, dedupLim=0.7, top=count * 3)
    phrases: list[str] = []
    for phrase, _score in extractor.extract_keywords(joined):
        lowered = phrase.lower()
        if any(lowered in kept or kept in lowered for kept in phrases):
            continue
        phrases.append(lowered)
        if len(phrases) == count:
            break
    return phrases
