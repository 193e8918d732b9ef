"""Is this process able to do its work? What `GET /healthz` answers.

Healthy means two things: the database answers, and the alarm that wakes scheduled work is
alive. Catching up on a backlog after a restart is healthy (it is the work), so an
orchestrator that restarts unhealthy containers never kills a bot in the middle of sending
Monday's prompts; how far the catch-up is shows in /metrics instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.runner import Runner
from bot.store.database import Database

PING_TIMEOUT = 3.0  # seconds; longer than any healthy round trip, shorter than a probe's


@dataclass(frozen=True)
class Health:
    healthy: bool
    database: str  # "ok", or why not ("unreachable: ConnectionRefusedError")
    scheduler: str  # the runner's alarm status: "armed", "catching up", "overdue", ...
    state: str  # the runner's state

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "database": self.database,
            "scheduler": self.scheduler,
            "state": self.state,
        }


async def check_health(db: Database, runner: Runner, limit: float = PING_TIMEOUT) -> Health:
    database = await ping(db, limit)
    alarm = runner.alarm_status()
    return Health(
        healthy=database == "ok" and alarm.alive,
        database=database,
        scheduler=alarm.detail,
        state=str(runner.state),
    )


async def ping(db: Database, limit: float = PING_TIMEOUT) -> str:
    """`SELECT 1` on the driver's own connection: no SQLAlchemy transaction, so on SQLite
    no `BEGIN IMMEDIATE` that would queue behind a fan-out's writes."""
    try:
        async with asyncio.timeout(limit), db.engine.connect() as connection:
            await _select_one(connection)
    except Exception as error:  # whatever the driver raises, the answer is "not reachable"
        return f"unreachable: {type(error).__name__}"
    return "ok"


async def _select_one(connection: AsyncConnection) -> None:
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:
        raise ConnectionError("no driver connection")
    if hasattr(driver, "fetchval"):  # asyncpg
        await driver.fetchval("SELECT 1")
        return
    cursor = await driver.execute("SELECT 1")  # aiosqlite
    await cursor.fetchone()
    await cursor.close()
