"""Fixed values Slack puts in every request body."""

from __future__ import annotations

VERIFICATION_TOKEN = "legacy-verification-token"  # deprecated by Slack but still sent in bodies
BOT_USER_ID = "UBOT"
FORM = "application/x-www-form-urlencoded"
