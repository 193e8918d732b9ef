"""A local stand-in for Slack: the Web API, response_url hooks and the Socket Mode websocket.

It is a real aiohttp server on 127.0.0.1 (an ephemeral port), so the adapter is exercised through
slack_sdk's own HTTP, retry and websocket code instead of mocks of it. Point a client at it with
`AsyncWebClient(base_url=standin.base_url, token="xoxb-test")`; every call is recorded in order
(refused ones too), and failures are injected per method or per user the way Slack reports them:
HTTP 429 with Retry-After, HTTP 5xx, or HTTP 200 with `{"ok": false, "error": ...}`.

File uploads work the way `files_upload_v2` expects: files.getUploadURLExternal hands out an
upload URL served here too, the client POSTs the bytes to it, and files.completeUploadExternal
shares the file in a channel; each completed file is kept in `uploads` with its bytes.

The package splits the stand-in by job, and `server.SlackStandIn` composes the parts:
`constants`, `records` (what tests read back), `model` (bookkeeping), `parsing` (reading a
call), `addresses`, `state` (teams, users, messages, and reads of them), `faults` (injected
failures), `waiting`, `socket_mode`, `web_api` (one handler per method), `handlers` (the HTTP
endpoints), `openid` (Sign in with Slack for the web page: authorize, openid.connect.token
with a signed ID token, openid.connect.userInfo, the keys), and `plugin` (the
`slack_standin_factory` pytest fixture).
"""

from tests.support.slack_standin.constants import (
    APP_ID,
    APP_TOKEN,
    DEFAULT_BOT_TOKEN,
    DEFAULT_TEAM_ID,
    FIRST_TS_MICROS,
    JSON_TEXT_FIELDS,
    TS_STEP_MICROS,
    UPLOAD_METHOD,
    Answer,
)
from tests.support.slack_standin.limits import SlackLimits
from tests.support.slack_standin.model import Handler
from tests.support.slack_standin.records import RecordedCall, UploadedFile
from tests.support.slack_standin.server import SlackStandIn

__all__ = [
    "APP_ID",
    "APP_TOKEN",
    "DEFAULT_BOT_TOKEN",
    "DEFAULT_TEAM_ID",
    "FIRST_TS_MICROS",
    "JSON_TEXT_FIELDS",
    "TS_STEP_MICROS",
    "UPLOAD_METHOD",
    "Answer",
    "Handler",
    "RecordedCall",
    "SlackLimits",
    "SlackStandIn",
    "UploadedFile",
]
