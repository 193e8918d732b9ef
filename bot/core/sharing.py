"""Sharing an answer with the PLN: a post with the author's name in the community channel.

(Being built: see issue 7.)
"""

from __future__ import annotations

from bot.core.actors import Actor
from bot.core.context import ContextRunner
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Messenger

SHARE_ACTION = "share_answer"
UNSHARE_ACTION = "unshare_answer"


async def share(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int
) -> list[OutgoingMessage]:
    return [plain("Sharing is not available yet.")]


async def unshare(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int
) -> list[OutgoingMessage]:
    return [plain("Sharing is not available yet.")]
