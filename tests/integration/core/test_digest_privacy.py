"""The digest and a member's other views never depend on another member's private words.

Issue 13 ("Privacy and tenancy"): themes used to be ranked against the latest answers of
the other members, so a member who wrote "Layoffs. Quokka. Zebra." learnt from the order of
their themes whether anyone else had privately written "layoffs". Now the ranking's
background is general English (wordfreq), the member's own earlier answers and the answers
members SHARED with the community; private answers of others are never read.

Also here: each answer goes to the LLM only if its own community opted in (a linked person
has answers in several communities), and a plain http:// LLM endpoint is refused unless it
is on this machine.

Every database test runs on a real SQLite file and on the real PostgreSQL server. Time
moves only through the simulated clock (Runner.advance).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SettingsError, load_settings
from bot.core.actions import answer_number
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import Context, CoreConfig
from bot.core.digest_requests import DigestRequest, gather_period
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.digest.llm import LlmEndpoint, llm_summary
from bot.store import digests as digest_store
from bot.store.database import Database
from bot.store.digests import BACKGROUND_CHARS, OWN_ANSWER_CHARS, BackgroundRow
from bot.store.models import Answer, Base, FreeNote, Member
from tests.support.actors import member
from tests.support.databases import truncate_all
from tests.support.messenger import RecordingMessenger
from tests.unit.digest.llm_standin import SUMMARY, llm_standin


def _number(value: str) -> int:
    """The member's answer number a button carries (`n3`)."""
    found = answer_number(value)
    assert found is not None, value
    return found


ALICE = member("alice")
BOB = member("bob")
CAROL = member("carol")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")  # console:mod moderates
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the `clock` fixture's Friday

ALICE_WORDS = "Layoffs. Quokka. Zebra."


# -- helpers ------------------------------------------------------------------------------


async def wipe(db: Database) -> None:
    """Empty every table, so one test can build two worlds on the same database."""
    if db.dialect == "postgresql":
        await truncate_all(db)
        return
    async with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))


def fresh_core(db: Database, config: CoreConfig) -> PlnCore:
    return PlnCore(db, SimulatedClock(START), RecordingMessenger(), config)


async def one_reply(core: PlnCore, actor: Actor, command: str) -> OutgoingMessage:
    replies = await core.handle_command(actor, command)
    assert len(replies) == 1, [r.text for r in replies]
    return replies[0]


async def answer_id(core: PlnCore, actor: Actor, text: str) -> int:
    """The actor answers their open prompt; the answer's id, from its Share button."""
    (saved,) = await core.handle_message(actor, text)
    (button,) = saved.buttons
    return _number(button.value)


def theme_phrases(digest: OutgoingMessage, candidates: list[str]) -> list[str]:
    """The candidates in the order the Themes section shows them."""
    (section,) = [s for s in digest.sections if s.heading == "Themes"]
    body = section.body.casefold()
    shown = [word for word in candidates if word in body]
    return sorted(shown, key=body.index)


# -- (a) the Layoffs. Quokka. Zebra. case ---------------------------------------------------


async def alice_digest_in_a_world(
    db: Database, config: CoreConfig, bob_writes: list[str]
) -> OutgoingMessage:
    """A fresh database: alice and bob join, a week later alice answers ALICE_WORDS and
    bob (privately) answers with `bob_writes`; then alice asks for her digest."""
    await wipe(db)
    core = fresh_core(db, config)
    for actor in (ALICE, BOB):
        await core.handle_command(actor, "join")
    runner = Runner(core)
    await runner.advance(timedelta(days=7))
    await core.handle_message(ALICE, ALICE_WORDS)
    for text in bob_writes:
        await core.handle_message(BOB, text)
    await runner.advance(timedelta(hours=2))
    return await one_reply(core, ALICE, "digest month")


