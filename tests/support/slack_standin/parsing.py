"""Reading a Web API call the way Slack accepts it: query, form or JSON, with a bearer
token, a token parameter or HTTP Basic client credentials."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from aiohttp import web

from tests.support.slack_standin.constants import JSON_TEXT_FIELDS
from tests.support.slack_standin.records import RecordedCall


async def _read_call(request: web.Request) -> tuple[RecordedCall, str | None]:
    """Merge query, form and JSON bodies the way Slack accepts them; find the token and secret."""
    params: dict[str, Any] = dict(request.query)
    read_error = None
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            body, read_error = {}, "invalid_json"
        if isinstance(body, dict):
            params.update(body)
    elif request.can_read_body:
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    for key in JSON_TEXT_FIELDS & params.keys():
        params[key] = _decode_json_text(params[key])
    authorization = request.headers.get("Authorization", "")
    token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None
    params.update(_basic_auth_credentials(authorization))
    token = token or (str(params["token"]) if params.get("token") else None)
    return RecordedCall(request.match_info["method"], params, token), read_error


def _decode_json_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _basic_auth_credentials(authorization: str) -> dict[str, str]:
    """oauth.v2.access clients may send client_id/client_secret as HTTP Basic auth."""
    if not authorization.startswith("Basic "):
        return {}
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
    except (binascii.Error, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret}


def _id_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value if item]
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return []
