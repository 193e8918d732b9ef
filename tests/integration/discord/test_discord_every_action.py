"""Every registered button and form, pressed through the real discord.py client.

For each id in `bot.core.registry.action_ids()` the scene is set through the core (as the
member's earlier steps would have), the member presses the button as Discord sends it (an
INTERACTION_CREATE over the stand-in's gateway, custom_id `action_id:value`), submits the
form it opens when it opens one, and the effect is checked in the store. A button that the
adapter drops ("This interaction failed") or answers twice fails here, whatever the core's
own tests say. Prompt and answer buttons are pressed in the member's DM, so the core has to
find the member's community itself; the others in the guild.
"""

from __future__ import annotations

import discord
import pytest

from bot.adapters.discord.messenger import send_kwargs
from bot.adapters.discord.render import payload
from bot.core.actions import LEGACY_IDS
from bot.core.actors import Actor, CommunityRef
from bot.core.data_rights import FORGET_CONFIRM_ACTION
from bot.core.messages import Button, OutgoingMessage
from bot.core.prompt_messages import SKIP_ACTION
from bot.core.registry import action_ids, form_ids
from tests.integration.discord.conftest import ALICE, GUILD, MODERATOR, DiscordBot
from tests.support.action_scenarios import (
    FORM_OPENED_BY,
    REPLY_SAYS,
    SCENARIOS,
    World,
    member_is_erased,
    prompt_is_skipped,
    prompted,
)
from tests.support.discord_standin import (
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    CALLBACK_MODAL,
    DiscordStandIn,
    InteractionResponse,
    JsonDict,
)

GUILD_NAME = "School PLN"  # as the `server` fixture names the guild
IN_DM = ("pln.prompt.", "pln.answer.")  # where these buttons live: the member's DM


def world_of(bot: DiscordBot) -> World:
    """The member (alice) and moderator (mo, Manage Guild) as the adapter's `_who` builds
    them in the guild, with the guild's text channel as the PLN channel."""
    community = CommunityRef("discord", GUILD, GUILD_NAME)
    channel = bot.server.default_channel_id(GUILD)

    def in_guild(user_id: str, name: str, manage_guild: bool) -> Actor:
        return Actor(
            community,
            user_id,
            name,
            platform_admin=manage_guild,
            channel_id=channel,
            dms_may_be_closed=True,
        )

    return World(
        core=bot.service.app.core,
        member=in_guild(ALICE, "alice", manage_guild=False),
        moderator=in_guild(MODERATOR, "mo", manage_guild=True),
        channel_id=channel,
    )


def _custom_ids(message: JsonDict) -> list[str]:
    return [
        str(component.get("custom_id"))
        for row in message.get("components") or []
        for component in row.get("components") or []
    ]


async def message_with_button(bot: DiscordBot, user_id: str, custom_id: str, in_dm: bool) -> str:
    """The id of a bot message carrying the button, in the DM or the PLN channel.

    The message the core sent (a prompt, a channel post) when there is one; otherwise the
    bot sends one carrying just that button, as a reply would have (scenes are set through
    the core, so their replies never went to Discord).
    """
    server, client = bot.server, bot.service.client
    channel_id = server.dm_channel_id(user_id) if in_dm else server.default_channel_id(GUILD)
    for message in reversed(server.channel_messages(channel_id)):
        if message["author"]["id"] == server.bot_user_id and custom_id in _custom_ids(message):
            return str(message["id"])
    action_id, _, value = custom_id.partition(":")
    reply = OutgoingMessage(text="Your button:", buttons=(Button("Press", action_id, value),))
    target: object
    if in_dm:
        target = await client.fetch_user(int(user_id))
    else:
        target = client.get_channel(int(channel_id)) or await client.fetch_channel(int(channel_id))
    assert isinstance(target, discord.abc.Messageable)
    sent = await target.send(**send_kwargs(payload(reply)))
    assert custom_id in _custom_ids(server.message(sent.id)), "the button is on the message"
    return str(sent.id)


def said(responses: list[InteractionResponse]) -> str:
    """The words of an interaction's follow-ups: content, embed titles and descriptions."""
    parts: list[str] = []
    for response in responses:
        parts.append(response.content or "")
        for embed in response.data.get("embeds") or []:
            parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
    return "\n".join(parts)


async def answered_once(server: DiscordStandIn, interaction: str) -> list[InteractionResponse]:
    """Wait until the interaction is answered and, when deferred, followed up; then check
    that it got exactly one initial response (Discord allows one; none is "This
    interaction failed")."""
    data = server.interaction_payload(interaction)["data"]
    pressed = data.get("custom_id") or f"/{data.get('name')}"

    async def responses(at_least: int, what: str) -> list[InteractionResponse]:
        await server.wait_for(
            lambda: len(server.interaction_responses(interaction)) >= at_least,
            description=f"{what} to {pressed}",
            timeout=60.0,  # a digest draws its chart; passing runs end as soon as answered
        )
        return server.interaction_responses(interaction)

    answered = await responses(1, "an answer (none: 'This interaction failed')")
    if answered[0].type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
        answered = await responses(2, "a follow-up after the deferral")
    callbacks = [r for r in answered if r.kind == "callback"]
    assert len(callbacks) == 1, f"{len(callbacks)} initial responses to {pressed}"
    return answered


