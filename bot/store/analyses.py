"""Answers' kept analyses (bot/digest/analysis.py): encoded, checked, read and written.

A kept analysis is used only while it matches what it was made from (see
bot/store/analysis_models.py), so an edit, an appended message or a new version of the
analyser makes the next digest analyse the answer again; nothing has to remember to
throw an old one away. Like the answer it comes from, it is read only for the author's own
digest, or as theme background while the answer is shared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.digest.records import KeptSentence, TextAnalysis
from bot.store.analysis_models import AnswerAnalysis
from bot.store.models import Answer

# raise it whenever bot/digest/analysis.py (or what it calls) finds anything differently:
# every kept analysis then stops matching and is made again at its next digest
ANALYSER_VERSION = 1
KEY_SEPARATOR = "\n"  # never inside a key: a line break ends a phrase


@dataclass(frozen=True)
class Analysed:
    """A fresh analysis to keep: whose, of which version of the answer, and what."""

    answer_id: int
    answer_updated_at: datetime
    text: str  # what was analysed (only its fingerprint is kept)
    analysis: TextAnalysis


def fingerprint(text: str) -> str:
    """Of the text analysed and the analyser's version: a kept analysis of `text` has it."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{ANALYSER_VERSION}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def encode(analysis: TextAnalysis) -> str:
    """Compact JSON: {"p": [[key, surface, count], ...], "w": words, "s": [[start, end,
    goal, candidate, [content words]], ...]}; a surface equal to its key is written as ""."""
    return json.dumps(
        {
            "p": [
                [key, "" if surface == key else surface, n] for key, surface, n in analysis.phrases
            ],
            "w": analysis.words,
            "s": [
                [s.start, s.end, int(s.goal), int(s.candidate), s.content]
                for s in analysis.sentences
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(encoded: str) -> TextAnalysis:
    """What `encode` wrote (written by us, so not re-checked)."""
    data = json.loads(encoded)
    return TextAnalysis(
        tuple((key, surface or key, n) for key, surface, n in data["p"]),
        data["w"],
        tuple(
            KeptSentence(start, end, bool(goal), bool(candidate), tuple(content))
            for start, end, goal, candidate, content in data["s"]
        ),
    )


def decode_keys(encoded: str) -> frozenset[str]:
    return frozenset(encoded.split(KEY_SEPARATOR)) if encoded else frozenset()


def current(*, background: bool) -> ColumnElement[bool]:
    """The join condition for a kept analysis of an answer that still holds: the
    analyser's version, and for a background read (which does not read the text to compare
    fingerprints) the answer's `updated_at` when it was analysed."""
    condition = and_(
        AnswerAnalysis.answer_id == Answer.id, AnswerAnalysis.version == ANALYSER_VERSION
    )
    if background:
        condition = and_(condition, AnswerAnalysis.answer_updated_at == Answer.updated_at)
    return condition


async def keep(session: AsyncSession, fresh: Sequence[Analysed]) -> None:
    """Keep fresh analyses, replacing older ones of the same answers (in answer order, so
    two digests keeping the same answers at once take their row locks in one order)."""
    if not fresh:
        return
    rows = [
        {
            "answer_id": item.answer_id,
            "version": ANALYSER_VERSION,
            "fingerprint": fingerprint(item.text),
            "answer_updated_at": item.answer_updated_at,
            "analysis": encode(item.analysis),
            "phrase_keys": KEY_SEPARATOR.join(
                dict.fromkeys(key for key, _, _ in item.analysis.phrases)
            ),
        }
        for item in sorted(fresh, key=lambda item: item.answer_id)
    ]
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AnswerAnalysis)
    replaced = {
        column: statement.excluded[column]
        for column in ("version", "fingerprint", "answer_updated_at", "analysis", "phrase_keys")
    }
    # an answer deleted since it was read has no row to analyse: skip it
    existing = set(
        await session.scalars(
            select(Answer.id).where(Answer.id.in_([row["answer_id"] for row in rows]))
        )
    )
    rows = [row for row in rows if row["answer_id"] in existing]
    if rows:
        await session.execute(
            statement.on_conflict_do_update(index_elements=["answer_id"], set_=replaced), rows
        )
