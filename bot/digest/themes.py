"""Themes: the member's recurring key phrases, and the weeks each one appears in.

Candidates are the noun phrases of the member's own answers (bot/digest/phrases.py: one to
three words, folded, any script), minus the words of the prompt each answer replied to
(otherwise themes would echo the questions). They are ranked by TF-IDF (scikit-learn's
formula, computed from phrase counts in `tfidf_scores`) against a background that is never
private: general English or the phrase's own language (word frequencies from the wordfreq
package's bundled data), plus the texts the caller passes (the member's own earlier answers
and the answers members SHARED with the community). A phrase scores high when the member
uses it often and the language, their own past and the shared answers do not, so "staff
meeting" sinks and "budget meeting" rises.
Only the member's phrases can be themes, so a shared answer's words can raise or lower a
score but never become a theme. Nothing here may depend on another member's private text:
the caller never passes it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import regex  # type: ignore[import-untyped]

from bot.digest.phrases import (
    Memo,
    key_phrases,
    phrase_counts,
    word_frequency,
    word_keys,
)
from bot.digest.records import PhraseCount, Reflection
from bot.digest.tokens import language_of
from bot.digest.weeks import Week, buckets, week_label, week_of
from bot.prompts.library import default_library

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


def phrases(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """The keys of the key phrases of `text` (see bot/digest/phrases.py)."""
    return [phrase.key for phrase in key_phrases(text, drop)]


def own_phrases(
    reflection: Reflection, asked: dict[str, frozenset[str]], memo: Memo
) -> list[PhraseCount]:
    """The answer's key phrases without the echo of its own prompt: the kept analysis when
    the store has one, else found in its text now."""
    if reflection.analysis is not None:
        found = reflection.analysis.phrases
    else:
        found = phrase_counts(reflection.text, memo)
    drop = asked.get(reflection.prompt_text)
    if drop is None:
        if _is_library_question(reflection.prompt_id, reflection.prompt_text):
            drop = _library_prompt_words(reflection.prompt_text)
        else:  # a community's own prompt, or a revisit quoting the member: this digest only
            drop = prompt_words(reflection.prompt_text, memo)
        asked[reflection.prompt_text] = drop
    return [item for item in found if not drop.issuperset(item[0].split(" "))]


def _is_library_question(prompt_id: str, prompt_text: str) -> bool:
    found = default_library().by_id(prompt_id)
    return found is not None and found.question == prompt_text


@lru_cache(maxsize=1024)
def _library_prompt_words(question: str) -> frozenset[str]:
    """`prompt_words` of one of the library's questions, kept for the process: public text
    that every digest meets again (a question quoting a member is never kept)."""
    return prompt_words(question)


def background_keys(text: str, memo: Memo | None = None) -> frozenset[str]:
    """The keys of a background text's key phrases: all its row of the ranking needs."""
    return frozenset(key for key, _, _ in phrase_counts(text, memo))


def _candidates(own: Sequence[dict[str, int]], min_answers: int) -> list[str]:
    """The member's phrases used in at least `min_answers` answers, in alphabetical order:
    only these can be themes."""
    in_answers = Counter(key for answer in own for key in answer)
    return sorted(key for key, count in in_answers.items() if count >= min_answers)


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


def _written(found: Sequence[list[PhraseCount]], wanted: frozenset[str]) -> dict[str, str]:
    """Each wanted phrase as the member wrote it most often (case as written; the first
    way written when two ways are as frequent)."""
    written: dict[str, Counter[str]] = {key: Counter() for key in wanted}
    for answer in found:
        for key, surface, count in answer:
            if key in wanted:
                written[key][surface] += count
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


def tfidf_scores(
    own: Sequence[Mapping[str, int]],
    background: Iterable[frozenset[str]],
    candidates: Sequence[str],
    rarity: Mapping[str, float],
) -> tuple[dict[str, float], dict[str, list[int]]]:
    """Each candidate's score, and the member's answers (by index) that use it.

    scikit-learn's TfidfVectorizer(sublinear_tf=True, norm=None) over the background and
    the member's answers, each weight times the phrase's `rarity`, each answer's row
    l2-normalised, then summed per phrase: computed here directly from the kept phrase
    counts (a vectorizer would need every answer's phrases as a list again, and costs more
    than the rest of the ranking; tests/unit/digest/test_kept_phrases.py checks the two
    agree).
    """
    wanted = frozenset(candidates)
    in_documents = Counter(key for answer in own for key in answer if key in wanted)
    documents = len(own)
    for keys in background:
        in_documents.update(wanted.intersection(keys))
        documents += 1
    weight = {
        key: (math.log((1 + documents) / (1 + in_documents[key])) + 1) * rarity[key]
        for key in candidates
    }
    scores = dict.fromkeys(candidates, 0.0)
    rows: dict[str, list[int]] = {key: [] for key in candidates}
    for row, in_answer in enumerate(own):
        values = {
            key: (1 + math.log(times)) * weight[key]
            for key, times in in_answer.items()
            if key in wanted
        }
        norm = math.sqrt(sum(value * value for value in values.values()))
        for key, value in values.items():
            scores[key] += value / norm
            rows[key].append(row)
    return scores, rows


def compute_themes(
    reflections: Sequence[Reflection],
    background: Sequence[str | frozenset[str]],
    weeks: Sequence[Week],
    zone: ZoneInfo,
    count: int = 5,
) -> list[Theme]:
    """The member's `count` most characteristic recurring phrases over `weeks` (the period).

    `background`: texts that are not private to anyone but the member (their own earlier
    answers, answers shared with the community), or the keys of their phrases when the
    store kept them (`background_keys`); with general language frequencies, they say how
    common a phrase is. Each phrase's weight is TF-IDF (sublinear term frequency, smoothed
    inverse document frequency over the background and the member's answers, as
    scikit-learn's TfidfVectorizer computes them) times its rarity in its language
    (`phrase_weight`); each answer's weights are l2-normalised and summed.
    """
    if not reflections:
        return []
    memo: Memo = {}  # this digest's words, looked up once; dropped with the digest
    asked: dict[str, frozenset[str]] = {}  # a prompt answered twice is read once
    found = [own_phrases(r, asked, memo) for r in reflections]
    own: list[dict[str, int]] = []
    for answer in found:
        counts: dict[str, int] = {}
        for key, _, times in answer:
            counts[key] = counts.get(key, 0) + times
        own.append(counts)
    candidates = _candidates(own, min_answers=2 if len(own) >= 3 else 1)
    if not candidates:
        return []
    wanted = frozenset(candidates)
    written = _written(found, wanted)
    keys = (background_keys(t, memo) if isinstance(t, str) else t for t in background)
    rarity = {key: phrase_weight(key, written[key]) for key in candidates}
    scores, rows = tfidf_scores(own, keys, candidates, rarity)
    # by score, ties in alphabetical order
    ranked = [(key, scores[key]) for key in sorted(candidates, key=lambda k: -scores[k])]
    answer_weeks = [week_of(r.written_at, zone) for r in reflections]
    texts = [r.text for r in reflections]
    themes = []
    for phrase in _pick([item for item in ranked if item[1] > 0], count):
        seen = sorted({answer_weeks[row] for row in rows[phrase]})
        shown = _cased(written[phrase], texts)
        themes.append(Theme(shown, tuple(seen), timeline(set(seen), list(weeks))))
    return themes


def timeline(seen: set[Week], weeks: list[Week]) -> str:
    """`▮▮·▮`: one cell per week of the period (or group of weeks when the period is long)."""
    return "".join(
        PRESENT if any(week in seen for week in group) else ABSENT for group in buckets(weeks)
    )
