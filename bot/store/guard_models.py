"""Tables that guard the bot rather than hold reflections: wrong link codes and DMs waiting
for their member to say which community they belong to.

Kept apart from `bot.store.models` so that module stays the map of the reflection data;
`bot.store.schema` imports both so that Alembic and the tests see every table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class LinkFailure(Base):
    """Wrong link codes counted against one guesser (a platform user or a person).

    In a table, not in memory, so that every process (Slack, Discord, several of each)
    counts against the same limit. Holds no code and nothing the guesser typed.
    """

    __tablename__ = "link_failure"

    guesser: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PendingDirectMessage(Base):
    """A direct message the bot could not place in one community: kept, not guessed, until
    the member presses the button of the community it is for (or a day has passed)."""

    __tablename__ = "pending_dm"
    __table_args__ = (Index("ix_pending_dm_user", "platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
