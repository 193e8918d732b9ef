"""A member's reflections are private to her: no other member, no moderator, no message the
bot sends to someone else, and no log line ever carries what she wrote.

Runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.core.clock import SimulatedClock
from bot.core.prompt_messages import ANSWER_FORM_ACTION
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.logging_setup import NOISY_LOGGERS, KeyValueFormatter
from bot.store.database import Database
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger
from tests.support.snapshots import built_once

ALICE = member("alice")
BOB = member("bob")
MODERATOR = member("mod")  # console:mod is a moderator in the `config` fixture

ALICE_ANSWER = "Quokkaville district cut our iPad refresh budget by forty percent."
ALICE_MORE = "I worry the zygomorphic timetable change will hurt the pilot."
ALICE_FORM = "Privately: the superintendent hasn't read the xylophagous audit."
ALICE_NOTE = "Note to self: call the Wexcombe vendor about the broken projectors."
BOB_ANSWER = "We finished the Chromebook inventory and the carts are labelled."
ALICE_SECRETS = [ALICE_ANSWER, ALICE_MORE, ALICE_FORM, ALICE_NOTE]
SECRET_WORDS = ["quokkaville", "zygomorphic", "xylophagous", "wexcombe"]


def leaks(text: str) -> list[str]:
    """Which of alice's sentences or distinctive words appear in `text`."""
    folded = text.casefold()
    found = [secret for secret in ALICE_SECRETS if secret in text]
    found += [word for word in SECRET_WORDS if word in folded]
    return found


async def one_text(replies: Any) -> str:
    result = await replies
    return "\n".join(message.text for message in result)


def last_delivery_id(messenger: RecordingMessenger, user_id: str) -> str:
    prompts = [m for r, m in messenger.sent if r.platform_user_id == user_id and m.kind == "prompt"]
    return prompts[-1].metadata["delivery_id"]


async def everyone_reflects(core: PlnCore, messenger: RecordingMessenger) -> None:
    """alice, bob and a moderator join; a week later alice and bob answer; alice writes more
    (a second message, a form answer to the next prompt, and a free note after skipping)."""
    for actor in (ALICE, BOB, MODERATOR):
        await core.handle_command(actor, "join")
    await Runner(core).advance(timedelta(days=7))
    await core.handle_message(ALICE, ALICE_ANSWER)
    await core.handle_message(ALICE, ALICE_MORE)
    await core.handle_message(BOB, BOB_ANSWER)
    await Runner(core).advance(timedelta(days=7))
    await core.handle_form(
        ALICE, ANSWER_FORM_ACTION, last_delivery_id(messenger, "alice"), {"answer": ALICE_FORM}
    )
    await Runner(core).advance(timedelta(days=7))
    await core.handle_command(ALICE, "skip")
    await core.handle_message(ALICE, ALICE_NOTE)


async def everyone_has_reflected(core: PlnCore, messenger: RecordingMessenger) -> None:
    """What `everyone_reflects` leaves in the database, built through the core once per test
    process and database kind, then copied into each test's own fresh database
    (tests/support/snapshots.py). Only for tests that look at replies asked for afterwards:
    the messages sent while building are in the builder's `messenger` alone."""
    assert isinstance(core.clock, SimulatedClock)
    key = ("everyone_reflects", core.config)
    await built_once(key, core.db, core.clock, lambda: everyone_reflects(core, messenger))


