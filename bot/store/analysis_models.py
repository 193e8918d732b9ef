"""The table of answers' analyses: what a digest finds in each answer, found once and kept.

A digest ranks themes over two years of the member's answers and up to a thousand
background answers, and splits, counts and ranks all their sentences; parsing every answer
every time was most of a digest's work. The analysis (key phrases, word count, sentence
places with their goal and summary flags and content words; never a copy of the text) is
derived from the answer's text, so it is as private as the answer: it is read
only for the author's own digest, or as theme background while the answer is shared, and
goes with the answer (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class AnswerAnalysis(Base):
    """One answer's analysis (bot.digest.analysis.analyse), kept while it matches.

    `fingerprint` is of the text analysed and the analyser's version: the author's digest,
    which reads the text anyway, checks it. `answer_updated_at` is the answer's `updated_at`
    when it was analysed: a background read, which does not read the text, checks that.
    """

    __tablename__ = "answer_analysis"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(32))
    answer_updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    analysis: Mapped[str] = mapped_column(Text)  # JSON (bot/store/analyses.py `encode`)
    phrase_keys: Mapped[str] = mapped_column(Text)  # the distinct keys, one per line