def assert_every_interaction_answered_once(server: DiscordStandIn, interactions: list[str]) -> None:
    """No press left unanswered or answered twice, and no call of the bot's refused."""
    for interaction in interactions:
        responses = server.interaction_responses(interaction)
        callbacks = [r for r in responses if r.kind == "callback"]
        assert len(callbacks) == 1, f"interaction {interaction}: {len(callbacks)} callbacks"
        if callbacks[0].type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            assert any(r.kind == "followup" for r in responses), "deferred, never followed up"
    refused = [
        (call.method, call.path, call.status)
        for call in server.requests("*", "*")
        if call.path.startswith(("/interactions/", "/webhooks/")) and call.status >= 400
    ]
    assert refused == []


async def press(bot: DiscordBot, action_id: str, value: str, user: str = ALICE) -> str:
    """`user` presses `action_id:value` where that button lives; the interaction id."""
    in_dm = action_id.startswith(IN_DM)
    custom_id = f"{action_id}:{value}"
    message_id = await message_with_button(bot, user, custom_id, in_dm)
    if in_dm:
        return await bot.server.component_interaction(user, custom_id, message_id)
    channel = bot.server.default_channel_id(GUILD)
    return await bot.server.component_interaction(
        user, custom_id, message_id, channel_id=channel, guild_id=GUILD
    )


@pytest.mark.parametrize("action_id", action_ids())
async def test_every_registered_button_works_on_discord(
    discord_bot: DiscordBot, action_id: str
) -> None:
    assert set(form_ids()) <= set(FORM_OPENED_BY), "every form is reached through a button"
    scenario = SCENARIOS[action_id]
    server = discord_bot.server
    world = world_of(discord_bot)
    value = await scenario.setup(world)

    pressed = await press(
        discord_bot, action_id, value, MODERATOR if scenario.by_moderator else ALICE
    )
    interactions = [pressed]
    if scenario.form is not None:
        opened = await answered_once(server, pressed)
        assert opened[0].type == CALLBACK_MODAL, f"no form, but {opened[0].type}: {said(opened)}"
        modal = server.modal(pressed)
        assert modal is not None
        # the form this button opens (FORM_OPENED_BY names one opener per form; another
        # opener, such as the channel post's Answer privately, opens one of the registered)
        expected = [form for form, button in FORM_OPENED_BY.items() if button == action_id]
        form_id = str(modal["custom_id"]).partition(":")[0]
        assert form_id in (expected or form_ids()), modal["custom_id"]
        submitted = await server.modal_submit_interaction(
            ALICE, str(modal["custom_id"]), scenario.form
        )
        interactions.append(submitted)
    responses = await answered_once(server, interactions[-1])

    await scenario.check(world, value)
    if action_id in REPLY_SAYS:
        words = REPLY_SAYS[action_id]
        await server.wait_for(
            lambda: words in said(server.interaction_responses(interactions[-1])),
            description=f"a reply saying {words!r}",
            timeout=60.0,
        )
    assert responses[-1].kind == "followup", "the press is answered in words"
    assert "doesn't work any more" not in said(responses)
    assert_every_interaction_answered_once(server, interactions)


async def test_an_old_prompt_button_still_works_and_forget_me_erases_the_member(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    world = world_of(discord_bot)
    delivery = await prompted(world)
    legacy = next(old for old, new in LEGACY_IDS.items() if new == SKIP_ACTION)
    prompt = await message_with_button(discord_bot, ALICE, f"{SKIP_ACTION}:{delivery}", True)
    skipped = await server.component_interaction(ALICE, f"{legacy}:{delivery}", prompt)
    await answered_once(server, skipped)
    await prompt_is_skipped(world, delivery)

    forget = await server.slash_command_interaction(GUILD, ALICE, "pln", "forget-me")
    await answered_once(server, forget)
    reply = next(
        r for r in server.interaction_responses(forget) if r.kind == "followup" and r.message_id
    )
    (erase,) = [
        custom_id
        for custom_id in _custom_ids(reply.data)
        if custom_id.partition(":")[0] == FORGET_CONFIRM_ACTION
    ]
    channel = server.default_channel_id(GUILD)
    erased = await server.component_interaction(
        ALICE, erase, str(reply.message_id), channel_id=channel, guild_id=GUILD
    )
    await answered_once(server, erased)
    await member_is_erased(world, "")
    assert_every_interaction_answered_once(server, [skipped, forget, erased])
