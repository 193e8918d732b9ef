"""A console run on a simulated clock gets a database of its own unless one is named.

A simulated clock usually starts in the past (the README's demo starts on Fri 20 Nov 2026).
Run against the file a real-clock `make run` already created, it would find a community
created "later" than its clock, and no prompt is ever sent for a time before a community
existed: the demo would show nothing. Sharing the other way is as bad: a clock advanced by
weeks leaves deliveries in the future of the real one. So unless DATABASE_URL (or
`database_url` in the TOML file) names a database, a simulated run uses a fresh SQLite file
in a temporary directory that is removed when the run ends, and every demo starts from the
same place. A database that was named is used as it is, and a simulated clock that starts
before its community was created is explained (`clock_before_community`) rather than left
to send nothing in silence.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.core.actors import CommunityRef
from bot.core.clock import Clock, SimulatedClock
from bot.store.database import Database
from bot.store.models import Community

NOTE = (
    "Simulated clock: this run has a database of its own, removed when you quit, so your "
    "real data is untouched. Set DATABASE_URL to keep a simulated run."
)


@dataclass(frozen=True)
class ConsoleDatabase:
    """The settings a console run uses, and what to tell its member about the database."""

    settings: Settings
    note: str | None = None


def uses_own_database(settings: Settings, clock: Clock) -> bool:
    """A simulated clock, and no database named by the environment or the TOML file."""
    return isinstance(clock, SimulatedClock) and "database_url" not in settings.model_fields_set


@contextmanager
def database_for_clock(settings: Settings, clock: Clock) -> Iterator[ConsoleDatabase]:
    """`settings` pointed at a throwaway SQLite file while the block runs, when the clock is
    simulated and no database was named; otherwise `settings` unchanged."""
    if not uses_own_database(settings, clock):
        yield ConsoleDatabase(settings)
        return
    with tempfile.TemporaryDirectory(prefix="pln-bot-simulated-") as directory:
        path = Path(directory) / "pln-bot.db"
        # model_copy skips validation, so the URL is given in the form validation makes.
        own = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{path}"})
        yield ConsoleDatabase(own, NOTE)


async def clock_before_community(db: Database, clock: Clock, community: CommunityRef) -> str | None:
    """What to tell the member when a simulated clock starts before the community existed:
    no prompt is sent for a time before then, so the run would otherwise stay silent."""
    if not isinstance(clock, SimulatedClock):
        return None
    created = await db.run(
        lambda session: session.scalar(
            select(Community.created_at).where(
                Community.platform == community.platform,
                Community.external_id == community.external_id,
            )
        )
    )
    if created is None or created <= clock.now():
        return None
    return (
        f"The simulated clock ({clock.now():%a %d %b %Y %H:%M} UTC) is earlier than this "
        f"database's PLN, started {created:%a %d %b %Y %H:%M} UTC: no prompt is sent for a "
        "time before then. Start the clock later, or leave DATABASE_URL unset for a fresh "
        "temporary database."
    )
