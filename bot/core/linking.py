"""One member across platforms: `/pln link` codes and `/pln unlink`.

(Being built: see issue 7.)
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain


async def link(ctx: Context, code: str | None) -> list[OutgoingMessage]:
    return [plain("Linking is not available yet.")]


async def unlink(ctx: Context) -> list[OutgoingMessage]:
    return [plain("Linking is not available yet.")]
