"""Every registered button and form, pressed through the real bolt app over HTTP.

For each id in `bot.core.registry.action_ids()` the scene is set through the core (as the
member's earlier steps would have), then Slack's side is played for real: a signed
`block_actions` payload to bolt's HTTP endpoint, and for a button that opens a form, the
signed `view_submission` of the modal the stand-in saw opened. The effect is read back from
the store (tests/support/action_scenarios.py). A button the Slack adapter does not hand to
the core (a prefix filter, a missing listener) fails here, whatever the core-level tests say.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.slack.directory import SlackDirectory
from bot.core import registry
from bot.core.actions import LEGACY_IDS
from bot.core.prompt_messages import SKIP_ACTION
from bot.store.models import Answer, Delivery, Member
from tests.integration.slack.conftest import BOT_TOKEN, MODERATOR, SlackBot, texts
from tests.support.action_scenarios import FORM_OPENED_BY, REPLY_SAYS, SCENARIOS, World
from tests.support.slack_requests import SlackResponse
from tests.support.slack_standin import DEFAULT_TEAM_ID, RecordedCall

MEMBER = "UALICE"
PLN_CHANNEL = "CPLN0001"  # a public channel: the stand-in accepts posts to any C id


async def world_of(bot: SlackBot) -> World:
    """The Slack adapter's own core, with Alice and the moderator as the adapter's Actors."""
    directory = SlackDirectory(bot.service.client)  # what the listeners read users with
    member = await directory.actor(DEFAULT_TEAM_ID, MEMBER, BOT_TOKEN)
    moderator = await directory.actor(DEFAULT_TEAM_ID, MODERATOR, BOT_TOKEN)
    assert moderator.platform_admin and not member.platform_admin
    return World(bot.service.app.core, member, moderator, PLN_CHANNEL)


def views_opened(bot: SlackBot) -> list[RecordedCall]:
    return [call for call in bot.slack.calls_to("views.open") if call.ok]


def acked(response: SlackResponse) -> None:
    """bolt answered 200 with an empty body: acknowledged, nothing shown in place."""
    assert response.status == 200, response.text
    assert response.text == "", response.text


async def press(
    bot: SlackBot, action_id: str, value: str, *, trigger_id: str, user: str = MEMBER
) -> SlackResponse:
    """A member's press: on the App Home for home buttons, else on a message in their DM."""
    if action_id.startswith("pln.home."):
        return await bot.requests.block_action(
            user, action_id, value, container_type="view", trigger_id=trigger_id
        )
    prompts = bot.slack.sent_messages(user)  # the DM message the button sits on, if any
    message_ts = prompts[-1].response["ts"] if prompts else "1700000000.000100"
    return await bot.requests.block_action(
        user,
        action_id,
        value,
        channel_id=bot.slack.dm_channel(user),
        message_ts=message_ts,
        trigger_id=trigger_id,
    )


def expected_form(action_id: str, shown: str) -> str:
    listed = [form for form, opener in FORM_OPENED_BY.items() if opener == action_id]
    assert len(listed) <= 1
    return listed[0] if listed else shown


def form_values(fields: dict[str, str]) -> dict[str, dict[str, dict[str, Any]]]:
    """`state.values` as Slack sends it: block_id = input id = the element's action_id."""
    return {
        name: {name: {"type": "plain_text_input", "value": text}} for name, text in fields.items()
    }


def replies_said(bot: SlackBot, since: int) -> str:
    """Everything posted to the member's DM after the first `since` calls."""
    return "\n".join(
        "\n".join(texts(call.params)) for call in bot.slack.sent_messages(MEMBER)[since:]
    )


@pytest.mark.parametrize("action_id", registry.action_ids())
async def test_every_registered_button_works_through_bolt_over_http(
    bot: SlackBot, action_id: str
) -> None:
    assert action_id in SCENARIOS, f"{action_id} has no scenario in action_scenarios.py"
    scenario = SCENARIOS[action_id]
    world = await world_of(bot)
    value = await scenario.setup(world)
    await bot.settle()
    messages_before = len(bot.slack.sent_messages(MEMBER))
    opened_before = len(views_opened(bot))

    trigger_id = f"trigger-{action_id}"
    user = MODERATOR if scenario.by_moderator else MEMBER
    answered = [await press(bot, action_id, value, trigger_id=trigger_id, user=user)]
    await bot.settle()

    if scenario.form is not None:
        opened = views_opened(bot)[opened_before:]
        assert len(opened) == 1, f"{action_id} should open one modal, opened {len(opened)}"
        assert opened[0].params["trigger_id"] == trigger_id
        view = opened[0].params["view"]
        assert view["type"] == "modal"
        form_id = view["callback_id"]
        assert form_id in registry.form_ids()
        # the form FORM_OPENED_BY names for this button; a button that opens a form after
        # looking at the store (a channel post's Answer) is not listed there
        assert form_id == expected_form(action_id, form_id)
        inputs = {block["block_id"] for block in view["blocks"] if block["type"] == "input"}
        assert inputs == set(scenario.form)
        answered.append(
            await bot.requests.view_submission(
                MEMBER, form_id, view["private_metadata"], form_values(scenario.form)
            )
        )
        await bot.settle()
    else:
        assert views_opened(bot)[opened_before:] == []

    await scenario.check(world, value)
    if action_id in REPLY_SAYS:
        said = replies_said(bot, messages_before)
        assert REPLY_SAYS[action_id].casefold() in said.casefold()
    for response in answered:  # checked last: the effect is the point, a 200 alone proves little
        acked(response)


def test_every_form_is_opened_by_a_registered_button() -> None:
    assert set(FORM_OPENED_BY) == set(registry.form_ids())
    assert set(FORM_OPENED_BY.values()) <= set(registry.action_ids())
    # every button that answers with a form has the form's fields in its scenario
    assert {i for i in registry.action_ids() if registry.opens_form(i)} == {
        action_id for action_id, scenario in SCENARIOS.items() if scenario.form is not None
    }


async def test_a_foreign_button_is_left_alone_and_a_legacy_one_still_works(
    bot: SlackBot,
) -> None:
    world = await world_of(bot)
    delivery_id = await SCENARIOS[SKIP_ACTION].setup(world)
    await bot.settle()
    calls_before = len(bot.slack.calls)

    foreign = await press(bot, "someone.elses.button", delivery_id, trigger_id="trigger-foreign")
    assert foreign.status == 404  # bolt's answer when no listener matches the action
    await bot.settle()
    # bolt authorizes the request (auth.test) before finding no listener; nothing else
    made = [call.method for call in bot.slack.calls[calls_before:]]
    assert [method for method in made if method != "auth.test"] == []  # no reply, modal, home
    (delivery,) = await bot.rows(Delivery)
    assert delivery.skipped_at is None
    assert await bot.count(Answer) == 0
    assert await bot.count(Member) == 1

    legacy = next(old for old, new in LEGACY_IDS.items() if new == SKIP_ACTION)
    assert legacy == "prompt.skip"
    acked(await press(bot, legacy, delivery_id, trigger_id="trigger-legacy"))
    await bot.settle()
    await SCENARIOS[SKIP_ACTION].check(world, delivery_id)
    said = replies_said(bot, 0)
    assert "Skipped" in said
