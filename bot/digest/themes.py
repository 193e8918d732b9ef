"""Themes: the member's recurring key phrases, and the weeks each one appears in.

Candidates are the noun phrases of the member's own answers (bot/digest/phrases.py: one to
three words, folded, any script), minus the words of the prompt each answer replied to
(otherwise themes would echo the questions). They are ranked by TF-IDF (scikit-learn)
against a background that is never private: general English or the phrase's own language
(word frequencies from the wordfreq package's bundled data), plus the texts the caller
passes (the member's own earlier answers and the answers members SHARED with the
community). A phrase scores high when the member uses it often and the language, their own
past and the shared answers do not, so "staff meeting" sinks and "budget meeting" rises.
Only the member's phrases can be themes, so a shared answer's words can raise or lower a
score but never become a theme. Nothing here may depend on another member's private text:
the caller never passes it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import regex  # type: ignore[import-untyped]

from bot.digest.phrases import (
    Memo,
    Phrase,
    key_phrases,
    phrases_among,
    word_frequency,
    word_keys,
    words_of,
)
from bot.digest.records import Reflection
from bot.digest.tokens import language_of
from bot.digest.weeks import Week, buckets, week_label, week_of

PRESENT, ABSENT = "▮", "·"
CONTAINED_KEEP = 0.75  # a longer phrase replaces a shorter one it holds if nearly as strong
# wordfreq lists words down to a frequency of about 1e-8 (once in 100 million words); a
# word it does not know ("chromebook" is known, a school's own name may not be) counts as
# that rare
ENGLISH_FLOOR = 1e-8
# one everyday word ("meeting", "budget", "students") says less than a phrase: a single
# word commoner than this in its language counts half
EVERYDAY_WORD = 3e-5
PHRASE_BONUS = 1.5
SENTENCE_ENDS = frozenset(".!?\n\u3002\uff01\uff1f")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")


@dataclass(frozen=True)
class Theme:
    phrase: str
    weeks: tuple[Week, ...]  # the ISO weeks (member's zone) of the answers using it
    timeline: str  # one cell per week (or group of weeks) of the period: ▮ used, · not

    @property
    def week_labels(self) -> tuple[str, ...]:
        return tuple(week_label(week) for week in self.weeks)


def prompt_words(prompt_text: str, memo: Memo | None = None) -> frozenset[str]:
    """The folded words of a prompt, taken out of the answer to it.

    An answer echoes its question ("What did the rollout teach you?" - "The rollout taught
    me..."), and that echo is not a theme. Only the answer's own prompt is removed, so a
    word the member brings back week after week, whatever the question, still counts.
    """
    return word_keys(prompt_text, memo)


def _asked(prompt_text: str, asked: dict[str, frozenset[str]], memo: Memo) -> frozenset[str]:
    asked[prompt_text] = prompt_words(prompt_text, memo)
    return asked[prompt_text]


def phrases(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """The keys of the key phrases of `text` (see bot/digest/phrases.py)."""
    return [phrase.key for phrase in key_phrases(text, drop)]


def _given(grams: list[str]) -> list[str]:
    """The analyzer for texts already analysed: each is analysed once, not per vectorizer."""
    return grams


def _candidates(analysed: Sequence[list[str]], min_answers: int) -> list[str]:
    """The member's phrases used in at least `min_answers` answers: only these can be themes."""
    # numpy and scikit-learn take a second to import: only a digest needs them
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(analyzer=_given, binary=True)
    try:
        matrix = counter.fit_transform(analysed)
    except ValueError:  # nothing left after stop words
        return []
    in_answers = np.asarray(matrix.sum(axis=0)).ravel()
    names = counter.get_feature_names_out()
    return [str(names[i]) for i in np.flatnonzero(in_answers >= min_answers)]


@lru_cache(maxsize=1 << 16)
def english_weight(phrase: str, lang: str = "en") -> float:
    """How rare `phrase` is in its language: -log10 of its wordfreq frequency, 1 to 8.

    "the" weighs about 1.3, "meeting" 3.9, "budget" 4.2, "chromebook" 6.3, "quokka" 7.5; a
    phrase of several words counts as rarer than each of them (wordfreq combines them).
    Bundled data only: no network, the same answer on every machine with this wordfreq.
    """
    frequency = word_frequency(phrase, lang) if lang else 0.0
    return max(1.0, -math.log10(max(frequency, ENGLISH_FLOOR)))


def phrase_weight(key: str, surface: str) -> float:
    """A phrase's rarity in its own language: each word beyond the first makes it rarer,
    and one everyday word alone counts half.

    wordfreq rates a phrase about as common as its rarest word, but two words together are
    far rarer than either ("budget" and "meeting" are everyday; "budget meeting" is a
    topic): PHRASE_BONUS per extra word stands for that, up to the floor's weight.
    """
    lang = "ja" if _CJK.search(surface) else language_of(surface) or "en"
    text = surface.lower()
    weight = english_weight(text, lang)
    extra = sum(1 for part in key.split(" ")[1:] if not part.isdecimal())  # "Year 7": one
    if " " in key:
        return min(weight + PHRASE_BONUS * extra, -math.log10(ENGLISH_FLOOR))
    if lang != "ja" and word_frequency(text, lang) > EVERYDAY_WORD:
        weight /= 2
    return weight


def _pick(ranked: list[tuple[str, float]], count: int) -> list[str]:
    """The best phrases without near-repeats: "rollout", "iPad rollout" and "iPad rollout
    plan" are one theme, shown as the longest one that scores nearly as high as the shorter
    ones it holds (CONTAINED_KEEP of their score)."""
    kept: list[tuple[str, float]] = []
    for phrase, score in ranked:
        padded = f" {phrase} "
        if any(padded in f" {k} " for k, _ in kept):
            continue  # a kept phrase already says it
        inside = [(k, s) for k, s in kept if f" {k} " in padded]
        if inside:
            if all(score >= CONTAINED_KEEP * s for _, s in inside):
                where = kept.index(inside[0])
                kept = [item for item in kept if item not in inside]
                kept.insert(where, (phrase, score))
        elif len(kept) < count:
            kept.append((phrase, score))
    return [phrase for phrase, _ in kept]


def _written(found: Sequence[list[Phrase]]) -> dict[str, str]:
    """Each phrase as the member wrote it most often (case as written)."""
    written: dict[str, Counter[str]] = {}
    for answer in found:
        for phrase in answer:
            written.setdefault(phrase.key, Counter())[phrase.surface] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in written.items()}


