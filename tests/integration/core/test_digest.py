"""`/pln digest` through the real core: a simulated term of answers, then the full digest.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture).
Time moves only through the simulated clock (Runner.advance). The LLM endpoint is a
stand-in on 127.0.0.1 spoken to over real HTTP.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from matplotlib.image import imread
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import Context, CoreConfig
from bot.core.digest_requests import digest_for_window
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.service import MODERATORS_ONLY, PlnCore
from bot.digest.sentences import split_sentences
from bot.store.database import Database
from bot.store.models import Member
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger
from tests.support.snapshots import built_once
from tests.unit.digest.llm_standin import SUMMARY, LlmStandIn, llm_standin

ALICE = member("alice")
BOB = member("bob")
CAROL = member("carol")
MODERATOR = member("mod")  # console:mod is a moderator in the `config` fixture

SKIPPED_WEEK = 5
ALICE_WEEKS = [
    "The device rollout for year seven started with the charging trolleys in the library. "
    "It was chaotic. I will ask the technician to label every trolley before Friday.",
    "Teachers asked for more help with the device rollout than I expected. "
    "The help desk queue doubled during the first week of term.",
    "I met the governors to explain the device rollout budget and the insurance costs. "
    "They were supportive. My next step is a one page summary for the finance committee.",
    "The help desk queue is shorter now that the student digital leaders answer easy tickets. "
    "Student digital leaders are a real strength of this school.",
    "Mrs Okafor used the devices for peer feedback on persuasive writing in English. "
    "Her class now comments on drafts before the lesson ends.",
    "",  # skipped
    "Parents asked at the open evening how the device rollout protects their children online. "
    "I plan to run a short parent workshop on online safety in the spring.",
    "The student digital leaders ran a lunchtime clinic for staff who still feel unsure. Fine.",
    "We reviewed the help desk data with the senior team on Wednesday afternoon. "
    "Most tickets were about passwords, not about the devices themselves.",
    "I want to move password resets to a self service portal before the summer. "
    "This would free the technician for classroom support.",
    "The device rollout changed how the science department plans practical write ups. Short week.",
    "Looking back, listening to the teachers before fixing anything made the rollout work. "
    "I will keep a weekly walk through the staffroom with nothing to fix.",
    "The governors approved the second phase of the device rollout for year eight. "
    "Next step is the order for the new charging trolleys.",
]
BOB_SECRET = "Zanzibar orienteering spreadsheet"
BOB_ANSWER = f"The {BOB_SECRET} kept our department meeting busy all afternoon long."


def alice_sentences() -> set[str]:
    return {s for text in ALICE_WEEKS for s in split_sentences(text)}


async def a_term_of_answers(core: PlnCore, weeks: int = len(ALICE_WEEKS)) -> None:
    """alice and bob join; for 13 weeks alice answers each prompt (bar one skip), bob too.

    Built through the core once per test process and database kind (and length, and
    moderators); each later test gets a copy of its rows in its own fresh database, and the
    clock at the term's end (tests/support/snapshots.py)."""
    assert isinstance(core.clock, SimulatedClock)
    key = ("a_term_of_answers", weeks, core.config.moderators)
    await built_once(key, core.db, core.clock, lambda: _live_term_of_answers(core, weeks))


async def _live_term_of_answers(core: PlnCore, weeks: int) -> None:
    for actor in (ALICE, BOB, CAROL, MODERATOR):
        await core.handle_command(actor, "join")
    runner = Runner(core)
    for text in ALICE_WEEKS[:weeks]:
        await runner.advance(timedelta(days=7))
        if text:
            await core.handle_message(ALICE, text)
        else:
            await core.handle_command(ALICE, "skip")
        await core.handle_message(BOB, BOB_ANSWER)


async def one_digest(core: PlnCore, actor: object, command: str) -> OutgoingMessage:
    replies = await core.handle_command(actor, command)  # type: ignore[arg-type]
    assert len(replies) == 1, [r.text for r in replies]
    return replies[0]


def everything_shown(message: OutgoingMessage) -> str:
    parts = [message.text, message.heading or ""]
    for section in message.sections:
        parts += [section.heading or "", section.body]
        parts += [f"{f.label} {f.value}" for f in section.fields]
    return "\n".join(parts)


