"""What one command is: its grammar, help words, flags and handler, declared in one place.

The dispatcher (bot/core/dispatch.py) reads the flags instead of keeping lists of commands:
who may run it, whether it needs a member, whether it moves the schedule or the member's
home view, and whether it must talk to the platform outside the unit of work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.actions import RoutesBy
from bot.core.commands.shapes import Arguments

if TYPE_CHECKING:
    from bot.core.actors import Actor
    from bot.core.context import Context, ContextRunner, CoreConfig
    from bot.core.messages import OutgoingMessage
    from bot.core.ports import Messenger
    from bot.store.database import Database

Replies = list["OutgoingMessage"]


class CoreServices(Protocol):
    """What a handler that runs outside the unit of work may use (PlnCore provides it).

    Such handlers talk to the platform (a channel post, a digest's chart) between two short
    units of work, so no transaction stays open across a network call or CPU work.
    """

    db: Database
    config: CoreConfig

    @property
    def messenger(self) -> Messenger: ...

    @property
    def with_context(self) -> ContextRunner: ...

    async def run_due_work(self) -> Any: ...

    async def run_due_prompts(self) -> Any: ...

    async def send_notices(self) -> Any: ...


# In one unit of work: (context, command) -> replies.
UnitHandler = Callable[["Context", Any], Awaitable[Replies]]
# Outside it: (services, actor, command) -> replies.
OutsideHandler = Callable[[CoreServices, "Actor", Any], Awaitable[Replies]]


@dataclass(frozen=True)
class ButtonAction:
    """A button that runs a command: `make` turns the button's value into the command, or
    None when the value is not one it could have sent (a stale or forged press)."""

    action_id: str
    make: Callable[[str], Any]
    routes_by: RoutesBy | None = None  # what the value names, for presses in a bare DM


@dataclass(frozen=True)
class CommandSpec:
    """One command of the grammar, with everything the core needs to run it.

    Exactly one of `handler` (runs in one unit of work with a Context) and `outside` (runs
    with CoreServices, for commands that talk to the platform) is set.
    """

    name: str
    arguments: Arguments
    summary: str
    description: str
    example: str
    handler: UnitHandler | None = None
    outside: OutsideHandler | None = None
    moderator_only: bool = False
    before_joining: bool = False  # works for people who have not joined (or have left)
    changes_schedule: bool = False  # the next due time may move: re-arm the alarm
    refreshes_home: bool = False  # the member's home view (Slack App Home) shows it
    started_note: str | None = None  # said before a long run (a fan-out) starts
    # the same whichever of the member's communities it runs in (help, export, erasure):
    # typed in a DM that carries no community, it needs no choice of community
    any_community: bool = False
    buttons: tuple[ButtonAction, ...] = ()
    # open to everyone, but some uses are a moderator's action (`track <name>` chooses the
    # track): those uses, by a moderator, go to the audit log like moderators-only commands
    moderator_action: Callable[[Any], bool] | None = None
    # whether this use answers with a form (`/pln profile`): platforms that show a slash
    # command's form as a modal must answer with it first (Discord), so they ask beforehand
    opens_form: Callable[[Any], bool] | None = None

    def __post_init__(self) -> None:
        if (self.handler is None) == (self.outside is None):
            raise ValueError(f"command {self.name!r} needs exactly one of handler and outside")

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    @property
    def usage(self) -> str:
        return " ".join(part for part in ("/pln", self.name, self.arguments.usage) if part)

    @property
    def runs_outside_unit_of_work(self) -> bool:
        return self.outside is not None