async def test_another_members_private_words_do_not_move_alices_themes(
    db: Database, config: CoreConfig
) -> None:
    alone = await alice_digest_in_a_world(db, config, [])
    with_bob = await alice_digest_in_a_world(
        db,
        config,
        [
            "Layoffs, layoffs and more layoffs. The layoffs list leaked.",
            "More layoffs talk today; zebra crossing outside the gate.",
        ],
    )

    shown = theme_phrases(alone, ["layoffs", "quokka", "zebra"])
    assert sorted(shown) == ["layoffs", "quokka", "zebra"], alone.text
    assert with_bob.text == alone.text
    assert with_bob.files and with_bob.files == alone.files  # the chart, byte for byte
    assert with_bob == alone  # sections, fields, heading: everything alice sees


# -- (b) the property: nothing alice sees depends on others' private text --------------------

THEME_WORDS = ["layoffs", "quokka", "zebra", "budget", "wifi", "chromebook", "timetable"]
ALICE_WEEKS = [
    "Layoffs. Quokka. Zebra. Budget. Wifi. Chromebook. Timetable.",
    "Timetable, chromebook, wifi: budget talk. Zebra and quokka. Layoffs.",
    "Quokka; layoffs; budget; zebra; chromebook; wifi; timetable.",
]
word = st.one_of(
    st.sampled_from([*THEME_WORDS, "the", "staff", "meeting", "Layoffs.", "Quokka!"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10),
)
private_text = st.lists(word, min_size=1, max_size=12).map(" ".join)
private_writes = st.lists(
    st.tuples(st.sampled_from(["bob", "carol"]), private_text), min_size=1, max_size=4
)


# Every command alice can run that shows her something without changing anything (a new
# `/pln link` code is random by design, so it is left out), plus her home view.
ALICES_COMMANDS = (
    "digest week",
    "digest month",
    "digest term",
    "digest all",
    "digest 6w",
    "digest schedule",
    "history",
    "history 50",
    "export",
    "help",
    "help digest",
    "tz",
    "schedules",
    "frameworks",
    "track",
    "summaries",
    "retention",
    "mode",
)


async def alices_view(core: PlnCore) -> tuple[OutgoingMessage, ...]:
    """Every reply alice can ask for: digests, history, export (files included), help,
    settings, schedules, and her home view; none may depend on others' private words."""
    views: list[OutgoingMessage] = []
    for command in ALICES_COMMANDS:
        views += await core.handle_command(ALICE, command)
    home = await core.home(ALICE)
    assert home is not None
    return (*views, home)


async def forget_others(session: AsyncSession) -> None:
    """Remove every answer and note not written by alice (parts go with their answer)."""
    others = select(Member.id).where(Member.platform_user_id != "alice")
    await session.execute(delete(Answer).where(Answer.member_id.in_(others)))
    await session.execute(delete(FreeNote).where(FreeNote.member_id.in_(others)))


def test_others_private_answers_never_change_any_reply_alice_can_ask_for(
    database_url: str, config: CoreConfig
) -> None:
    """Hypothesis writes random private answers and notes for bob and carol; after each
    example every reply alice can ask for (digests, `/pln history`, `/pln export` with its
    JSON and Markdown files, help, settings, schedules, her home view) is exactly what it
    was before anyone else wrote a word. The database is built once in
    the test (the examples add to it), so each example is a few messages, not a new term."""
    with asyncio.Runner() as loop:
        db = Database(database_url)
        try:
            loop.run(wipe(db))
            core = fresh_core(db, config)
            for actor in (ALICE, BOB, CAROL):
                loop.run(core.handle_command(actor, "join"))
            runner = Runner(core)
            for text in ALICE_WEEKS:
                loop.run(runner.advance(timedelta(days=7)))
                loop.run(core.handle_message(ALICE, text))
            loop.run(runner.advance(timedelta(hours=2)))
            baseline = loop.run(alices_view(core))
            assert "quokka" in baseline[0].text.casefold()
            assert any(f.filename.endswith(".json") for m in baseline for f in m.files)

            @settings(
                max_examples=15,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture],
            )
            @given(writes=private_writes)
            def others_write(writes: list[tuple[str, str]]) -> None:
                try:
                    for name, text in writes:
                        loop.run(core.handle_message(member(name), text))
                    assert loop.run(alices_view(core)) == baseline
                finally:  # each example starts from the same database (reproducible)
                    loop.run(db.run(forget_others))

            others_write()
        finally:
            loop.run(db.dispose())