def summary_lines(message: OutgoingMessage) -> list[str]:
    (section,) = [s for s in message.sections if (s.heading or "").startswith("Summary")]
    return section.body.splitlines()


@pytest.fixture
async def llm() -> AsyncIterator[LlmStandIn]:
    async with llm_standin() as standin:
        yield standin


def core_with_llm(
    db: Database, clock: SimulatedClock, config: CoreConfig, url: str | None, timeout: float = 5
) -> PlnCore:
    llm_config = dataclasses.replace(
        config, llm_url=url, llm_model="tiny", llm_api_key="sk-test", llm_timeout=timeout
    )
    return PlnCore(db, clock, RecordingMessenger(), llm_config)


async def test_a_term_digest_shows_every_part_and_carries_a_png(core: PlnCore) -> None:
    await a_term_of_answers(core)

    digest = await one_digest(core, ALICE, "digest term")

    text = digest.text
    assert digest.private
    assert "the last 13 weeks" in text
    # the 13 weekly prompts: revisits of earlier answers are not counted as prompts
    assert "Prompts received: 13 · answered: 12 · skipped: 1" in text, text
    streaks = re.search(r"Streak: (\d+) answered in a row \(longest: (\d+)\)", text)
    assert streaks is not None and 1 <= int(streaks[1]) <= int(streaks[2])
    for heading in ("Framework coverage", "Themes", "Summary, in your own words", "Goals you set"):
        assert heading in text
        assert any(section.heading == heading for section in digest.sections)
    assert "device rollout" in text
    assert "help desk queue" in text or "student digital leaders" in text
    assert "Suggestion: try" in text
    (chart,) = digest.files
    assert chart.filename == "pln-digest-term.png" and chart.mime_type == "image/png"
    assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert imread(BytesIO(chart.content), format="png").shape[2] in (3, 4)
    assert "pln-digest-term.png" in text


async def test_the_summary_and_goals_quote_the_member_verbatim(core: PlnCore) -> None:
    await a_term_of_answers(core)

    digest = await one_digest(core, ALICE, "digest term")

    quoted = [line.removeprefix("• ").rsplit(" (", 1)[0] for line in summary_lines(digest)]
    assert 3 <= len(quoted) <= 5
    assert set(quoted) <= alice_sentences()
    assert not any(q.split()[0] in ("It", "This", "They", "That") for q in quoted)
    assert "Fine." not in quoted and "Short week." not in quoted
    goals = next(s.body for s in digest.sections if s.heading == "Goals you set")
    assert "I will keep a weekly walk through the staffroom with nothing to fix." in goals
    assert "I plan to run a short parent workshop on online safety in the spring." in goals


async def test_another_members_words_never_appear_in_a_digest(
    core: PlnCore,
) -> None:
    await a_term_of_answers(core)

    for command in ("digest term", "digest all", "digest week", "digest 4w"):
        shown = everything_shown(await one_digest(core, ALICE, command)).casefold()
        assert "zanzibar" not in shown and "orienteering" not in shown
    bobs = everything_shown(await one_digest(core, BOB, "digest all"))
    assert not {s for s in alice_sentences() if s in bobs}
    assert "rollout" not in bobs.casefold() and "governors" not in bobs.casefold()


@pytest.mark.sqlite_only  # the digest's own logic, not its SQL (run on both)
async def test_no_answers_yet_is_a_friendly_reply_without_a_chart(core: PlnCore) -> None:
    await a_term_of_answers(core)

    digest = await one_digest(core, CAROL, "digest term")

    assert "No answers in this period yet" in digest.text
    # quiet all term: four prompts, the offer of fewer with the fifth, three more, a pause
    assert "Prompts received: 8 · answered: 0" in digest.text
    assert digest.files == ()


@pytest.mark.sqlite_only  # the digest's own logic, not its SQL (run on both)
async def test_the_llm_is_not_used_unless_the_community_opted_in(
    db: Database, clock: SimulatedClock, config: CoreConfig, llm: LlmStandIn
) -> None:
    core = core_with_llm(db, clock, config, llm.url)
    await a_term_of_answers(core, weeks=4)

    digest = await one_digest(core, ALICE, "digest term")

    assert llm.requests == []
    assert SUMMARY not in digest.text
    assert "Summary, in your own words" in digest.text


