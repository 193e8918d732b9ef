"""Themes from kept phrases (bot/core/digest_analyses.py keeps each answer's) are the themes
from the texts, and the ranking computed from phrase counts is scikit-learn's TF-IDF.

Run on the realistic term (tests/support/term_of_answers.py) and its Russian, Hebrew and
Japanese versions: what a member reads must not change because the phrases were kept.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot.digest.phrases import phrase_counts
from bot.digest.records import Reflection
from bot.digest.themes import background_keys, compute_themes, tfidf_scores
from bot.digest.weeks import weeks_between
from bot.store.analyses import decode_keys, decode_phrases
from tests.support import term_of_answers as term

WEEKS = weeks_between(term.SINCE, term.UNTIL, term.ZONE)


def kept(reflections: list[Reflection]) -> list[Reflection]:
    return [dataclasses.replace(r, phrases=phrase_counts(r.text)) for r in reflections]


@pytest.mark.parametrize(
    "reflections",
    [
        term.reflections(),
        term.reflections_in(term.TERM_RU),
        term.reflections_in(term.TERM_HE),
        term.reflections_in(term.TERM_JA),
    ],
    ids=["en", "ru", "he", "ja"],
)
def test_themes_from_kept_phrases_are_the_themes_from_the_texts(
    reflections: list[Reflection],
) -> None:
    background = list(term.EARLIER_ANSWERS)
    from_texts = compute_themes(reflections, background, WEEKS, term.ZONE)

    from_kept = compute_themes(
        kept(reflections), [background_keys(t) for t in background], WEEKS, term.ZONE
    )

    assert from_texts, "the term has themes"
    assert from_kept == from_texts


def test_phrases_survive_being_kept_and_read_back() -> None:
    """What the store writes (bot/store/analyses.py: JSON phrases, keys one per line) reads
    back as the same phrases, in every script."""
    for reflection in [*term.reflections(), *term.reflections_in(term.TERM_JA)]:
        phrases = phrase_counts(reflection.text)
        encoded = json.dumps(phrases, ensure_ascii=False, separators=(",", ":"))
        assert decode_phrases(encoded) == phrases
        keys = "\n".join(dict.fromkeys(key for key, _, _ in phrases))
        assert decode_keys(keys) == {key for key, _, _ in phrases}


def test_the_ranking_is_scikit_learns_tfidf_with_rarity_and_row_norms() -> None:
    """The scores computed from kept counts equal the vectorizer pipeline they replaced:
    TfidfVectorizer(sublinear_tf=True, norm=None), times rarity, rows l2-normalised, summed."""
    own_phrases = [phrase_counts(r.text) for r in term.reflections()]
    own = []
    for answer in own_phrases:
        counts: dict[str, int] = {}
        for key, _, times in answer:
            counts[key] = counts.get(key, 0) + times
        own.append(counts)
    background = [background_keys(t) for t in term.EARLIER_ANSWERS]
    candidates = sorted({key for answer in own for key in answer})
    rarity = {key: 1.0 + (len(key) % 5) / 2 for key in candidates}  # any positive weights

    scores, rows = tfidf_scores(own, background, candidates, rarity)

    def analysed(document: list[str]) -> list[str]:
        return document

    documents = [sorted(keys) for keys in background] + [
        [key for key, times in answer.items() for _ in range(times)] for answer in own
    ]
    vectorizer = TfidfVectorizer(
        analyzer=analysed, vocabulary=candidates, sublinear_tf=True, norm=None
    )
    local = vectorizer.fit_transform(documents)[len(background) :]
    weights = np.array([rarity[key] for key in candidates])
    matrix = normalize(local.multiply(weights[np.newaxis, :]).tocsr())
    expected = np.asarray(matrix.sum(axis=0)).ravel()
    assert [scores[key] for key in candidates] == pytest.approx(list(expected), rel=1e-9)
    for column, key in enumerate(candidates):
        assert rows[key] == list(matrix[:, column].nonzero()[0])