# -- (c) a SHARED answer may move the ranking: it is the community's, not private -----------


async def test_a_shared_answer_of_another_member_may_influence_the_ranking(
    db: Database, config: CoreConfig
) -> None:
    """Allowed on purpose: a shared answer is posted in the community's channel for every
    member to read, so using it as background reveals nothing private. Its words still
    never become one of alice's themes (candidates are alice's own phrases only)."""
    bob_text = "Quokka quokka quokka: the Xylophone quokka enclosure."

    async def world(share: bool) -> OutgoingMessage:
        await wipe(db)
        core = fresh_core(db, config)
        for actor in (ALICE, BOB, MODERATOR):
            await core.handle_command(actor, "join")
        await core.handle_command(MODERATOR, "channel here")
        runner = Runner(core)
        await runner.advance(timedelta(days=7))
        await core.handle_message(ALICE, ALICE_WORDS)
        shared_id = await answer_id(core, BOB, bob_text)
        if share:
            (posted,) = await core.handle_command(BOB, f"share #{shared_id}")
            assert "shared" in posted.text.casefold(), posted.text
        await runner.advance(timedelta(hours=2))
        return await one_reply(core, ALICE, "digest month")

    private = await world(share=False)
    shared = await world(share=True)

    words = ["layoffs", "quokka", "zebra"]
    assert theme_phrases(private, words)[0] == "quokka"  # the rarest English word leads
    assert theme_phrases(shared, words).index("quokka") > 0  # common in the community now
    assert "xylophone" not in shared.text.casefold() and "enclosure" not in shared.text.casefold()


# -- bounded reads: nobody can make another member's digest slow -------------------------


async def test_a_digest_reads_bounded_texts_however_long_the_answers(
    db: Database, clock: SimulatedClock, config: CoreConfig
) -> None:
    """Answers of two 30,000-character messages: alice's own are read cut to 20,000
    characters each, bob's shared one to 5,000, and at most the latest N shared answers."""
    core = PlnCore(db, clock, RecordingMessenger(), config)
    for actor in (ALICE, BOB, MODERATOR):
        await core.handle_command(actor, "join")
    await core.handle_command(MODERATOR, "channel here")
    runner = Runner(core)
    long = "Quokka enclosure budget talk went on. " * 790  # 30,020 characters
    for _ in range(2):
        await runner.advance(timedelta(days=7))
        for actor in (ALICE, BOB):
            first = await answer_id(core, actor, long)
            await core.handle_message(actor, long)  # a second message of the same answer
            if actor is BOB:
                await core.handle_command(BOB, f"share #{first}")

    async def read(ctx: Context) -> DigestRequest:
        return await gather_period(ctx, "month")

    request = await core._with_context(ALICE, read)

    assert [len(r.text) for r in request.source.reflections] == [OWN_ANSWER_CHARS] * 2
    # a background answer not analysed yet is read cut to BACKGROUND_CHARS; one whose
    # phrases were kept (bob's monthly digest analysed his own) comes as their keys
    background = request.source.background
    assert len(background) == 2
    assert all(len(text) == BACKGROUND_CHARS for text in background if isinstance(text, str))

    async def latest_one(session: AsyncSession) -> list[BackgroundRow]:
        alice = await session.scalar(select(Member.id).where(Member.platform_user_id == "alice"))
        community = await session.scalar(select(Member.community_id).limit(1))
        assert alice is not None and community is not None
        return await digest_store.shared_background(session, community, [alice], limit=1)

    assert len(await db.run(latest_one)) == 1


# -- (d) the LLM: each answer's own community's choice ------------------------------------

OTHER = CommunityRef("console", "other", "Other")
ALICE_TOO = member("alice-too", OTHER)
HERE_WORDS = "The chromebook rollout reached year seven and the charging trolleys work now."
OTHER_WORDS = "Confidential Marmalade restructuring plans for the Wombat trust board."