@pytest.mark.sqlite_only  # the digest's own logic, not its SQL (run on both)
async def test_an_opted_in_community_gets_the_llm_summary_of_the_members_own_answers(
    db: Database, clock: SimulatedClock, config: CoreConfig, llm: LlmStandIn
) -> None:
    core = core_with_llm(db, clock, config, llm.url)
    await a_term_of_answers(core, weeks=4)
    (reply,) = await core.handle_command(MODERATOR, "summaries llm")
    assert "leave this machine" in reply.text and "127.0.0.1" in reply.text

    digest = await one_digest(core, ALICE, "digest term")

    assert SUMMARY in digest.text
    (request,) = llm.requests
    sent = request["messages"][-1]["content"]
    assert "device rollout" in sent
    assert "zanzibar" not in sent.casefold(), "only the member's own answers leave"
    assert llm.headers[0]["Authorization"] == "Bearer sk-test"


@pytest.mark.sqlite_only  # the LLM stand-in's failures, not SQL
@pytest.mark.parametrize("mode", ["error", "hang"])
async def test_an_llm_failure_or_timeout_falls_back_to_the_local_summary(
    db: Database, clock: SimulatedClock, config: CoreConfig, llm: LlmStandIn, mode: str
) -> None:
    core = core_with_llm(db, clock, config, llm.url, timeout=0.3)
    await a_term_of_answers(core, weeks=4)
    await core.handle_command(MODERATOR, "summaries llm")
    llm.mode = mode

    digest = await one_digest(core, ALICE, "digest term")

    assert len(llm.requests) == 1
    assert SUMMARY not in digest.text
    quoted = [line.removeprefix("• ").rsplit(" (", 1)[0] for line in summary_lines(digest)]
    assert quoted and set(quoted) <= alice_sentences()


async def test_choosing_llm_without_an_endpoint_explains_summaries_stay_local(
    core: PlnCore,
) -> None:
    await core.handle_command(MODERATOR, "join")

    (shown,) = await core.handle_command(MODERATOR, "summaries")
    (chosen,) = await core.handle_command(MODERATOR, "summaries llm")
    (shown_after,) = await core.handle_command(MODERATOR, "summaries")
    (back,) = await core.handle_command(MODERATOR, "summaries local")

    assert "local" in shown.text
    assert "leave this machine" in chosen.text and "PLN_LLM_URL" in chosen.text
    assert "stay local" in shown_after.text
    assert "local" in back.text and "stay on this machine" in back.text


async def test_only_moderators_choose_the_summariser(core: PlnCore) -> None:
    await core.handle_command(ALICE, "join")

    assert await core.handle_command(ALICE, "summaries llm") == [MODERATORS_ONLY]


async def test_a_calendar_window_digest_for_the_scheduled_digest(core: PlnCore) -> None:
    await a_term_of_answers(core)
    since = datetime(2026, 12, 1, tzinfo=UTC)
    until = datetime(2027, 1, 1, tzinfo=UTC)

    async def window(ctx: Context) -> list[OutgoingMessage]:
        return await digest_for_window(ctx, since, until, "December 2026")

    (digest,) = await core._with_context(ALICE, window)

    assert "Your reflection digest for December 2026" in digest.text
    assert re.search(r"Prompts received: \d+ · answered: [34] ·", digest.text)
    assert digest.files[0].filename == "pln-digest-december-2026.png"
    quoted = [line.removeprefix("• ").rsplit(" (", 1)[0] for line in summary_lines(digest)]
    december = {s for text in ALICE_WEEKS[1:5] for s in split_sentences(text)}  # Fridays 4-25
    assert set(quoted) <= december


async def test_linked_identities_are_one_digest(core: PlnCore, db: Database) -> None:
    await a_term_of_answers(core)
    alice_elsewhere = member("alice-on-discord", CommunityRef("discord", "guild-1", "Guild"))
    await core.handle_command(alice_elsewhere, "join")

    async def link(session: AsyncSession) -> None:
        await session.execute(
            update(Member)
            .where(Member.platform_user_id.in_(["alice", "alice-on-discord"]))
            .values(person_id=1)
        )

    await db.run(link)

    digest = await one_digest(core, alice_elsewhere, "digest term")

    assert "answered: 12" in digest.text
    assert "device rollout" in digest.text
    assert "zanzibar" not in everything_shown(digest).casefold()
