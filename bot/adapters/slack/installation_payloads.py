"""A Slack installation as JSON: what is sealed into `slack_installation.data`, and the bot
and installer halves a revocation takes out of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

Payload = dict[str, Any]

# What a revoked bot token or a revoked user token takes out of an installation.
BOT_HALF_CLEARED: Payload = {
    "bot_token": None,
    "bot_id": None,
    "bot_user_id": None,
    "bot_scopes": [],
    "bot_refresh_token": None,
    "bot_token_expires_at": None,
}
USER_HALF_CLEARED: Payload = {
    "user_token": None,
    "user_scopes": [],
    "user_refresh_token": None,
    "user_token_expires_at": None,
}


def installation_payload(installation: Installation) -> Payload:
    """The installation as JSON-ready data that `Installation(**payload)` rebuilds exactly.

    to_dict_for_copying() keeps custom values apart (to_dict() would mix them into the
    keyword arguments) but turns timestamps into datetimes and scope lists into strings;
    the raw attributes are put back so nothing is lost on the way through JSON.
    """
    return {
        **installation.to_dict_for_copying(),
        "bot_scopes": list(installation.bot_scopes or []),
        "user_scopes": list(installation.user_scopes or []),
        "bot_token_expires_at": installation.bot_token_expires_at,
        "user_token_expires_at": installation.user_token_expires_at,
        "installed_at": installation.installed_at,
    }


def bot_half(bot: Bot) -> Payload:
    """The bot's fields, in installation_payload's form, to merge into an installation."""
    return {
        "bot_token": bot.bot_token,
        "bot_id": bot.bot_id,
        "bot_user_id": bot.bot_user_id,
        "bot_scopes": list(bot.bot_scopes or []),
        "bot_refresh_token": bot.bot_refresh_token,
        "bot_token_expires_at": bot.bot_token_expires_at,
    }


def installation_of(bot: Bot) -> Installation:
    """A bot saved on its own, as an installation with no installer."""
    return Installation(**{**bot.to_dict_for_copying(), **bot_half(bot)}, user_id="")


def take_bot(installation: Installation, bot: Bot) -> None:
    installation.bot_token = bot.bot_token
    installation.bot_id = bot.bot_id
    installation.bot_user_id = bot.bot_user_id
    installation.bot_scopes = bot.bot_scopes
    installation.bot_refresh_token = bot.bot_refresh_token
    installation.bot_token_expires_at = bot.bot_token_expires_at


def jsonable(value: object) -> object:
    """Datetimes among custom values are stored as ISO text (and come back as text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in a Slack installation")
