"""The reads a digest needs, as plain rows: fast on a long history, no ORM objects loaded.

Every query about a member takes the ids of all their linked identities. No query here
reads another member's private text: the theme ranking's background is the member's own
earlier answers (`earlier_texts`) and the answers members shared with the community
(`shared_texts`, posted in its channel for everyone to read).

Every read is bounded, so nobody can make a digest slow by writing (or sharing) huge texts:
the member's own answers are cut to OWN_ANSWER_CHARS each, background texts to
BACKGROUND_CHARS each and BACKGROUND_ANSWERS of each kind. The cut happens in SQL (substr),
so a long text is not even transferred.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import analyses
from bot.store.analysis_models import AnswerAnalysis
from bot.store.dialect import one_of
from bot.store.models import (
    Answer,
    AnswerPart,
    AnswerShare,
    Community,
    Delivery,
    DeliveryStatus,
    Member,
    Schedule,
    ScheduleKind,
)
from bot.store.shares import POSTED

# The background of the theme ranking: statistics only, so a sample is enough. The latest
# 500 shared answers (and 500 earlier answers of the member's own), 5,000 characters each:
# at most a few MB read and scanned, however much anyone shares.
BACKGROUND_ANSWERS = 500
BACKGROUND_CHARS = 5_000
# The member's own answers are the digest itself (themes, summary, goals, LLM input), so
# they are read whole up to a generous bound: 20,000 characters (some 3,500 words, far more
# than any reflection) keeps the sentence splitting, TextRank and TF-IDF of a digest
# quick even if an answer was pasted in by the megabyte.
OWN_ANSWER_CHARS = 20_000


@dataclass(frozen=True)
class SentRow:
    sent_at: datetime
    answered: bool
    skipped: bool
    revisit: bool  # a "Looking back" prompt: not a received prompt, not part of a streak


@dataclass(frozen=True)
class AnswerRow:
    answer_id: int
    created_at: datetime
    updated_at: datetime
    text: str
    prompt_id: str
    prompt_text: str
    revisit: bool  # an answer to a "Looking back" prompt
    # whether the community of the identity that wrote it (a linked person has several)
    # chose LLM summaries: only then may this answer be sent to the LLM endpoint
    llm_opted_in: bool
    # the kept analysis of the answer (bot/store/analyses.py), if any: its fingerprint, to
    # compare with the text's, and the analysis (JSON)
    kept_fingerprint: str | None = None
    kept_analysis: str | None = None


@dataclass(frozen=True)
class BackgroundRow:
    """One answer of the theme ranking's background: the keys of its phrases when a kept
    analysis still holds, else its text (cut to BACKGROUND_CHARS) to analyse now."""

    answer_id: int
    updated_at: datetime
    keys: frozenset[str] | None
    text: str | None = None
    whole: bool = False  # the text was not cut: its analysis may be kept


async def sent_prompts(
    session: AsyncSession, member_ids: Sequence[int], until: datetime
) -> list[SentRow]:
    """Every prompt that reached the member up to `until`, oldest first (streaks need all),
    revisits marked."""
    result = await session.execute(
        select(
            Delivery.sent_at,
            Answer.id.is_not(None),
            Delivery.skipped_at.is_not(None),
            Schedule.kind == ScheduleKind.REVISIT,
        )
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .outerjoin(Answer, Answer.delivery_id == Delivery.id)
        .where(
            Delivery.member_id.in_(member_ids),
            Delivery.status == DeliveryStatus.SENT,
            Delivery.sent_at <= until,
        )
        .order_by(Delivery.sent_at, Delivery.id)
    )
    return [
        SentRow(sent_at, bool(answered), bool(skipped), bool(revisit))
        for sent_at, answered, skipped, revisit in result.tuples()
        if sent_at is not None
    ]


async def answers_between(
    session: AsyncSession, member_ids: Sequence[int], since: datetime | None, until: datetime
) -> list[AnswerRow]:
    """The member's answers written in the window, oldest first, each with its prompt and
    its own community's summariser choice; each cut to OWN_ANSWER_CHARS."""
    query = (
        select(
            Answer.id,
            Answer.created_at,
            Answer.updated_at,
            Delivery.prompt_id,
            Delivery.prompt_text,
            Schedule.kind == ScheduleKind.REVISIT,
            Community.llm_summaries,
            func.substr(AnswerPart.text, 1, OWN_ANSWER_CHARS),
            AnswerAnalysis.fingerprint,
            AnswerAnalysis.analysis,
        )
        .join(Delivery, Delivery.id == Answer.delivery_id)
        .join(Schedule, Schedule.id == Delivery.schedule_id)
        .join(Member, Member.id == Answer.member_id)
        .join(Community, Community.id == Member.community_id)
        .join(AnswerPart, AnswerPart.answer_id == Answer.id)
        .outerjoin(AnswerAnalysis, analyses.current(background=False))
        .where(Answer.member_id.in_(member_ids), Answer.created_at <= until)
        .order_by(Answer.created_at, Answer.id, AnswerPart.position)
    )
    if since is not None:
        query = query.where(Answer.created_at >= since)
    rows: list[AnswerRow] = []
    last_id: int | None = None
    for (
        answer_id,
        created_at,
        updated_at,
        prompt_id,
        prompt_text,
        revisit,
        opted_in,
        text,
        kept_fingerprint,
        kept_analysis,
    ) in (await session.execute(query)).tuples():
        if answer_id == last_id:  # a later message of the same answer: joined as stored
            previous = rows[-1]
            if len(previous.text) < OWN_ANSWER_CHARS:
                joined = f"{previous.text}\n\n{text}"[:OWN_ANSWER_CHARS]
                rows[-1] = dataclasses.replace(previous, text=joined)
        else:
            rows.append(
                AnswerRow(
                    answer_id,
                    created_at,
                    updated_at,
                    text,
                    prompt_id,
                    prompt_text,
                    bool(revisit),
                    bool(opted_in),
                    kept_fingerprint,
                    kept_analysis,
                )
            )
        last_id = answer_id
    return rows


