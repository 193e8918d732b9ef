"""PLN_MODERATORS entries are scoped to one community (issue 13): `discord:G1/42` moderates
guild G1 and no other guild the bot is in. On a real SQLite file and real PostgreSQL."""

from __future__ import annotations

import pytest

from bot.config_values import parse_moderators
from bot.core.actors import Actor, CommunityRef
from bot.core.context import CoreConfig
from bot.core.replies import MODERATORS_ONLY
from bot.core.service import PlnCore
from tests.support.actors import member

GUILD_1 = CommunityRef("discord", "G1", "First guild")
GUILD_2 = CommunityRef("discord", "G2", "Second guild")
WORKSPACE = CommunityRef("slack", "T1", "Workspace")


@pytest.fixture
def config() -> CoreConfig:
    # as bot/app.py builds it: from the parsed setting
    return CoreConfig(moderators=parse_moderators("discord:G1/42,slack:T1/42,console:mod"))


async def _reply(core: PlnCore, actor: Actor, text: str) -> str:
    replies = await core.handle_command(actor, text)
    assert len(replies) == 1
    return str(replies[0].text)


@pytest.mark.parametrize("command", ["prompt now", "mode channel"])
async def test_a_moderator_of_one_guild_is_not_one_in_another(core: PlnCore, command: str) -> None:
    in_g1 = member("42", GUILD_1)
    in_g2 = member("42", GUILD_2)  # the same Discord user, in a guild they do not moderate
    for actor in (in_g1, in_g2):
        await _reply(core, actor, "join")
    assert await _reply(core, in_g2, command) == MODERATORS_ONLY.text
    assert await _reply(core, in_g1, command) != MODERATORS_ONLY.text


async def test_the_same_user_id_on_another_platform_is_not_a_moderator(core: PlnCore) -> None:
    """`slack:T1/42` is a moderator in T1; `discord:G1/42` does not make console's 42 one."""
    assert await _reply(core, member("42"), "prompt now") == MODERATORS_ONLY.text
    assert await _reply(core, member("42", WORKSPACE), "prompt now") != MODERATORS_ONLY.text


async def test_the_console_shorthand_moderates_the_console(core: PlnCore) -> None:
    assert await _reply(core, member("mod"), "prompt now") != MODERATORS_ONLY.text
    assert await _reply(core, member("mod", GUILD_1), "prompt now") == MODERATORS_ONLY.text
