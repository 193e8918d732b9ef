"""Every table the bot has, in one metadata: what Alembic compares and migrations build."""

from __future__ import annotations

from bot.store import analysis_models as analysis_models
from bot.store import checkin_models as checkin_models
from bot.store import guard_models as guard_models
from bot.store import holiday_models as holiday_models
from bot.store import moderator_models as moderator_models
from bot.store import schedule_models as schedule_models
from bot.store import slack_models as slack_models
from bot.store import web_models as web_models
from bot.store.models import Base

metadata = Base.metadata

__all__ = [
    "analysis_models",
    "checkin_models",
    "guard_models",
    "holiday_models",
    "metadata",
    "moderator_models",
    "schedule_models",
    "slack_models",
    "web_models",
]
