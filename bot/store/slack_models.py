"""Tables only the Slack adapter reads: workspace installations (tokens sealed) and the
OAuth states already used. Apart from bot.store.models, which maps the reflection data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class SlackInstallation(Base):
    """One Slack workspace's installation (OAuth mode). `data` is encrypted: it holds tokens."""

    __tablename__ = "slack_installation"
    __table_args__ = (
        Index(
            "ix_slack_installation_lookup", "client_id", "enterprise_id", "team_id", "installed_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    team_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[str] = mapped_column(Text)  # Fernet token of the installation as JSON


class OAuthState(Base):
    """A used Slack OAuth `state`: the SHA-256 of its random part, until the state expires,
    so that no process accepts it twice (bot/adapters/slack/oauth_state.py)."""

    __tablename__ = "oauth_state"

    state: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