GIVEN_OUTCOMES = ("done", "partly", "not_yet", "dropped")  # bot/core/goal_outcomes.py


async def goal_outcomes(
    session: AsyncSession, member_ids: Sequence[int], until: datetime
) -> list[tuple[str, str]]:
    """(the revisit's text, quoting the goal; what the member said became of it) for every
    revisit of the member's goals answered with an outcome up to `until`, oldest first."""
    result = await session.execute(
        select(func.substr(Delivery.prompt_text, 1, OWN_ANSWER_CHARS), Delivery.goal_outcome)
        .where(
            Delivery.member_id.in_(member_ids),
            Delivery.goal_outcome.in_(GIVEN_OUTCOMES),  # not "asked": no answer yet
            Delivery.sent_at <= until,
        )
        .order_by(Delivery.sent_at, Delivery.id)
    )
    return [(text, outcome) for text, outcome in result.tuples() if outcome is not None]


async def earlier_background(
    session: AsyncSession,
    member_ids: Sequence[int],
    before: datetime,
    limit: int = BACKGROUND_ANSWERS,
) -> list[BackgroundRow]:
    """The member's own latest `limit` answers written before `before` (the window's start):
    background for the theme ranking, so what is new in the period stands out."""
    latest = (
        select(Answer.id)
        .where(Answer.member_id.in_(member_ids), Answer.created_at < before)
        .order_by(Answer.created_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return await _background(session, latest)


async def shared_background(
    session: AsyncSession,
    community_id: int,
    member_ids: Sequence[int],
    limit: int = BACKGROUND_ANSWERS,
) -> list[BackgroundRow]:
    """The latest `limit` answers other members SHARED in the community (posted in its
    channel, so every member can read them): background for the theme ranking.

    Never an answer that was not shared, or whose post is still on its way ("posting").
    The member's own shared answers are left out: they are in the member's own texts.
    """
    latest = (
        select(AnswerShare.answer_id)
        .where(
            AnswerShare.community_id == community_id,
            AnswerShare.status == POSTED,
            AnswerShare.member_id.not_in(member_ids),
        )
        .order_by(AnswerShare.id.desc())
        .limit(limit)
    )
    return await _background(session, latest)


async def _background(session: AsyncSession, answer_ids: Select[tuple[int]]) -> list[BackgroundRow]:
    """The answers `answer_ids` selects: the kept keys of those analysed, the texts of the
    others (read only for them).

    The ids are read first and then looked up by primary key: given the selection as a
    subquery, PostgreSQL hashes the whole answer table to find a few hundred rows.
    """
    ids = list(await session.scalars(answer_ids))
    if not ids:
        return []
    result = await session.execute(
        select(Answer.id, Answer.updated_at, AnswerAnalysis.phrase_keys)
        .outerjoin(AnswerAnalysis, analyses.current(background=True))
        .where(one_of(session, Answer.id, ids))
        .order_by(Answer.id)
    )
    rows = [
        BackgroundRow(answer_id, updated_at, None if keys is None else analyses.decode_keys(keys))
        for answer_id, updated_at, keys in result.tuples()
    ]
    missing = [row.answer_id for row in rows if row.keys is None]
    if not missing:
        return rows
    texts = await _texts(session, missing)
    return [
        row
        if row.keys is not None
        else dataclasses.replace(
            row,
            text=texts.get(row.answer_id, ""),
            whole=len(texts.get(row.answer_id, "")) < BACKGROUND_CHARS,
        )
        for row in rows
    ]


async def _texts(session: AsyncSession, answer_ids: Sequence[int]) -> dict[int, str]:
    """The texts of the answers `answer_ids`, each cut to BACKGROUND_CHARS."""
    result = await session.execute(
        select(AnswerPart.answer_id, func.substr(AnswerPart.text, 1, BACKGROUND_CHARS))
        .where(AnswerPart.answer_id.in_(answer_ids))
        .order_by(AnswerPart.answer_id, AnswerPart.position)
    )
    texts: dict[int, str] = {}
    for answer_id, text in result.tuples():
        kept = texts.get(answer_id)
        texts[answer_id] = text if kept is None else f"{kept}\n\n{text}"[:BACKGROUND_CHARS]
    return texts
