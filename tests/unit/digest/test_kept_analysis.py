"""A digest made from kept analyses (bot/digest/analysis.py, kept per answer by
bot/core/digest_analyses.py) is the digest made from the texts, and the theme ranking
computed from phrase counts is scikit-learn's TF-IDF.

Run on the realistic term (tests/support/term_of_answers.py) and its Russian, Hebrew and
Japanese versions: what a member reads must not change because the analyses were kept.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot.digest.analysis import analyse
from bot.digest.phrases import phrase_counts
from bot.digest.records import Reflection
from bot.digest.report import DigestContent, DigestInput, build_content
from bot.digest.themes import background_keys, tfidf_scores
from bot.prompts.library import default_library
from bot.store.analyses import decode, decode_keys, encode
from tests.support import term_of_answers as term

TERMS = {
    "en": term.reflections(),
    "ru": term.reflections_in(term.TERM_RU),
    "he": term.reflections_in(term.TERM_HE),
    "ja": term.reflections_in(term.TERM_JA),
}


def kept(reflections: list[Reflection]) -> list[Reflection]:
    """As the store gives them back: analysed, encoded, decoded."""
    return [dataclasses.replace(r, analysis=decode(encode(analyse(r.text)))) for r in reflections]


def content(reflections: list[Reflection], background: list[str | frozenset[str]]) -> DigestContent:
    library = default_library()
    return build_content(
        DigestInput(
            label="the last 13 weeks",
            since=term.SINCE,
            until=term.UNTIL,
            zone=term.ZONE,
            prompts=term.prompts_sent(),
            reflections=reflections,
            answered_prompts=[library.by_id(r.prompt_id) for r in reflections],
            library=library,
            scope=None,
            background=background,
        ),
        with_chart=False,
    )


@pytest.mark.parametrize("language", list(TERMS))
def test_a_digest_from_kept_analyses_is_the_digest_from_the_texts(language: str) -> None:
    reflections = TERMS[language]
    background = list(term.EARLIER_ANSWERS)
    from_texts = content(reflections, list(background))

    from_kept = content(kept(reflections), [background_keys(t) for t in background])

    assert from_texts.themes, "the term has themes"
    assert from_kept.themes == from_texts.themes
    assert from_kept.figures == from_texts.figures
    assert from_kept.goals == from_texts.goals
    assert [(s.text, s.position) for s in from_kept.summary] == [
        (s.text, s.position) for s in from_texts.summary
    ]
    assert from_texts.summary, "the term has a summary"


def test_an_analysis_keeps_places_not_words() -> None:
    """Sentences are kept as places in the text: the analysis holds no sentence's words
    (only folded phrase keys and content words)."""
    (first, *_) = term.reflections()
    analysis = analyse(first.text)
    sentences = [first.text[s.start : s.end] for s in analysis.sentences]
    assert sentences and all(sentence in first.text for sentence in sentences)
    assert not any(sentence in encode(analysis) for sentence in sentences if " " in sentence)


def test_phrase_keys_survive_being_kept_and_read_back() -> None:
    for reflection in [*term.reflections(), *term.reflections_in(term.TERM_JA)]:
        phrases = phrase_counts(reflection.text)
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
