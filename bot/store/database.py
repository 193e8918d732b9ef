"""Engines, sessions and the unit of work, retried when the database is busy or gone a moment.

Every command and every piece of scheduled work runs as one `Database.run(work)` call:
one transaction, retried whole when SQLite is locked or PostgreSQL drops the connection.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from tenacity import (
    AsyncRetrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 5000
TRANSIENT_SQLSTATES = frozenset(
    {"40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006"}
)
TRANSIENT_SQLITE_TEXT = ("database is locked", "database is busy", "unable to open database file")


class DatabaseUnavailable(RuntimeError):
    """The database stayed locked or unreachable through every retry."""


def is_transient(error: BaseException) -> bool:
    """True for failures that a retry of the whole transaction can cure."""
    if isinstance(error, (ConnectionError, TimeoutError)):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        text = str(error.orig).lower()
        if any(part in text for part in TRANSIENT_SQLITE_TEXT):
            return True
        sqlstate = getattr(error.orig, "sqlstate", None) or getattr(
            getattr(error.orig, "__cause__", None), "sqlstate", None
        )
        if sqlstate in TRANSIENT_SQLSTATES:
            return True
        return isinstance(error, OperationalError) and "connection" in text
    return False


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite files get WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        event.listen(engine.sync_engine, "begin", _begin_sqlite_transaction)
        return engine
    # hide_parameters: a failing statement's error text must never carry a member's words.
    return create_async_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 driver would only open a transaction at the first write, leaving a unit
    # of work's reads outside it; we emit BEGIN ourselves (see _begin_sqlite_transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted text is zeroed, not left in free pages
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, waiting up to the busy timeout; a deferred
    # BEGIN would let two units of work read, then deadlock when both try to write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_write_conflict(error: BaseException) -> bool:
    """A unique key another transaction won a race for: re-running the work re-reads it."""
    return isinstance(error, IntegrityError) and "unique" in str(error.orig).lower()


class Database:
    """The store's entry point: owns the engine and runs units of work."""

    def __init__(self, url: str, *, attempts: int = 5, max_wait_seconds: float = 2.0) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._attempts = attempts
        self._max_wait = max_wait_seconds

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work` in one transaction, retrying the whole of it on transient failures."""
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception(lambda e: is_transient(e) or is_write_conflict(e)),
                stop=stop_after_attempt(self._attempts),
                wait=wait_random_exponential(multiplier=0.05, max=self._max_wait),
                before_sleep=before_sleep_log(log, logging.WARNING),
                reraise=True,
            ):
                with attempt:
                    async with self.sessions() as session, session.begin():
                        return await work(session)
        except Exception as error:
            if is_transient(error):
                raise DatabaseUnavailable(str(error)) from error
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def dispose(self) -> None:
        await self.engine.dispose()