def _cased(surface: str, texts: Sequence[str]) -> str:
    """`surface` in lower case, but for a word the member writes with a capital mid-sentence
    and never in lower case ("Year 7", "Priya"); a word with capitals inside ("iPad",
    "ICT") keeps them."""
    return " ".join(_cased_word(word, texts) for word in surface.split(" "))


def _cased_word(word: str, texts: Sequence[str]) -> str:
    if word[1:] != word[1:].lower() or word == word.lower():
        return word
    pattern = regex.compile(
        rf"(?<![\p{{L}}\p{{M}}]){regex.escape(word)}(?![\p{{L}}\p{{M}}])", regex.IGNORECASE
    )
    capital_mid_sentence = False
    for text in texts:
        for match in pattern.finditer(text):
            written = match.group()
            if written == written.lower():
                return word.lower()
            before = text[: match.start()].rstrip()
            if written == word and before and before[-1] not in SENTENCE_ENDS:
                capital_mid_sentence = True
    return word if capital_mid_sentence else word.lower()


def compute_themes(
    reflections: Sequence[Reflection],
    background: Sequence[str],
    weeks: Sequence[Week],
    zone: ZoneInfo,
    count: int = 5,
) -> list[Theme]:
    """The member's `count` most characteristic recurring phrases over `weeks` (the period).

    `background`: texts that are not private to anyone but the member (their own earlier
    answers, answers shared with the community); with general language frequencies, they
    say how common a phrase is. Each phrase's weight is TF-IDF's inverse document frequency
    over the background and the member's answers, times its rarity in its language
    (`phrase_weight`); each answer's weights are l2-normalised and summed.
    """
    if not reflections:
        return []
    # numpy and scikit-learn take a second to import: only a digest needs them
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    memo: Memo = {}  # this digest's words, looked up once; dropped with the digest
    asked: dict[str, frozenset[str]] = {}  # a prompt answered twice is read once
    found = [
        key_phrases(r.text, asked.get(r.prompt_text) or _asked(r.prompt_text, asked, memo), memo)
        for r in reflections
    ]
    own = [[phrase.key for phrase in answer] for answer in found]
    candidates = _candidates(own, min_answers=2 if len(own) >= 3 else 1)
    if not candidates:
        return []
    written = _written(found)
    vectorizer = TfidfVectorizer(
        analyzer=_given, vocabulary=candidates, sublinear_tf=True, norm=None
    )
    wanted = frozenset(candidates)
    wanted_words = words_of(wanted)
    seen_words: dict[str, str] = {}
    others = [phrases_among(text, wanted, wanted_words, seen_words) for text in background]
    local = vectorizer.fit_transform([*others, *own])[len(others) :]
    names = [str(name) for name in vectorizer.get_feature_names_out()]
    rarity = np.array([phrase_weight(name, written[name]) for name in names])
    # each answer's row l2-normalised after weighting, as TfidfVectorizer's own norm would
    matrix = normalize(local.multiply(rarity[np.newaxis, :]).tocsr())
    scores = np.asarray(matrix.sum(axis=0)).ravel()
    order = np.argsort(-scores, kind="stable")
    ranked = [(names[i], float(scores[i])) for i in order if scores[i] > 0]
    column = {name: i for i, name in enumerate(names)}
    answer_weeks = [week_of(r.written_at, zone) for r in reflections]
    texts = [r.text for r in reflections]
    themes = []
    for phrase in _pick(ranked, count):
        rows = matrix[:, column[phrase]].nonzero()[0]
        seen = sorted({answer_weeks[row] for row in rows})
        shown = _cased(written[phrase], texts)
        themes.append(Theme(shown, tuple(seen), timeline(set(seen), list(weeks))))
    return themes


def timeline(seen: set[Week], weeks: list[Week]) -> str:
    """`▮▮·▮`: one cell per week of the period (or group of weeks when the period is long)."""
    return "".join(
        PRESENT if any(week in seen for week in group) else ABSENT for group in buckets(weeks)
    )
