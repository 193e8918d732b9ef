"""Group commit: small writes asked for at about the same moment share one transaction.

With many sends in flight, each one's "now sending" mark and its outcome would be a
transaction of its own; here they queue while the previous group commits and go in the
next one, so a fan-out costs a few transactions a batch, not two a member. Each caller still
waits for its own write to be committed (and gets its own result) before going on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.database import Database

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

WriteAll = Callable[[AsyncSession, list[ItemT]], Awaitable[list[ResultT]]]


class GroupCommit(Generic[ItemT, ResultT]):
    """Runs `write_all(session, items)` for the items submitted meanwhile, in one unit of
    work; it returns one result per item, in order (and may write them in one statement)."""

    def __init__(
        self, db: Database, write_all: WriteAll[ItemT, ResultT], *, most: int = 32
    ) -> None:
        self._db = db
        self._write_all = write_all
        self._most = most
        self._waiting: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, item: ItemT) -> ResultT:
        """Write `item` with whatever else is waiting; returns once it is committed."""
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush(), name="group-commit")
        return await future

    def abandon(self) -> None:
        """The process is going down: whatever is not committed yet is not written."""
        if self._flushing is not None:
            self._flushing.cancel()

    async def _flush(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                results = await self._db.run(
                    partial(_write_group, self._write_all, [item for item, _ in group])
                )
            except BaseException as error:  # every waiter learns its write did not happen
                for _, future in group:
                    if future.done():
                        continue
                    if isinstance(error, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            for (_, future), result in zip(group, results, strict=True):
                if not future.done():
                    future.set_result(result)


async def _write_group(
    write_all: WriteAll[ItemT, ResultT], items: list[ItemT], session: AsyncSession
) -> list[ResultT]:
    return await write_all(session, items)
