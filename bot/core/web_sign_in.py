"""`/pln web`: a one-time link that signs the member in on the web page.

The link carries a random token; only its sha256 is stored, it lives 10 minutes and works
once. The reply is private (the link is as good as a password until it is used).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.store import web_sessions

LINK_LIFETIME = timedelta(minutes=10)
LINK_PATH = "/signin/link/"
WEB_OFF = plain(
    "The web page is off for this bot. The operator turns it on with PLN_WEB=on "
    "(and PLN_WEB_BASE_URL, the address members open)."
)


def token_hash(token: str) -> str:
    """What is stored for a token or session id: its sha256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def sign_in_link(ctx: Context) -> list[OutgoingMessage]:
    """A fresh link for the member who asked, or how to turn the page on."""
    base = ctx.config.web_base_url
    if base is None:
        return [WEB_OFF]
    member = ctx.require_member()
    token = secrets.token_urlsafe(32)
    await web_sessions.add_link(
        ctx.session,
        token_hash=token_hash(token),
        member_id=member.id,
        platform_admin=ctx.actor.platform_admin,
        now=ctx.now,
        expires_at=ctx.now + LINK_LIFETIME,
    )
    url = f"{base.rstrip('/')}{LINK_PATH}{token}"
    return [
        OutgoingMessage(
            text=(
                f"Your sign-in link for the web page (valid 10 minutes, once; keep it to "
                f"yourself): {url}"
            ),
            private=True,
        )
    ]
