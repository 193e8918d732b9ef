"""The tables: communities, members, schedules, deliveries, answers and free notes.

Unique keys carry the exactly-once guarantees: one delivery per (schedule, member, local
date it was due) and one answer per delivery. Inserting a delivery row *is* the claim.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from bot.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ScheduleKind(StrEnum):
    WEEKLY_PROMPT = "weekly_prompt"
    PROMPT_NOW = "prompt_now"
    REVISIT = "revisit"  # one member, some weeks after an answer, quoting it back to them
    DISCUSSION = "discussion"  # a post in a channel; its details in schedule_models
    CHECKINS = "checkins"  # peer check-in rounds (bot/core/checkins/rounds.py)


ONE_OFF_KINDS = frozenset({ScheduleKind.PROMPT_NOW, ScheduleKind.REVISIT})


class DeliveryStatus(StrEnum):
    """Where a delivery is in its life; see docs/ARCHITECTURE.md for the state machine."""

    CLAIMED = "claimed"  # row inserted: this process owns the send, nothing sent yet
    SENDING = "sending"  # the platform call is under way (committed before the call)
    SENT = "sent"  # the platform accepted it
    UNCERTAIN = "uncertain"  # crashed mid-call: never resent, so never sent twice
    FAILED = "failed"  # the member cannot be reached; not retried
    MISSED = "missed"  # fell due while the bot was down, beyond the grace period


class Community(Base):
    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "dm": each member gets the prompt by DM; "channel": one post in `channel_id`
    delivery_mode: Mapped[str] = mapped_column(String(16), default="dm", server_default="dm")
    channel_id: Mapped[str | None] = mapped_column(String(64))  # the PLN channel
    track: Mapped[str] = mapped_column(String(64), default="all", server_default="all")
    # answers (and notes) older than this many days are purged daily; None keeps them
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # no purge before this time: a confirmed setting waits out the members' notice period
    # (None: in force, as for settings made before the notice existed)
    retention_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # set when the Slack app is uninstalled (or the bot leaves the guild): the data is kept
    # for PLN_UNINSTALLED_KEEP_DAYS, then purged; a reinstall clears it
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # an OpenAI-compatible endpoint may summarise digests only when the community opts in:
    # the member's answers then leave the machine
    llm_summaries: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the first day of the school year (rotation's start/middle/end and term plans count
    # from it); None: the first Monday of September, or of February in a southern zone
    term_start: Mapped[date | None] = mapped_column(Date)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("community_id", "platform_user_id"),
        Index("ix_member_community_active", "community_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # no prompts while set
    # a timed pause (`/pln pause 2w`): the claim resumes the member once this has passed
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # prompts that fell due before this (while paused) are never sent after a resume
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # linked identities (one person on Slack and Discord) share a person id: history,
    # digest and rotation read all of them. None: not linked.
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # the scheduled digest: "monthly" (default), "termly" or "off"
    digest_cadence: Mapped[str] = mapped_column(
        String(16), default="monthly", server_default="monthly"
    )
    # "new" or "experienced" in the role (prompts tagged for the other are left out), "any"
    # when they chose not to say; None: not asked yet
    audience: Mapped[str | None] = mapped_column(String(16))
    # 1: a prompt every week; 2: every other week (the lighter rhythm a quiet member chose)
    every_weeks: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # when the bot last offered a pause or a lighter rhythm after weeks without an answer
    quiet_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # a retention notice to send this member (retried until it goes); None: nothing owed
    retention_notice_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the member's DM channel on the platform once known (Discord): a fan-out to known
    # members opens no new DM channel
    dm_channel_id: Mapped[str | None] = mapped_column(String(64))

    community: Mapped[Community] = relationship(lazy="raise")


class Schedule(Base):
    """A rule that makes prompts fall due: weekly, or a one-off `prompt now` occurrence."""

    __tablename__ = "schedule"
    __table_args__ = (Index("ix_schedule_community_active", "community_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday
    local_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" in each member's zone
    fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # one-off occurrences
    prompt_id: Mapped[str | None] = mapped_column(String(64))  # fixed prompt of a one-off
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    # a revisit: for this member only, about the answer to this delivery. No foreign key on
    # the delivery (delivery already points at schedule: a cycle); a revisit whose delivery
    # or answer is gone finds nothing to quote and is simply not sent.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    source_delivery_id: Mapped[int | None] = mapped_column(Integer)
    # moderators' rules (bot.core.scheduling): every N weeks counted from `starts_on`, in
    # one `zone` for all (None: each member's own), held while `paused`; fires before
    # `resumed_at` are not claimed (nothing owed for a pause)
    every_weeks: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    zone: Mapped[str | None] = mapped_column(String(64))
    starts_on: Mapped[date | None] = mapped_column(Date)
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # check-ins with an odd number of members: "three" (one group of three) or "sit-out"
    checkin_odd: Mapped[str | None] = mapped_column(String(16))


class Delivery(Base):
    """One prompt to one member. Inserting the row claims the work; see DeliveryStatus."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("schedule_id", "member_id", "due_local_date"),
        Index("ix_delivery_member_sent", "member_id", "sent_at"),
        Index("ix_delivery_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    due_local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prompt_id: Mapped[str] = mapped_column(String(64))
    prompt_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_message_ref: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # after a 429 or outage
    last_error: Mapped[str | None] = mapped_column(String(200))
    # the worker sending the row and until when it holds it (renewed while alive); another
    # process takes the row over only once the lease has expired (docs/ARCHITECTURE.md)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # resent after a crash without a way to check the first send: maybe twice (moderators)
    uncertain_resend: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # snoozed until then
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_message_ref: Mapped[str | None] = mapped_column(String(128))  # a reply to it answers
    # "<person id>:<ISO week>" on a claimed weekly prompt of a linked member: the unique index
    # makes it one weekly prompt per person and week, even when the Slack and Discord
    # processes claim at the same moment. None for everyone else.
    person_week: Mapped[str | None] = mapped_column(String(32), index=True, unique=True)
    # a revisit of a goal: what the member said became of it (done, partly, not_yet, dropped)
    goal_outcome: Mapped[str | None] = mapped_column(String(16))


class CommunityPrompt(Base):
    """A prompt a community's moderators added, validated like the library's."""

    __tablename__ = "community_prompt"
    __table_args__ = (UniqueConstraint("prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(64))  # "c<community>-<n>", never reused
    framework_id: Mapped[str] = mapped_column(String(64))
    element_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))


class ChannelPost(Base):
    """One prompt posted once in a community's PLN channel (channel mode).

    Claimed like a delivery: inserting the row is the claim, the unique key makes it once
    per occurrence. Members answer privately through its button; each answer gets its own
    member delivery, created when they press it.
    """

    __tablename__ = "channel_post"
    __table_args__ = (UniqueConstraint("schedule_id", "community_id", "due_local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    due_local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prompt_id: Mapped[str] = mapped_column(String(64))
    prompt_text: Mapped[str] = mapped_column(Text)
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


class Answer(Base):
    """A member's answer to one delivery; its text is the parts in order."""

    __tablename__ = "answer"
    # a member's answers, newest or oldest first: history, digest, numbering, export
    __table_args__ = (Index("ix_answer_member_created", "member_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), unique=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    # the member's own number for it (#1, #2, ... per person, shared with notes), so an id
    # never tells anyone how much others wrote
    number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    parts: Mapped[list[AnswerPart]] = relationship(
        order_by="AnswerPart.position", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def text(self) -> str:
        return "\n\n".join(part.text for part in self.parts)


class AnswerPart(Base):
    """One message of an answer: later messages in the open window append, never overwrite."""

    __tablename__ = "answer_part"
    __table_args__ = (
        UniqueConstraint("answer_id", "position"),
        # a platform message is stored once, however often the platform delivers it
        Index("ix_answer_part_message_ref", "platform_message_ref", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    platform_message_ref: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FreeNote(Base):
    """A message that arrived with no open prompt: kept, privately, as a note."""

    __tablename__ = "free_note"
    __table_args__ = (
        Index("ix_free_note_member_created", "member_id", "created_at"),
        Index("ix_free_note_message_ref", "platform_message_ref", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    number: Mapped[int | None] = mapped_column(Integer)  # as Answer.number, one sequence
    text: Mapped[str] = mapped_column(Text)
    platform_message_ref: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerShare(Base):
    """An answer its author shared with the PLN: the post in the community's channel.

    The row is written before the post is sent ("posting") and given the post's reference
    after ("posted"); unsharing deletes the post and the row. Erasing the answer or the
    member cascades here, and the erasure deletes the post first.
    """

    __tablename__ = "answer_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # "posting" or "posted"
    platform_message_ref: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DigestSend(Base):
    """One scheduled digest to one member for one period ("2026-11", "2026-T4").

    Claimed like a delivery: inserting the row is the claim and the unique key makes it once
    per member and period; the states are DeliveryStatus values.
    """

    __tablename__ = "digest_send"
    __table_args__ = (
        UniqueConstraint("member_id", "period_key"),
        Index("ix_digest_send_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(16))
    cadence: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
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


class LinkCode(Base):
    """A one-time code joining a member's identities on two platforms; only its hash is kept."""

    __tablename__ = "link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """That something happened (an erasure, a retention purge), never what or whose words."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0)  # e.g. answers purged
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobRun(Base):
    """When a periodic job (the daily retention purge) last ran, shared by every process."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime())
