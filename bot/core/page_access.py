"""Who may read a page's figures. The web page checks the session first; the core checks
again when it reads, so a page that forgot its check still shows a member nothing."""

from __future__ import annotations

from bot.core.context import Context


class ModeratorsOnly(PermissionError):
    """The reader is not a moderator of this community."""


def require_moderator(ctx: Context) -> None:
    if not ctx.is_moderator:
        raise ModeratorsOnly(ctx.community.id)
