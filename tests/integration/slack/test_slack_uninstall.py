"""Uninstalling the Slack app: the workspace's tokens go at once, its members' data is kept
for PLN_UNINSTALLED_KEEP_DAYS (30 by default) and then purged; a reinstall in time keeps it.

Through the real bolt app: OAuth installs over HTTP, signed `app_uninstalled` events, and the
simulated clock moved through the service's own runner.
"""

from __future__ import annotations

from cryptography.fernet import Fernet

from bot.store.models import Community, FreeNote, Member
from bot.store.slack_models import SlackInstallation
from tests.integration.slack.conftest import (
    SIGNING_SECRET,
    SlackBot,
    StartBot,
    member_row,
    prompts_to,
)
from tests.integration.slack.test_slack_oauth import CLIENT_ID, add_workspace_users, install
from tests.support.slack_requests import SlackRequests

NOTE = "A note for myself: the governors meet about the broadband contract in March."


async def oauth_bot(start_bot: StartBot) -> SlackBot:
    bot = await start_bot(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        pln_token_key=Fernet.generate_key().decode(),
    )
    add_workspace_users(bot.slack)
    assert await install(bot, "T2", "xoxb-team-two") == 200
    assert await install(bot, "T3", "xoxb-team-three") == 200
    return bot


async def members_and_notes(bot: SlackBot) -> None:
    """Ana (workspace T2) joins and keeps a note in her DM; Ben (T3) joins."""
    for team, user_id in (("T2", "UANA"), ("T3", "UBEN")):
        async with SlackRequests(
            bot.events_url, SIGNING_SECRET, team_id=team, response_url=bot.slack.response_url(team)
        ) as requests:
            assert (await requests.slash_command(user_id, "join")).status == 200
            await bot.slack.wait_for_hook_posts(1, name=team)
            if user_id == "UANA":
                assert (
                    await requests.event(requests.message_im_event(user_id, NOTE))
                ).status == 200
                await bot.settle()
    assert await bot.count(FreeNote) == 1


async def uninstall(bot: SlackBot, team: str) -> None:
    async with SlackRequests(bot.events_url, SIGNING_SECRET, team_id=team) as requests:
        response = await requests.event({"type": "app_uninstalled", "event_ts": "1.0"})
    assert response.status == 200
    await bot.settle()  # bolt runs the listener after its ack


async def uninstalled_at(bot: SlackBot) -> dict[str, object]:
    return {row.external_id: row.uninstalled_at for row in await bot.rows(Community)}


async def test_the_workspace_data_is_kept_30_days_after_app_uninstalled_then_purged(
    start_bot: StartBot,
) -> None:
    bot = await oauth_bot(start_bot)
    await members_and_notes(bot)

    await uninstall(bot, "T2")
    assert await bot.count(SlackInstallation, SlackInstallation.team_id == "T2") == 0
    assert await uninstalled_at(bot) == {"T2": bot.clock.now(), "T3": None}

    await bot.advance(days=29)
    assert await bot.count(Member) == 2 and await bot.count(FreeNote) == 1, "day 29: kept"

    await bot.advance(days=2)
    assert await uninstalled_at(bot) == {"T3": None}, "day 31: the workspace's community is gone"
    assert [m.platform_user_id for m in await bot.rows(Member)] == ["UBEN"]
    assert await bot.count(FreeNote) == 0


async def test_a_reinstall_within_the_period_keeps_the_workspace_data(
    start_bot: StartBot,
) -> None:
    bot = await oauth_bot(start_bot)
    await members_and_notes(bot)
    await uninstall(bot, "T2")

    await bot.advance(days=10)
    assert await install(bot, "T2", "xoxb-team-two-again") == 200
    assert await uninstalled_at(bot) == {"T2": None, "T3": None}

    await bot.advance(days=31)
    assert await bot.count(Member) == 2 and await bot.count(FreeNote) == 1
    assert await bot.service.tokens.bot_token("T2") == "xoxb-team-two-again"
    # the prompt of the week the app was gone could not be sent; the weeks after are
    assert [call.token for call in prompts_to(bot.slack, "UANA")][-1] == "xoxb-team-two-again"
    assert (await member_row(bot, "UANA")).unreachable_at is None
