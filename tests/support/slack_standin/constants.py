"""The stand-in's fixed names and numbers: app, tokens, team, ts sequence, upload method."""

from __future__ import annotations

from typing import Any

APP_ID = "A1"
APP_TOKEN = "xapp-test"
DEFAULT_TEAM_ID = "T1"
DEFAULT_BOT_TOKEN = "xoxb-test"

# Fields slack_sdk may send as JSON text inside a form body; decoded so tests compare objects.
JSON_TEXT_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files"})
FIRST_TS_MICROS = 1_700_000_000_000_100
UPLOAD_METHOD = "upload"  # the name refusals use for POSTs to an upload URL
TS_STEP_MICROS = 100

Answer = dict[str, Any]
