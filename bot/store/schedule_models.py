"""Tables of the moderators' planning: drafts awaiting Confirm, skipped dates, discussions.

Kept apart from `bot.store.models` so that module stays the map of the reflection data;
`bot.store.schema` imports it so that Alembic and the tests see every table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from bot.store.models import Base
from bot.store.types import UTCDateTime


class ScheduleDraft(Base):
    """A previewed rule, kept until its Confirm button is pressed: the button carries only
    this id (Discord allows 100 characters), and nothing is scheduled before Confirm."""

    __tablename__ = "schedule_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    words: Mapped[str] = mapped_column(Text)  # the rule as typed after `/pln schedule`
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # confirmed or cancelled


class ScheduleSkip(Base):
    """A date (in the rule's zone, or a member's) on which a schedule does not fire."""

    __tablename__ = "schedule_skip"
    __table_args__ = (UniqueConstraint("schedule_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)


class Discussion(Base):
    """What a discussion schedule posts: its title, channel and question."""

    __tablename__ = "discussion"

    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedule.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(80))
    question: Mapped[str | None] = mapped_column(Text)  # own text; else schedule.prompt_id
    # bumped by every change: a post claimed for an older version is not sent
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class DiscussionPost(Base):
    """One discussion posted once in its channel, per fire time: inserting the row is the
    claim (unique per schedule and local date), sent through the send state machine."""

    __tablename__ = "discussion_post"
    __table_args__ = (UniqueConstraint("schedule_id", "due_local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    due_local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prompt_id: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    element: Mapped[str | None] = mapped_column(String(200))  # "framework: element"
    status: Mapped[str] = mapped_column(String(16))  # the DeliveryStatus values
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_message_ref: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    # the worker sending the row and until when it holds it (renewed while alive); another
    # process takes the row over only once the lease has expired (docs/ARCHITECTURE.md)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # resent after a crash without a way to check the first send: maybe twice (moderators)
    uncertain_resend: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DiscussionRecap(Base):
    """The recap of one discussion post, posted once in its thread some days after it.

    Claimed like the post (inserting the row is the claim, unique per post) and sent
    through the send state machine. The bot keeps no copy of the thread's replies: it reads
    the thread when the recap is built and keeps only the two counts, for `/pln stats`.
    """

    __tablename__ = "discussion_recap"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_post.id", ondelete="CASCADE"), unique=True
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # the DeliveryStatus values
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_message_ref: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    # the worker sending the row and until when it holds it (renewed while alive); another
    # process takes the row over only once the lease has expired (docs/ARCHITECTURE.md)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # resent after a crash without a way to check the first send: maybe twice (moderators)
    uncertain_resend: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # read from the thread when the recap was built; None when the platform could not say
    participants: Mapped[int | None] = mapped_column(Integer)
    replies: Mapped[int | None] = mapped_column(Integer)
