"""Each answer's analysis for a digest: the kept ones, and the rest made once and kept.

A digest needs the key phrases of every answer of the period and of up to a thousand
background answers, and the sentences, goals and content words of the period's answers
(bot/digest/analysis.py). Finding them is most of a digest's work, so each answer's
analysis is kept (bot/store/analyses.py) and a digest analyses only the answers it has
not seen since they were written or edited. `take_kept` runs in the digest's unit of work and
notes what is missing; `complete` analyses the rest in a worker thread after that
unit, then keeps them in a short unit of its own, so no transaction stays open while
answers are parsed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from bot.digest.analysis import analyse
from bot.digest.phrases import Memo
from bot.digest.records import Reflection
from bot.store import analyses
from bot.store.analyses import Analysed
from bot.store.database import Database
from bot.store.digests import AnswerRow, BackgroundRow

if TYPE_CHECKING:
    from bot.core.digest_requests import DigestRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unanalysed:
    """An answer of the digest still to be analysed."""

    own: bool  # one of the member's reflections (else a background answer)
    index: int  # its place among the reflections or in the background
    answer_id: int
    updated_at: datetime
    keep: bool  # its whole text was read, so its analysis may be kept


def take_kept(
    answers: Sequence[AnswerRow], background: Sequence[BackgroundRow]
) -> tuple[list[Reflection], list[str | frozenset[str]], tuple[Unanalysed, ...]]:
    """The reflections (with their kept analysis where it still matches the text), the
    background (kept keys, or texts), and what is left to analyse."""
    reflections: list[Reflection] = []
    missing: list[Unanalysed] = []
    for index, row in enumerate(answers):
        analysis = None
        if row.kept_analysis is not None and row.kept_fingerprint == analyses.fingerprint(row.text):
            analysis = analyses.decode(row.kept_analysis)
        else:
            missing.append(Unanalysed(True, index, row.answer_id, row.updated_at, keep=True))
        reflections.append(
            Reflection(
                row.created_at, row.text, row.prompt_id, row.prompt_text, row.revisit, analysis
            )
        )
    texts: list[str | frozenset[str]] = []
    for index, other in enumerate(background):
        if other.keys is not None:
            texts.append(other.keys)
        else:
            texts.append(other.text or "")
            missing.append(Unanalysed(False, index, other.answer_id, other.updated_at, other.whole))
    return reflections, texts, tuple(missing)


async def complete(db: Database, request: DigestRequest) -> DigestRequest:
    """The request with every answer analysed; the fresh analyses are kept."""
    if not request.unanalysed:
        return request
    completed, fresh = await asyncio.to_thread(_analyse, request)
    try:
        await db.run(partial(analyses.keep, fresh=fresh))
    except Exception as error:  # a cache: the digest goes out, the next one analyses again
        # the class only: a database error's text may hold the analysis it was writing
        log.warning("could not keep %d answer analyses: %s", len(fresh), type(error).__name__)
    return completed


def _analyse(request: DigestRequest) -> tuple[DigestRequest, list[Analysed]]:
    source = request.source
    reflections = list(source.reflections)
    background = list(source.background)
    memo: Memo = {}  # words looked up once for all these answers; dropped with them
    fresh: list[Analysed] = []
    for item in request.unanalysed:
        text = reflections[item.index].text if item.own else str(background[item.index])
        analysis = analyse(text, memo)
        if item.own:
            reflections[item.index] = dataclasses.replace(
                reflections[item.index], analysis=analysis
            )
        else:
            background[item.index] = frozenset(key for key, _, _ in analysis.phrases)
        if item.keep:
            fresh.append(Analysed(item.answer_id, item.updated_at, text, analysis))
    source = dataclasses.replace(source, reflections=reflections, background=background)
    return dataclasses.replace(request, source=source, unanalysed=()), fresh
