"""What differs between the backends: INSERT ... ON CONFLICT DO NOTHING, and a long list
of ids as one parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute


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


def one_of(
    session: AsyncSession,
    column: ColumnElement[int] | InstrumentedAttribute[int],
    ids: Sequence[int],
) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL `column = ANY(:ids)`, one array parameter rather than
    hundreds, which spares compiling, sending and planning a statement of that length."""
    if session.bind.dialect.name == "postgresql":
        return column == any_(bindparam("ids", list(ids), type_=postgresql.ARRAY(Integer)))
    return column.in_(ids)
