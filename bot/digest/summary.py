"""The local summary: 3 to 5 of the member's own sentences, chosen by TextRank.

Extractive on purpose: every sentence shown is one the member wrote, word for word, so the
summary can never put words in their mouth. Sentences are the nodes of a graph weighted by
TF-IDF cosine similarity (of their folded content words, in any script); PageRank (power
iteration) finds the ones most of the rest echo. Sentences that start with a bare pronoun
("It was hard.") or are very short make no sense out of context, so they are not
candidates. The summary tells the story of the whole period: its answers are cut into as
many stretches of time as there are sentences to show (early, middle, late), each stretch
gives its best sentence, and no answer gives more than one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

# numpy and scikit-learn are imported where they are used: scikit-learn takes most of a
# second to import, and every bot process imports this module; only a digest needs them
if TYPE_CHECKING:
    import numpy as np

from bot.digest.phrases import Memo, content_words
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
    return min(candidates, 3 if candidates < 15 else 4 if candidates < 30 else 5)


def pagerank(similarity: Any) -> np.ndarray:
    """Scores of the nodes of a weighted graph (a scipy sparse matrix), by power iteration.

    Sparse on purpose: most pairs of sentences share no word, and a dense 1,000 x 1,000
    product per iteration costs more than all the rest of the digest.
    """
    import numpy as np  # slow import: see the top of the module

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


def summarise(
    reflections: Sequence[Reflection], sentences: Sequence[Sentence] | None = None
) -> list[Sentence]:
    """The chosen sentences, in the order they were written. `sentences`: those of
    `reflections`, when the caller has split them already."""
    seen: set[str] = set()
    candidates = []
    for sentence in sentences_of(reflections) if sentences is None else sentences:
        key = sentence.text.casefold()
        candidate = sentence.candidate
        if candidate is None:
            candidate = is_candidate(sentence.text)
        if key not in seen and candidate:  # a repeat adds no information
            seen.add(key)
            candidates.append(sentence)
    candidates = candidates[-MAX_CANDIDATES:]
    wanted = summary_size(len(candidates))
    if wanted == 0:
        return []
    import numpy as np  # slow imports: see the top of the module
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        memo: Memo = {}  # each word looked up once per digest

        def analysed(sentence: Sentence) -> Sequence[str]:
            if sentence.content is not None:  # kept with the answer's analysis
                return sentence.content
            return content_words(sentence.text, memo)

        vectors = TfidfVectorizer(analyzer=analysed).fit_transform(candidates)
    except ValueError:  # no content words: no similarity to rank by
        vectors = None
    if vectors is None or vectors.nnz == 0:
        scores = np.zeros(len(candidates))
        similarity = None
    else:
        similarity = (vectors @ vectors.T).tocsr()
        similarity.setdiag(0.0)
        similarity.eliminate_zeros()
        scores = pagerank(similarity)
    chosen: list[int] = []
    for stretch in stretches(candidates, wanted):
        for index in sorted(stretch, key=lambda i: (-scores[i], i)):
            if similarity is not None:
                row = similarity.getrow(index).toarray().ravel()
                if any(row[other] >= NEAR_DUPLICATE for other in chosen):
                    continue
            chosen.append(index)
            break
    return [candidates[i] for i in sorted(chosen)]


def stretches(candidates: Sequence[Sentence], count: int) -> list[list[int]]:
    """The candidates' indexes cut into `count` stretches of consecutive answers (about as
    many answers in each), keeping one answer's sentences together: a stretch's best
    sentence stands for it, so no answer gives two sentences and the summary spans the
    whole period."""
    answers: list[list[int]] = []
    for index, sentence in enumerate(candidates):
        if answers and candidates[answers[-1][0]].reflection is sentence.reflection:
            answers[-1].append(index)
        else:
            answers.append([index])
    count = min(count, len(answers))
    cut = [round(i * len(answers) / count) for i in range(count + 1)]
    return [[i for answer in answers[cut[k] : cut[k + 1]] for i in answer] for k in range(count)]
