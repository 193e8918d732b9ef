"""The local summary: 3 to 5 of the member's own sentences, chosen by TextRank.

Extractive on purpose: every sentence shown is one the member wrote, word for word, so the
summary can never put words in their mouth. Sentences are the nodes of a graph weighted by
TF-IDF cosine similarity; PageRank (power iteration) finds the ones most of the rest echo.
Sentences that start with a bare pronoun ("It was hard.") or are very short make no sense
out of context, so they are not candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.digest.records import Reflection
from bot.digest.sentences import Sentence, sentences_of, words

RIGHT_QUOTE = "\u2019"  # the apostrophe phones type
MIN_WORDS = 6
MAX_WORDS = 60  # a run-on paragraph with no full stop is not a sentence to quote
MAX_CHARS = 400
MAX_CANDIDATES = 1500  # the most recent ones; keeps the similarity matrix small
PRONOUNS = frozenset(
    {"it", "this", "that", "they", "these", "those", "he", "she", "them", "him", "her", "its"}
    | {"it's", "that's", "they're", "they've", "he's", "she's"}
)
DAMPING = 0.85
ITERATIONS = 60
TOLERANCE = 1e-5  # L1 change of a vector summing to 1: far below what changes a ranking
NEAR_DUPLICATE = 0.8  # cosine similarity above which a second sentence adds nothing


def is_candidate(text: str) -> bool:
    found = words(text)
    if not MIN_WORDS <= len(found) <= MAX_WORDS or len(text) > MAX_CHARS:
        return False
    first = found[0].lower().replace(RIGHT_QUOTE, "'")
    # "I" and "we" are allowed: the member writing about themself is the point
    return first not in PRONOUNS


def summary_size(candidates: int) -> int:
    """3 sentences for a short period, up to 5 for a long one."""
    return min(candidates, 3 if candidates < 15 else 4 if candidates < 40 else 5)


def pagerank(similarity: Any) -> np.ndarray:
    """Scores of the nodes of a weighted graph (a scipy sparse matrix), by power iteration.

    Sparse on purpose: most pairs of sentences share no word, and a dense 1,000 x 1,000
    product per iteration costs more than all the rest of the digest.
    """
    n = similarity.shape[0]
    sums = np.asarray(similarity.sum(axis=1)).ravel()
    dangling = sums == 0  # a sentence like no other links evenly to all, as in PageRank
    inverse = np.divide(1.0, sums, out=np.zeros(n), where=~dangling)
    incoming = similarity.multiply(inverse[:, None]).T.tocsr()  # row i: links into node i
    scores = np.full(n, 1.0 / n)
    for _ in range(ITERATIONS):
        spread = scores[dangling].sum() / n
        updated: np.ndarray = (1 - DAMPING) / n + DAMPING * (incoming @ scores + spread)
        if np.abs(updated - scores).sum() < TOLERANCE:
            return updated
        scores = updated
    return scores


def summarise(reflections: Sequence[Reflection]) -> list[Sentence]:
    """The chosen sentences, in the order they were written."""
    seen: set[str] = set()
    candidates = []
    for sentence in sentences_of(reflections):
        key = sentence.text.casefold()
        if key not in seen and is_candidate(sentence.text):  # a repeat adds no information
            seen.add(key)
            candidates.append(sentence)
    candidates = candidates[-MAX_CANDIDATES:]
    wanted = summary_size(len(candidates))
    if wanted == 0:
        return []
    try:
        vectors = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in candidates])
    except ValueError:  # only stop words: no similarity to rank by, keep the latest
        return candidates[-wanted:]
    similarity = (vectors @ vectors.T).tocsr()
    similarity.setdiag(0.0)
    similarity.eliminate_zeros()
    scores = pagerank(similarity)
    chosen: list[int] = []
    for index in np.argsort(-scores, kind="stable"):
        row = similarity.getrow(index).toarray().ravel()
        if all(row[other] < NEAR_DUPLICATE for other in chosen):
            chosen.append(int(index))
        if len(chosen) == wanted:
            break
    return [candidates[i] for i in sorted(chosen)]
