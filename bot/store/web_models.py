"""Tables of the web page: signed-in sessions, one-time sign-in links and the cookie secret.

Only hashes of session ids and link tokens are stored, so a copy of the database signs
no one in. Rows go with their member (ON DELETE CASCADE): erasing a member signs them out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from bot.store.models import Base
from bot.store.types import UTCDateTime


class WebSession(Base):
    """One signed-in browser: whose it is, its CSRF token, and until when it holds."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the id
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    # the platform's admin role as the sign-in saw it (Slack admin, Discord Manage Guild);
    # the moderator rule is applied afresh on every request
    platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSignInLink(Base):
    """A one-time sign-in link (`/pln web`): valid ten minutes, used once."""

    __tablename__ = "web_sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSecret(Base):
    """The key that signs session cookies when PLN_WEB_SECRET is not set: made once and
    kept here, so restarts (and every process on one database) keep the same sessions."""

    __tablename__ = "web_secret"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
