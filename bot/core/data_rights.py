"""Each member's rights over their data: delete an answer, export everything, erase it all.

(Being built: see issue 7.)
"""

from __future__ import annotations

from bot.core.actors import Actor
from bot.core.context import Context, ContextRunner
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Messenger

DELETE_CONFIRM_ACTION = "delete_answer_confirm"
FORGET_CONFIRM_ACTION = "forget_me_confirm"


async def delete_answer(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int, confirmed: bool
) -> list[OutgoingMessage]:
    return [plain("Deleting answers is not available yet.")]


async def forget_me(
    run: ContextRunner, messenger: Messenger, actor: Actor, confirmed: bool
) -> list[OutgoingMessage]:
    return [plain("Erasure is not available yet.")]


async def export(ctx: Context) -> list[OutgoingMessage]:
    return [plain("Export is not available yet.")]
