"""The digest lists each goal with what the member said became of it on a revisit.

Real core, real SQLite file and PostgreSQL (the `db` fixture); the outcome is stored on the
revisit's delivery, as the revisit's buttons store it.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.models import Delivery, Member, Schedule, ScheduleKind
from tests.integration.core.test_digest import ALICE, a_term_of_answers, one_digest

WALK = "I will keep a weekly walk through the staffroom with nothing to fix."
TROLLEYS = "I will ask the technician to label every trolley before Friday."


async def record_outcome(db: Database, member: str, quoted: str, outcome: str) -> None:
    """Give one of `member`'s revisits the quote and the outcome a button press stores."""

    async def store(session: AsyncSession) -> None:
        revisit_id = await session.scalar(
            select(Delivery.id)
            .join(Schedule, Schedule.id == Delivery.schedule_id)
            .join(Member, Member.id == Delivery.member_id)
            .where(Member.platform_user_id == member, Schedule.kind == ScheduleKind.REVISIT)
            .order_by(Delivery.id)
            .limit(1)
        )
        assert revisit_id is not None, "the term brings revisits"
        await session.execute(
            update(Delivery)
            .where(Delivery.id == revisit_id)
            .values(
                prompt_text=f'Looking back: you wrote "{quoted.rstrip(".")}". What became of it?',
                goal_outcome=outcome,
            )
        )

    await db.run(store)


async def test_a_goal_shows_its_outcome_and_open_goals_come_first(
    core: PlnCore, db: Database
) -> None:
    await a_term_of_answers(core)
    await record_outcome(db, "alice", TROLLEYS, "done")

    digest = await one_digest(core, ALICE, "digest term")

    goals = next(s.body for s in digest.sections if s.heading == "Goals you set").splitlines()
    assert goals[-2].endswith(f"{TROLLEYS} (done)"), goals
    assert any(line.endswith(WALK) for line in goals[:-2]), "still open, listed before"
    assert goals[-1] == "What became of them?"


async def test_another_members_outcome_is_not_hers(core: PlnCore, db: Database) -> None:
    await a_term_of_answers(core)
    await record_outcome(db, "bob", TROLLEYS, "dropped")

    digest = await one_digest(core, ALICE, "digest term")

    assert "(dropped)" not in digest.text
