"""Every registered button and form works on the console: pressed with `:N`, answered by
the next lines (one per question), its effect checked in the store (SQLite file and PostgreSQL).

The console is a real adapter too: members press a button by typing its number, and a
form is answered by the next line. Each press goes through `ConsoleSession.handle_line`,
exactly as typed at the terminal.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.session import CONSOLE_COMMUNITY, ConsoleSession
from bot.core import registry
from bot.core.actors import Actor
from bot.core.clock import SimulatedClock
from bot.core.events import Event, Outcome
from bot.core.runner import Runner
from bot.core.service import PlnCore
from tests.support.action_scenarios import REPLY_SAYS, SCENARIOS, World

MEMBER = Actor(CONSOLE_COMMUNITY, "alice", "alice", in_direct_message=True)
MODERATOR = Actor(CONSOLE_COMMUNITY, "mod", "mod", in_direct_message=True)


def _console(
    make_core: Callable[..., PlnCore], tmp_path: object
) -> tuple[ConsoleSession, ConsoleMessenger, io.StringIO, PlnCore]:
    out = io.StringIO()
    messenger = ConsoleMessenger(out, tmp_path)  # type: ignore[arg-type]
    core = make_core(messenger)
    session = ConsoleSession(core, Runner(core), messenger, "alice", out)
    return session, messenger, out, core


def _button_number(
    messenger: ConsoleMessenger, action_id: str, value: str, who: str = "alice"
) -> int:
    """Where the button is among what `who` can press now (as the transcript numbers it)."""
    choices = messenger.choices_for(who)
    for number, button in enumerate(choices, start=1):
        if button.action_id == action_id and button.value == value:
            return number
    raise AssertionError(f"{action_id}:{value} is not among {who}'s choices {choices}")


@pytest.mark.parametrize("action_id", registry.action_ids())
async def test_every_button_works_on_the_console(
    action_id: str,
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    tmp_path: object,
) -> None:
    session, messenger, out, core = _console(make_core, tmp_path)
    scenario = SCENARIOS[action_id]  # a new button without a scenario fails here
    world = World(core, MEMBER, MODERATOR, channel_id="pln")
    with _shown_to_their_author(core, messenger):
        value = await scenario.setup(world)
    # the member presses the button they were shown (a prompt, the reply to an answer, a
    # channel post); a confirmation the scene did not ask for is shown as its own message
    who = session.member = "mod" if scenario.by_moderator else "alice"
    if (action_id, value) not in {(b.action_id, b.value) for b in messenger.choices_for(who)}:
        messenger.show(who, _message_with(action_id, value))
    before = out.tell()
    assert await session.handle_line(f":{_button_number(messenger, action_id, value, who)}")
    if scenario.form is not None:
        # one question at a time, in the form's order
        assert "as your next message" in out.getvalue()[before:]
        for answer in scenario.form.values():
            assert await session.handle_line(answer)
    await scenario.check(world, value)
    if action_id in REPLY_SAYS:
        assert REPLY_SAYS[action_id] in out.getvalue()[before:]
    assert "doesn't work any more" not in out.getvalue()[before:]


async def test_the_channel_posts_answer_privately_button_is_pressed_from_the_channel(
    make_core: Callable[..., PlnCore], tmp_path: object
) -> None:
    """The issue as a member met it: in channel mode `:1` after the post opens the answer."""
    session, _messenger, out, core = _console(make_core, tmp_path)
    await core.handle_command(MEMBER, "join")
    session.member = "mod"
    for line in ("/pln channel #pln", "/pln mode channel", "/pln prompt now"):
        assert await session.handle_line(line)
    session.member = "alice"
    assert "[bot -> #pln] [1] Answer privately" in out.getvalue()
    assert await session.handle_line(":1")
    assert await session.handle_line("Our new laptop trolley booking sheet finally works.")
    assert "Saved as your answer" in out.getvalue()
    assert "There is no choice" not in out.getvalue()


@contextlib.contextmanager
def _shown_to_their_author(core: PlnCore, messenger: ConsoleMessenger) -> Iterator[None]:
    """While the scene is set through the core, its replies appear on the console as they
    would for the person who typed, so their buttons are the ones pressed afterwards."""
    original = core.handle

    async def showing(event: Event, *args: Any) -> Outcome:
        outcome = await original(event, *args)
        if isinstance(event.who, Actor):
            for reply in outcome.replies:
                messenger.show(event.who.user_id, reply)
        return outcome

    core.handle = showing  # type: ignore[method-assign]
    try:
        yield
    finally:
        core.handle = original  # type: ignore[method-assign]


def _message_with(action_id: str, value: str) -> object:
    from bot.core.messages import Button, OutgoingMessage

    return OutgoingMessage(
        text="(a message with the button)", buttons=(Button("Press", action_id, value),)
    )


@pytest.fixture
def config() -> object:
    from bot.core.context import CoreConfig

    return CoreConfig(moderators=frozenset({"console:mod"}))
