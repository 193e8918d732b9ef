"""The community's holidays: date ranges in which nothing is sent on a schedule.

Kept apart from `bot.store.models` so that module stays the map of the reflection data;
`bot.store.schema` imports it so that Alembic and the tests see the table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class Holiday(Base):
    """A break in the community's calendar, first and last day included.

    The dates are calendar dates, applied at each member's local date. Rows imported from
    a calendar file wait with their `import_batch` set until a moderator confirms the
    preview; only rows without one are in force.
    """

    __tablename__ = "holiday"
    __table_args__ = (Index("ix_holiday_community_days", "community_id", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # an unconfirmed import's token (the Confirm button carries it); None: in force
    import_batch: Mapped[str | None] = mapped_column(String(32), index=True)