async def test_alice_sees_her_own_words_in_her_history_and_digest(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await everyone_has_reflected(core, messenger)

    history = await one_text(core.handle_command(ALICE, "history"))
    digest = await one_text(core.handle_command(ALICE, "digest all"))

    assert ALICE_ANSWER in history and ALICE_MORE in history and ALICE_FORM in history
    assert ALICE_ANSWER in digest


@pytest.mark.parametrize(
    "command", ["history", "history 50", "digest week", "digest", "digest all"]
)
async def test_another_members_history_and_digest_never_show_alices_words(
    core: PlnCore, messenger: RecordingMessenger, command: str
) -> None:
    await everyone_has_reflected(core, messenger)

    shown = await one_text(core.handle_command(BOB, command))

    assert leaks(shown) == []
    if command != "digest week":  # bob answered three weeks ago
        assert BOB_ANSWER in shown, "bob does see his own answer"


@pytest.mark.parametrize("command", ["schedules", "digest", "digest all", "history 50"])
async def test_a_moderator_never_sees_members_words(
    core: PlnCore, messenger: RecordingMessenger, command: str
) -> None:
    await everyone_has_reflected(core, messenger)

    shown = await one_text(core.handle_command(MODERATOR, command))

    assert leaks(shown) == []
    assert BOB_ANSWER not in shown


async def test_no_message_sent_to_anyone_but_alice_contains_her_words(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await everyone_reflects(core, messenger)
    await core.handle_command(MODERATOR, "prompt now")
    await Runner(core).advance(timedelta(days=14))

    to_others = [
        (recipient.platform_user_id, message)
        for recipient, message in messenger.sent
        if recipient.platform_user_id != "alice"
    ]

    assert {user for user, _ in to_others} == {"bob", "mod"}
    for user, message in to_others:
        rendered = " ".join(
            [message.text, message.heading or "", *(s.body for s in message.sections)]
        )
        assert leaks(rendered) == [], user


# --- logs --------------------------------------------------------------------------------------


@contextmanager
def production_debug_logging(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Capture everything the bot would log with PLN_LOG_LEVEL=DEBUG: every logger at DEBUG,
    except the noisy libraries, which configure_logging never lets below WARNING. Yields the
    records rendered the way the bot writes them (fields and tracebacks included)."""
    for noisy in NOISY_LOGGERS:
        caplog.set_level(logging.WARNING, logger=noisy)
    caplog.set_level(logging.DEBUG)  # last: set_level also sets the capturing handler's level
    caplog.clear()
    rendered: list[str] = []
    yield rendered
    formatter = KeyValueFormatter()
    rendered.extend(formatter.format(record) for record in caplog.records)


async def test_debug_logs_never_contain_what_members_write(
    core: PlnCore, messenger: RecordingMessenger, caplog: pytest.LogCaptureFixture
) -> None:
    with production_debug_logging(caplog) as lines:
        await everyone_reflects(core, messenger)
        for actor in (ALICE, BOB, MODERATOR):
            for command in ("history 50", "digest week", "digest month", "digest all"):
                await core.handle_command(actor, command)
        await core.handle_command(MODERATOR, "prompt now")

    assert lines, "the capture saw the bot's own log lines"
    assert [line for line in lines if leaks(line)] == []
    assert [line for line in lines if BOB_ANSWER in line] == []


@contextmanager
def failing_once(
    db: Database, statement_part: str, error: type[OperationalError | IntegrityError]
) -> Iterator[None]:
    """The first statement containing `statement_part` fails with `error`, as the driver would
    report it (SQLAlchemy puts the statement and its parameters in the error's text)."""
    raised: list[int] = []

    def fail(
        _conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool
    ) -> None:
        if not raised and statement_part in statement:
            raised.append(1)
            cause: sqlite3.Error = sqlite3.OperationalError("database is locked")
            if error is IntegrityError:
                cause = sqlite3.IntegrityError("NOT NULL constraint failed: answer_part.text")
            # wrapped the way the engine wraps driver errors, with its hide_parameters setting
            raise error(
                statement, params, cause, hide_parameters=db.engine.sync_engine.hide_parameters
            )

    event.listen(db.engine.sync_engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", fail)
    assert raised, "the fault was injected"


async def test_a_locked_database_while_saving_an_answer_keeps_the_text_out_of_the_logs(
    core: PlnCore, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await core.handle_command(ALICE, "join")
    await Runner(core).advance(timedelta(days=7))

    with (
        production_debug_logging(caplog) as lines,
        failing_once(db, "INSERT INTO answer_part", OperationalError),
    ):
        reply = await one_text(core.handle_message(ALICE, ALICE_ANSWER))

    assert reply.startswith("Saved as your answer"), "the retry saved it"
    assert [line for line in lines if leaks(line)] == []


async def test_an_unexpected_database_error_while_saving_an_answer_keeps_the_text_out_of_the_logs(
    core: PlnCore, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await core.handle_command(ALICE, "join")
    await Runner(core).advance(timedelta(days=7))

    with (
        production_debug_logging(caplog) as lines,
        failing_once(db, "INSERT INTO answer_part", IntegrityError),
    ):
        reply = await one_text(core.handle_message(ALICE, ALICE_ANSWER))

    assert reply.startswith("Sorry, something went wrong"), "the member hears it failed"
    assert [line for line in lines if leaks(line)] == []
