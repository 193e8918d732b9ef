"""INSERT ... ON CONFLICT DO NOTHING for whichever backend the session is on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def insert_ignoring_duplicates(
    session: AsyncSession, model: type[DeclarativeBase], conflict_columns: Sequence[str]
) -> Any:
    """An insert statement that silently skips rows whose unique key already exists.

    This is how work is claimed: of two processes inserting the same delivery, one row
    lands and the other insert does nothing.
    """
    if session.bind.dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(
            index_elements=list(conflict_columns)
        )
    return sqlite.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
