"""Tables of the peer half: profiles for matching, check-in rounds and their groups, and
mentor matches.

A round is claimed like a discussion post (one row per schedule and local date); its
groups' messages (the introduction, "Did you meet?", one reminder) are rows of
`checkin_message`, sent through the send state machine. Erasing a member keeps the
rounds their partners were in: a seat's `member_id` becomes NULL ("a former member").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from bot.store.models import Base
from bot.store.types import UTCDateTime


class MemberProfile(Base):
    """What matching reads about a member: school, role and interests (element keys)."""

    __tablename__ = "member_profile"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    school: Mapped[str | None] = mapped_column(String(200))  # as the member wrote it
    school_key: Mapped[str | None] = mapped_column(String(200), index=True)  # folded
    role: Mapped[str | None] = mapped_column(String(16))  # "it", "teacher" or "leader"
    interests: Mapped[str] = mapped_column(Text, default="")  # "framework/element" keys
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckinOptIn(Base):
    """A member who joined check-ins (opt-in only): the row goes with `checkins leave`."""

    __tablename__ = "checkin_optin"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # sat out the last round (odd number, community setting): first in line next time
    sat_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinRound(Base):
    """One fire time of a check-in schedule: the groups formed then, and the counts."""

    __tablename__ = "checkin_round"
    __table_args__ = (UniqueConstraint("schedule_id", "due_local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    due_local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # "claimed", "formed", "missed"
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    formed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seed: Mapped[int] = mapped_column(Integer)  # the matching's seed, logged and kept
    # counts for the moderators' summary (never who)
    opted_in: Mapped[int] = mapped_column(Integer, default=0)
    placed: Mapped[int] = mapped_column(Integer, default=0)
    groups: Mapped[int] = mapped_column(Integer, default=0)
    left_out_paused: Mapped[int] = mapped_column(Integer, default=0)
    left_out_holiday: Mapped[int] = mapped_column(Integer, default=0)
    left_out_unreachable: Mapped[int] = mapped_column(Integer, default=0)
    sat_out: Mapped[int] = mapped_column(Integer, default=0)
    repeats_avoided: Mapped[int] = mapped_column(Integer, default=0)
    same_school_avoided: Mapped[int] = mapped_column(Integer, default=0)
    summary_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinGroup(Base):
    """Two or three members matched in a round, with why (no private text)."""

    __tablename__ = "checkin_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("checkin_round.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    reasons: Mapped[str] = mapped_column(Text, default="")  # the "why", one per line
    starter_prompt_id: Mapped[str | None] = mapped_column(String(64))
    starter: Mapped[str | None] = mapped_column(Text)  # the conversation starter's question


class CheckinSeat(Base):
    """A member's place in a group, and their answer to "Did you meet?"."""

    __tablename__ = "checkin_seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("checkin_group.id", ondelete="CASCADE"))
    # NULL after the member was erased: partners see "a former member"
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    met: Mapped[str | None] = mapped_column(String(16))  # "yes", "not_yet", "no"
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinMessage(Base):
    """One message of a group: the introduction (per member, or one group DM on Slack),
    "Did you meet?" per member, and one reminder after "Not yet". Inserting is the claim."""

    __tablename__ = "checkin_message"
    __table_args__ = (UniqueConstraint("group_id", "seat_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("checkin_group.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    seat_key: Mapped[str] = mapped_column(String(32))  # the seat's id, or "group"
    seat_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_seat.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "intro", "followup", "reminder"
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


class SelfAssessment(Base):
    """A member's self-assessment for mentoring: profile and the five core capacities
    (Ontario Leadership Framework), each 1-5."""

    __tablename__ = "self_assessment"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))  # "it", "teacher" or "leader"
    setting_directions: Mapped[int] = mapped_column(Integer)
    building_relationships: Mapped[int] = mapped_column(Integer)
    developing_the_organization: Mapped[int] = mapped_column(Integer)
    improving_the_instructional_program: Mapped[int] = mapped_column(Integer)
    securing_accountability: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MentorOffer(Base):
    """`/pln mentor offer [up to N mentees]`: a mentor's standing offer and capacity."""

    __tablename__ = "mentor_offer"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MentorRequest(Base):
    """`/pln mentor request`: waiting for a mentor until matched (then the row goes)."""

    __tablename__ = "mentor_request"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MentorMatch(Base):
    """A mentor and a mentee, matched until either ends it."""

    __tablename__ = "mentor_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    mentee_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    reasons: Mapped[str] = mapped_column(Text, default="")
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MentorNotice(Base):
    """A DM owed to a member who did not act: their new mentor or mentee, a match ended.
    Written in the unit of work that made the match (so it is owed once), sent through the
    send state machine and retried like any prompt."""

    __tablename__ = "mentor_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)  # names and reasons only, never an answer
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
