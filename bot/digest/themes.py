"""Themes: the member's recurring key phrases, and the weeks each one appears in.

TF-IDF (scikit-learn) against a background that is never private: general English (word
frequencies from the wordfreq package's bundled data), plus the texts the caller passes
(the member's own earlier answers and the answers members SHARED with the community). A
phrase scores high when the member uses it often and English, their own past and the
shared answers do not, so "staff meeting" sinks and "chromebook rollout" rises. English
stop words are removed, and from each answer the words of the prompt it answered
(otherwise themes would echo the questions). Candidates come only from the member's own
answers, so a shared answer's words can raise or lower a score but never become a theme.
Nothing here may depend on another member's private text: the caller never passes it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from wordfreq import word_frequency

from bot.digest.records import Reflection
from bot.digest.weeks import Week, buckets, week_label, week_of

_WORD = r"[^\W\d_]+(?:'[^\W\d_]+)?"  # letters (and it's): numbers are not themes
_TOKEN = re.compile(_WORD)
# a word, or (empty group) something a phrase never spans: punctuation, a number
_PIECE = re.compile(rf"({_WORD})|[\d.,;:!?()\[\]\"\n\u2014\u2013]+")
PRESENT, ABSENT = "▮", "·"
CONTAINED_KEEP = 0.75  # a longer phrase replaces a shorter one it holds if nearly as frequent
# wordfreq lists English words down to a frequency of about 1e-8 (once in 100 million
# words); a word it does not know ("chromebook" is known, a school's own name may not be)
# counts as that rare
ENGLISH_FLOOR = 1e-8


@dataclass(frozen=True)
class Theme:
    phrase: str
    weeks: tuple[Week, ...]  # the ISO weeks (member's zone) of the answers using it
    timeline: str  # one cell per week (or group of weeks) of the period: ▮ used, · not

    @property
    def week_labels(self) -> tuple[str, ...]:
        return tuple(week_label(week) for week in self.weeks)


CONTRACTIONS = frozenset(
    [
        "i'm",
        "i've",
        "i'll",
        "i'd",
        "we're",
        "we've",
        "we'll",
        "it's",
        "that's",
        "there's",
        "they're",
        "they've",
        "let's",
        "you're",
        "don't",
        "didn't",
        "doesn't",
        "isn't",
        "wasn't",
        "weren't",
        "aren't",
        "can't",
        "couldn't",
        "won't",
        "wouldn't",
        "shouldn't",
        "haven't",
        "hasn't",
        "hadn't",
    ]
)


# words every reflection uses and no theme is made of: time words and filler adverbs
# ("year" stays: "year seven" is a theme in a school)
REFLECTION_FILLER = frozenset(
    [
        "finally",
        "really",
        "actually",
        "just",
        "week",
        "weeks",
        "term",
        "today",
        "yesterday",
        "lot",
        "lots",
        "bit",
        "things",
        "thing",
        "way",
        "time",
        "times",
        "day",
        "days",
        "better",
        "good",
        "great",
    ]
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | CONTRACTIONS | REFLECTION_FILLER)


def prompt_words(prompt_text: str) -> frozenset[str]:
    """The words of a prompt, taken out of the answer to it.

    An answer echoes its question ("What did the rollout teach you?" - "The rollout taught
    me..."), and that echo is not a theme. Only the answer's own prompt is removed, so a
    word the member brings back week after week, whatever the question, still counts.
    """
    return frozenset(_TOKEN.findall(_plain(prompt_text)))


def _plain(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def phrases(text: str, stops: frozenset[str], keep: frozenset[str] | None = None) -> list[str]:
    """Phrases of 1 to 3 words that never span a stop word, a number or punctuation.

    scikit-learn's own analyzer drops stop words first and then joins neighbours, so "the
    staff meeting and the wifi plan" would give "meeting wifi"; runs of content words give
    "staff meeting" and "wifi plan", which read as themes. With `keep`, any other word
    breaks a phrase too: for the background, which only needs the member's candidate
    phrases (whose words are all candidates themselves), that makes the scan cheap.
    """
    grams: list[str] = []
    run: list[str] = []
    for token in _PIECE.findall(_plain(text)):
        if token and token not in stops and (keep is None or token in keep):
            run.append(token)
        elif run:
            _add_grams(run, grams)
            run = []
    if run:
        _add_grams(run, grams)
    return grams


def _add_grams(run: list[str], grams: list[str]) -> None:
    grams += run
    if len(run) > 1:
        grams += [f"{a} {b}" for a, b in pairwise(run)]
    if len(run) > 2:
        grams += [f"{a} {b} {c}" for a, b, c in zip(run, run[1:], run[2:], strict=False)]


def _given(grams: list[str]) -> list[str]:
    """The analyzer for texts already analysed: each is analysed once, not per vectorizer."""
    return grams


def _candidates(analysed: Sequence[list[str]], min_answers: int) -> list[str]:
    """The member's phrases used in at least `min_answers` answers: only these can be themes."""
    counter = CountVectorizer(analyzer=_given, binary=True)
    try:
        matrix = counter.fit_transform(analysed)
    except ValueError:  # nothing left after stop words
        return []
    in_answers = np.asarray(matrix.sum(axis=0)).ravel()
    names = counter.get_feature_names_out()
    return [str(names[i]) for i in np.flatnonzero(in_answers >= min_answers)]


@lru_cache(maxsize=1 << 16)
def english_weight(phrase: str) -> float:
    """How rare `phrase` is in general English: -log10 of its wordfreq frequency, 1 to 8.

    "the" weighs about 1.3, "meeting" 3.9, "budget" 4.2, "chromebook" 6.3, "quokka" 7.5; a
    phrase of several words counts as rarer than each of them (wordfreq combines them).
    Bundled data only: no network, the same answer on every machine with this wordfreq.
    """
    frequency = word_frequency(phrase, "en")
    return max(1.0, -math.log10(max(frequency, ENGLISH_FLOOR)))


def _singular(phrase: str) -> str:
    """' device ' for 'devices': a crude plural fold, only for spotting repeats."""
    folded = (w[:-1] if len(w) > 3 and w.endswith("s") else w for w in phrase.split())
    return " " + " ".join(folded) + " "


def _pick(ranked: list[tuple[str, int]], count: int) -> list[str]:
    """The best phrases without near-repeats: "desk", "help desk" and "help desk tickets"
    are one theme, shown as the longest one that is nearly as frequent as the shorter."""
    kept: list[tuple[str, int]] = []
    for phrase, used in ranked:
        padded = _singular(phrase)
        if any(padded in _singular(k) for k, _ in kept):
            continue  # a kept phrase already says it
        inside = [(k, n) for k, n in kept if _singular(k) in padded]
        if inside:
            if all(used >= CONTAINED_KEEP * n for _, n in inside):
                where = kept.index(inside[0])
                kept = [item for item in kept if item not in inside]
                kept.insert(where, (phrase, used))
        elif len(kept) < count:
            kept.append((phrase, used))
    return [phrase for phrase, _ in kept]


def compute_themes(
    reflections: Sequence[Reflection],
    background: Sequence[str],
    weeks: Sequence[Week],
    zone: ZoneInfo,
    count: int = 5,
) -> list[Theme]:
    """The member's `count` most characteristic recurring phrases over `weeks` (the period).

    `background`: texts that are not private to anyone but the member (their own earlier
    answers, answers shared with the community); with general English, they say how common
    a phrase is. Each phrase's weight is TF-IDF's inverse document frequency over the
    background and the member's answers, times its English rarity (`english_weight`).
    """
    if not reflections:
        return []
    own = [phrases(r.text, STOP_WORDS | prompt_words(r.prompt_text)) for r in reflections]
    candidates = _candidates(own, min_answers=2 if len(own) >= 3 else 1)
    if not candidates:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=_given, vocabulary=candidates, sublinear_tf=True, norm=None
    )
    words = frozenset(c for c in candidates if " " not in c)
    others = [phrases(text, STOP_WORDS, words) for text in background]
    local = vectorizer.fit_transform([*others, *own])[len(others) :]
    names = vectorizer.get_feature_names_out()
    english = np.array([english_weight(str(name)) for name in names])
    # each answer's row l2-normalised after weighting, as TfidfVectorizer's own norm would
    matrix = normalize(local.multiply(english[np.newaxis, :]).tocsr())
    scores = np.asarray(matrix.sum(axis=0)).ravel()
    used = np.asarray((matrix > 0).sum(axis=0)).ravel()
    order = np.argsort(-scores, kind="stable")
    ranked = [(str(names[i]), int(used[i])) for i in order if scores[i] > 0]
    column = {str(name): i for i, name in enumerate(names)}
    answer_weeks = [week_of(r.written_at, zone) for r in reflections]
    themes = []
    for phrase in _pick(ranked, count):
        rows = matrix[:, column[phrase]].nonzero()[0]
        seen = sorted({answer_weeks[row] for row in rows})
        themes.append(Theme(phrase, tuple(seen), timeline(set(seen), list(weeks))))
    return themes


def timeline(seen: set[Week], weeks: list[Week]) -> str:
    """`▮▮·▮`: one cell per week of the period (or group of weeks when the period is long)."""
    return "".join(
        PRESENT if any(week in seen for week in group) else ABSENT for group in buckets(weeks)
    )
