"""Who a community made a moderator in chat (`/pln moderators add`), and what moderators did.

Kept apart from `bot.store.models` so that module stays the map of the reflection data;
`bot.store.schema` imports it so that Alembic and the tests see the table. PLN_MODERATORS
and the platform's admins are never stored: they come from the settings and the platform.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class CommunityModerator(Base):
    """One platform user a moderator made a moderator of this community."""

    __tablename__ = "community_moderator"
    __table_args__ = (UniqueConstraint("community_id", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(64))  # the platform user id who added them
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModeratorAction(Base):
    """One moderator command run: who (their platform user id), which command, when.

    Apart from `audit_event`, which by design holds no one's id: this log exists to say who
    did what, so it names the moderator, and only the command's name, never what was typed.
    A moderator who is a member is named by their member row, so erasing them (`forget-me`)
    leaves "an erased member" here and no id; `actor_id` names only moderators who never
    joined (PLN_MODERATORS, the platform's admins).
    """

    __tablename__ = "moderator_action"
    __table_args__ = (Index("ix_moderator_action_community_at", "community_id", "happened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    actor_id: Mapped[str | None] = mapped_column(String(64))  # only when not a member
    command: Mapped[str] = mapped_column(String(64))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime())
