"""Who came back from a platform's sign-in: the value both OAuth clients return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.web.oauth.pending import SignInRefused

# Sign-in calls are few and a person is waiting: fail within seconds, not minutes.
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)


@dataclass(frozen=True)
class PlatformUser:
    """A person as the platform vouched for them, in one community (workspace or guild).

    `platform_admin` is the platform's own role (Discord Manage Guild or Administrator,
    Slack workspace admin or owner); the core combines it with PLN_MODERATORS.
    """

    platform: str
    community_external_id: str
    user_id: str
    display_name: str
    platform_admin: bool = False


async def read_json(response: aiohttp.ClientResponse, platform: str) -> dict[str, Any]:
    """The JSON object a platform answered, or SignInRefused when it answered something else."""
    try:
        body = await response.json(content_type=None)
    except (aiohttp.ContentTypeError, ValueError):
        body = None
    if not isinstance(body, dict):
        raise SignInRefused(
            f"{platform} answered the sign-in with something unexpected "
            f"(HTTP {response.status}). Try again in a minute."
        )
    return body
