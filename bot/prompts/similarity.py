"""Finds prompts that ask the same thing in other words, for `pln-bot prompts check`.

A letter-by-letter ratio sees "Who owns each part of the plan?" and "Which project needs a
clear owner?" as different texts; a member who gets both in one term sees one question.
So each text (question + follow-up) is first folded onto the ideas it is about: words that
name one idea in this domain ("owner", "responsible", "accountable") become one concept,
and the scaffolding every prompt shares ("on a scale of 1 to 10", "think of", "this week")
is dropped, because the form is checked on its own (`library.form_counts`). Then TF-IDF
over the folded words (one and two in a row) and their character n-grams, and the cosine
between every two texts. The threshold is calibrated on the first edition's pairs that
members noticed (tests/unit/test_prompt_similarity.py; docs/PROMPTS.md gives the figures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

# numpy and scikit-learn are imported where they are used: importing scikit-learn takes most
# of a second, and every bot process (and `pln-bot prompts check`) would pay it at start-up
if TYPE_CHECKING:
    import numpy as np

SEMANTIC_THRESHOLD = 0.26  # similarity at or above which two prompts ask the same thing
CHAR_WEIGHT = 0.3  # the character n-grams' share of the similarity; the words have the rest
# two texts must share at least this many folded ideas: a short text that shares one
# striking word ("surprised") with a prompt does not ask what that prompt asks
MIN_SHARED_IDEAS = 2

# Ideas that the library's prompts keep coming back to, each with the words that name it.
# A word belongs to one idea only; phrases are matched before single words.
# fmt: off
CONCEPTS: dict[str, tuple[str, ...]] = {
    "PEER": (
        "peer", "counterpart", "similar role", "same role", "same job", "another school",
        "other school", "elsewhere", "network", "pln", "forum", "meetup",
    ),
    "PROBLEM": ("problem", "stuck", "snag", "puzzle", "puzzling", "difficulty"),
    "SOLVE": ("solve", "solved", "crack", "cracked", "solution", "worked out", "work out"),
    "ASK": ("ask", "asked", "asking", "enquire"),
    "OWNER": (
        "owner", "own it", "own the", "ownership", "responsible", "responsibility", "accountable",
        "accountability", "in charge", "who does what",
    ),
    "CLEAR": ("clear", "unclear", "clarify", "match"),
    "PLAN": ("plan", "project", "initiative", "rollout", "roadmap"),
    "COLLEAGUE": ("colleague", "teacher", "staff", "educator", "others"),
    "SHOWCASE": (
        "show", "showcase", "see", "in front of", "demonstrate", "spread", "visible", "know about",
        "recognition", "noticed", "spot", "share", "sharing",
    ),
    # a colleague's strength and the champion who has it are one idea: people to build on
    "STRENGTH": (
        "skill", "strength", "talent", "expertise", "good at", "knack", "gift", "champion",
        "back them", "ambassador", "lead learner",
    ),
    "MONEY": ("money", "budget", "spend", "spent", "cost", "fund", "funding", "price"),
    "SUPPLIER": ("supplier", "vendor", "contract", "licence", "license", "renewal"),
    "DEVICE": ("device", "laptop", "tablet", "chromebook", "ipad", "hardware"),
    "DATA": ("data", "evidence", "number", "figure", "measure", "statistic", "metric"),
    "STUDENT": ("student", "pupil", "learner", "class"),
    "PARENT": ("parent", "family", "families", "carer"),
    "BOARD": ("board", "governor", "trustee"),
    "TRAINING": ("training", "session", "workshop", "cpd", "inset", "course"),
    "FEEDBACK": ("feedback", "complaint", "criticism", "frustrated", "frustration", "let down"),
    "VISION": ("vision", "purpose", "why the school", "aim"),
    "GOAL": ("goal", "target", "aim for", "priority", "priorities"),
    "TIME": ("hour", "time", "diary", "calendar", "timetable"),
    "HANDOVER": ("hand over", "handover", "hand off", "delegate", "let go", "give away"),
    "CONFIDENCE": ("confidence", "confident", "at ease", "comfortable", "sure of yourself"),
    "DECISION": ("decision", "decide", "decided", "choice", "choose", "chose"),
    "TECHNICIAN": (
        "technician", "technical team", "technical staff", "network manager", "it team", "it staff",
        "help desk", "helpdesk",
    ),
    "WELLBEING": (
        "wellbeing", "well-being", "wellness", "workload", "stress", "burnout", "burning out",
        "exhausted",
    ),
    "SAFE": ("safe", "safety", "admit", "risk", "mistake", "fail", "failure", "wrong"),
}
# fmt: on

# The scaffolding of a prompt's form, not what it asks about.
# fmt: off
FORM_WORDS = frozenset((
    "scale", "1", "10", "point", "points", "higher", "raise", "think", "recall", "remember",
    "picture", "imagine", "tell", "new", "coordinator", "week", "weeks", "month", "months",
    "year", "years", "term", "today", "tomorrow", "next", "last", "time", "times", "moment",
    "school", "schools", "technology", "tech", "really", "actually", "right", "now", "first",
    "one", "two", "three", "small", "smallest", "thing", "things", "way", "ways", "like",
    "make", "help", "need", "needs", "use", "used", "using", "work", "working", "day", "days",
    "lately", "recently", "probably", "yes", "did", "didn't", "don't", "doesn't", "won't",
    "can't", "isn't", "else", "something", "someone", "rather", "most", "much", "many", "get",
    "got", "going",
))
# fmt: on


@cache
def stop_words() -> frozenset[str]:
    """English stop words and FORM_WORDS: what `fold` drops."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # slow import: see top

    return frozenset(ENGLISH_STOP_WORDS) | FORM_WORDS


