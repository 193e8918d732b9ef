"""An answer's analysis: everything a digest finds in one text alone, made once and kept.

Key phrases (themes), the number of words (figures, chart), and each sentence's place with
whether it sets a goal, whether it could stand in a summary and its content words (the
summary's TextRank). None of it depends on the period or on other answers, so the core
keeps it per answer (bot/core/digest_analyses.py) and a digest parses only the answers it
has not seen since they were written or edited. What each digest part computes from a
kept analysis is what it computes from the text: tests/unit/digest/test_kept_analysis.py.
"""

from __future__ import annotations

from bot.digest.goals import is_goal
from bot.digest.phrases import Memo, content_words, phrase_counts
from bot.digest.records import KeptSentence, TextAnalysis
from bot.digest.sentences import split_sentences
from bot.digest.summary import is_candidate
from bot.digest.tokens import words


def analyse(text: str, memo: Memo | None = None) -> TextAnalysis:
    """`text`'s analysis; `memo`: words already looked up (one digest's, then dropped)."""
    memo = {} if memo is None else memo
    sentences = []
    cursor = 0
    for sentence in split_sentences(text):
        start = text.index(sentence, cursor)  # each sentence is a stretch of the text
        cursor = start + len(sentence)
        sentences.append(
            KeptSentence(
                start,
                cursor,
                is_goal(sentence),
                is_candidate(sentence),
                tuple(content_words(sentence, memo)),
            )
        )
    return TextAnalysis(phrase_counts(text, memo), len(words(text)), tuple(sentences))