async def test_a_linked_persons_answers_go_to_the_llm_only_from_communities_that_opted_in(
    db: Database, clock: SimulatedClock, config: CoreConfig
) -> None:
    async with llm_standin() as standin:
        llm_config = dataclasses.replace(
            config, llm_url=standin.url, llm_model="tiny", llm_timeout=5
        )
        core = PlnCore(db, clock, RecordingMessenger(), llm_config)
        for actor in (ALICE, MODERATOR, ALICE_TOO):
            await core.handle_command(actor, "join")
        runner = Runner(core)
        for _ in range(2):  # two identities, not yet linked: a prompt each, every week
            await runner.advance(timedelta(days=7))
            await core.handle_message(ALICE, HERE_WORDS)
            await core.handle_message(ALICE_TOO, OTHER_WORDS)

        async def link(session: AsyncSession) -> None:
            await session.execute(
                update(Member)
                .where(Member.platform_user_id.in_(["alice", "alice-too"]))
                .values(person_id=1)
            )

        await db.run(link)
        (chosen,) = await core.handle_command(MODERATOR, "summaries llm")  # here only
        assert "leave this machine" in chosen.text

        for asker in (ALICE, ALICE_TOO):  # asked in the opted-in community, then the other
            digest = await one_reply(core, asker, "digest month")
            assert "answered: 4" in digest.text  # one digest of both identities
            assert SUMMARY in digest.text
            sent = standin.requests[-1]["messages"][-1]["content"]
            assert "chromebook rollout" in sent
            assert "marmalade" not in sent.casefold() and "wombat" not in sent.casefold()
        assert len(standin.requests) == 2

        await core.handle_command(MODERATOR, "summaries local")
        digest = await one_reply(core, ALICE_TOO, "digest month")
        assert len(standin.requests) == 2, "no community opted in: nothing is sent"
        assert SUMMARY not in digest.text and "Summary, in your own words" in digest.text


# -- (e) a plain http:// endpoint only on this machine --------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Settings from nothing but the test's overrides (as tests/unit/test_config.py)."""
    for name in list(os.environ):
        if name.upper() == "DATABASE_URL" or name.upper().startswith("PLN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.mark.parametrize(
    "url", ["http://example.org/v1", "http://10.0.0.8:8080/v1", "http://localhost.example.org/v1"]
)
def test_a_plain_http_llm_url_elsewhere_is_refused_in_one_line(clean_env: None, url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(llm_url=url)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("PLN_LLM_URL: ")
    assert "https://" in message and "unencrypted" in message


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
        ("http://localhost:8000/v1/", "http://localhost:8000/v1"),
        ("http://[::1]:8000/v1", "http://[::1]:8000/v1"),
        ("https://api.example.org/v1", "https://api.example.org/v1"),
    ],
)
def test_https_or_plain_http_on_this_machine_is_accepted(
    clean_env: None, url: str, kept: str
) -> None:
    assert load_settings(llm_url=url).llm_url == kept


class NoSession:
    """Stands in for aiohttp.ClientSession: any attempt to open one is recorded."""

    opened: ClassVar[list[str]] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        NoSession.opened.append("session")
        raise AssertionError("no request may be made")


async def test_a_config_built_in_code_cannot_send_answers_over_plain_http(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    db: Database,
    clock: SimulatedClock,
    config: CoreConfig,
) -> None:
    """CoreConfig skips the settings' checks; the LLM client refuses the URL itself."""
    NoSession.opened = []
    # bot.digest.llm imports aiohttp when it sends: the same module object as this one
    monkeypatch.setattr(aiohttp, "ClientSession", NoSession)
    caplog.set_level(logging.WARNING)
    remote = LlmEndpoint(url="http://example.org/v1", model="m", api_key="sk", timeout=5)

    assert await llm_summary(remote, ["We rolled out the devices."]) is None

    core = PlnCore(db, clock, RecordingMessenger(), dataclasses.replace(config, llm_url=remote.url))
    for actor in (ALICE, MODERATOR):
        await core.handle_command(actor, "join")
    await Runner(core).advance(timedelta(days=7))
    await core.handle_message(ALICE, HERE_WORDS)
    await core.handle_command(MODERATOR, "summaries llm")
    digest = await one_reply(core, ALICE, "digest month")

    assert NoSession.opened == []
    assert "Summary, in your own words" in digest.text
    assert "chromebook" not in caplog.text  # the refusal is logged, never the text