_PHRASES = sorted(
    ((phrase, concept) for concept, words in CONCEPTS.items() for phrase in words if " " in phrase),
    key=lambda item: -len(item[0]),
)
_WORDS = {word: concept for concept, words in CONCEPTS.items() for word in words if " " not in word}
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*")


def _forms(word: str) -> list[str]:
    """The word and the stems it may come from, most likely first (a light English stemmer,
    enough for colleague/colleagues, share/sharing and owns/owned)."""
    word = word.removesuffix("'s")
    found = [word]
    for suffix, keep in (
        ("ies", "y"),
        ("s", ""),
        ("es", ""),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            found.append(word[: -len(suffix)] + keep)
    return found


def _stem(word: str) -> str:
    forms = _forms(word)
    return forms[1] if len(forms) > 1 else word


def fold(text: str) -> list[str]:
    """The text as the ideas it names: concepts, then the remaining content words' stems."""
    lowered = " " + " ".join(_TOKEN.findall(text.casefold().replace("\u2019", "'"))) + " "
    for phrase, concept in _PHRASES:
        lowered = lowered.replace(f" {phrase} ", f" {concept} ")
    stop = stop_words()
    tokens = []
    for word in lowered.split():
        if word.isupper():
            tokens.append(word)
            continue
        idea = next((_WORDS[form] for form in _forms(word) if form in _WORDS), None)
        if idea is not None:
            tokens.append(idea)
        elif word not in stop and _stem(word) not in stop and len(word) > 2:
            tokens.append(_stem(word))
    return tokens


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """Similarity (0-1) of every two texts: the cosines of their folded words (one and two
    in a row) and of those words' character n-grams, blended by CHAR_WEIGHT."""
    import numpy as np  # slow imports: see the top of the module
    from sklearn.feature_extraction.text import TfidfVectorizer

    folded = [" ".join(fold(text)) for text in texts]
    words = TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        token_pattern=r"\S+",
        lowercase=False,
        sublinear_tf=True,
    ).fit_transform(folded)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
    ).fit_transform(folded)
    by_words = np.asarray((words @ words.T).todense())  # rows are unit length already
    by_chars = np.asarray((chars @ chars.T).todense())
    blended: np.ndarray = (1 - CHAR_WEIGHT) * by_words + CHAR_WEIGHT * by_chars
    return blended


@dataclass(frozen=True)
class SimilarPair:
    first: str
    second: str
    score: float


def similar_pairs(
    items: Sequence[tuple[str, str]],
    threshold: float = SEMANTIC_THRESHOLD,
    allowed: frozenset[frozenset[str]] = frozenset(),
) -> list[SimilarPair]:
    """Pairs of (id, text) at or above `threshold`, most alike first, less the allowed ones."""
    if len(items) < 2:
        return []
    scores = similarity_matrix([text for _, text in items])
    ideas = [set(fold(text)) for _, text in items]
    found = []
    for i, (first, _) in enumerate(items):
        for j in range(i + 1, len(items)):
            second = items[j][0]
            if (
                scores[i, j] >= threshold
                and len(ideas[i] & ideas[j]) >= MIN_SHARED_IDEAS
                and frozenset((first, second)) not in allowed
            ):
                found.append(SimilarPair(first, second, float(scores[i, j])))
    return sorted(found, key=lambda pair: -pair.score)


def closest(candidate: str, items: Sequence[tuple[str, str]]) -> SimilarPair | None:
    """The library item most like `candidate` (a community prompt's text) among those that
    share at least MIN_SHARED_IDEAS folded ideas with it, with its score; None if none do."""
    if not items:
        return None
    ideas = set(fold(candidate))
    scores = similarity_matrix([candidate, *(text for _, text in items)])[0, 1:]
    sharing = [
        index
        for index, (_, text) in enumerate(items)
        if len(ideas & set(fold(text))) >= MIN_SHARED_IDEAS
    ]
    if not sharing:
        return None
    best = max(sharing, key=lambda index: scores[index])
    return SimilarPair("candidate", items[best][0], float(scores[best]))
