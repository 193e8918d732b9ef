"""The Discord adapter over real sockets: commands, DMs, buttons, modals, faults, privacy."""

from __future__ import annotations

from tests.integration.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    GUILD,
    MODERATOR,
    DiscordBot,
    eventually,
)


async def test_the_bot_connects_and_registers_pln_for_the_guild(discord_bot: DiscordBot) -> None:
    commands = discord_bot.server.commands(GUILD)
    (pln,) = [command for command in commands if command["name"] == "pln"]
    names = {option["name"] for option in pln["options"]}
    assert {"help", "join", "tz", "digest", "history", "prompt", "pause"} <= names
    assert discord_bot.server.intents is not None
    assert discord_bot.server.intents & (1 << 15) == 0, "no message-content intent"


async def test_help_join_and_time_zones(discord_bot: DiscordBot) -> None:
    assert "Commands:" in await discord_bot.command(ALICE, "help")
    assert "Welcome to the PLN" in await discord_bot.command(ALICE, "join")
    welcome = await discord_bot.server.wait_for(lambda: discord_bot.server.dm_messages(ALICE))
    assert "weekly reflection prompt will arrive here" in welcome[0]["content"]
    assert "Europe/Berlin" in await discord_bot.command(ALICE, "tz", {"zone": "berlin"})
    assert "Mars" in await discord_bot.command(ALICE, "tz", {"zone": "Mars/Olympus"})


async def test_prompt_now_reaches_every_member_once_and_members_are_refused(
    discord_bot: DiscordBot,
) -> None:
    for user in (ALICE, BOB, CAROL):
        await discord_bot.command(user, "join")
    assert "Only moderators" in await discord_bot.command(ALICE, "prompt now")
    report = await discord_bot.command(MODERATOR, "prompt now")
    assert "3 members" in report
    for user in (ALICE, BOB, CAROL):
        prompts = [m for m in discord_bot.server.dm_messages(user) if m.get("embeds")]
        assert len(prompts) == 1, user
        ids = [c["custom_id"] for row in prompts[0]["components"] for c in row["components"]]
        assert [i.split(":")[0] for i in ids] == [
            "pln.prompt.answer",
            "pln.prompt.skip",
            "pln.prompt.snooze",
        ]


async def prompted(bot: DiscordBot, *users: str) -> dict[str, dict[str, object]]:
    """Members join, the moderator sends a prompt now; returns each member's prompt message."""
    for user in users:
        await bot.command(user, "join")
    await bot.command(MODERATOR, "prompt now")
    return {
        user: next(m for m in bot.server.dm_messages(user) if m.get("embeds")) for user in users
    }


async def stored_answers(bot: DiscordBot) -> list[tuple[int, str]]:
    from sqlalchemy import select

    from bot.store.models import Answer, AnswerPart

    async def load(session: object) -> list[tuple[int, str]]:
        rows = await session.execute(  # type: ignore[attr-defined]
            select(Answer.member_id, AnswerPart.text).join(
                AnswerPart, AnswerPart.answer_id == Answer.id
            )
        )
        return [(member_id, text) for member_id, text in rows.tuples()]

    return await bot.service.app.db.run(load)


async def test_a_dm_answer_is_stored_once_even_when_discord_dispatches_it_twice(
    discord_bot: DiscordBot,
) -> None:
    await prompted(discord_bot, ALICE)
    server = discord_bot.server
    before = len(server.dm_messages(ALICE))
    message_id = await server.message_create(ALICE, content="We piloted a coaching cycle.")
    await server.wait_for(lambda: len(server.dm_messages(ALICE)) > before)
    saved = server.dm_messages(ALICE)[-1]
    assert "Saved as your answer" in saved["content"]
    await server.dispatch("MESSAGE_CREATE", server.message(message_id))  # the same event again
    await discord_bot.command(ALICE, "help")  # a round trip after the duplicate was handled
    assert len(await stored_answers(discord_bot)) == 1


async def test_the_answer_button_opens_a_modal_whose_submission_is_stored(
    discord_bot: DiscordBot,
) -> None:
    prompts = await prompted(discord_bot, ALICE)
    server = discord_bot.server
    prompt = prompts[ALICE]
    answer_id = prompt["components"][0]["components"][0]["custom_id"]  # type: ignore[index]
    press = await server.component_interaction(ALICE, answer_id, str(prompt["id"]))
    (callback,) = await server.wait_for_responses(press, 1)
    assert callback.type == 9, "a modal"
    modal = server.modal(press)
    assert modal is not None
    submit = await server.modal_submit_interaction(
        ALICE, str(modal["custom_id"]), {"answer": "Modal answer about trust."}
    )
    responses = await server.wait_for_responses(submit, 2)
    assert "Saved as your answer" in (responses[-1].content or "")
    assert len(await stored_answers(discord_bot)) == 1


async def test_a_member_who_cannot_be_dmed_is_skipped_without_stopping_the_others(
    discord_bot: DiscordBot,
) -> None:
    for user in (ALICE, BOB, CAROL):
        await discord_bot.command(user, "join")
    server = discord_bot.server
    server.fail_dm(BOB)
    report = await discord_bot.command(MODERATOR, "prompt now")
    assert "Sent this week's prompt to 2 members" in report
    assert "1 couldn't be reached" in report
    assert len([m for m in server.dm_messages(ALICE) if m.get("embeds")]) == 1
    assert len([m for m in server.dm_messages(CAROL) if m.get("embeds")]) == 1
    failed_posts = len(server.requests("POST", f"/channels/{server.dm_channel_id(BOB)}/messages"))
    await discord_bot.command(MODERATOR, "prompt now")
    again = len(server.requests("POST", f"/channels/{server.dm_channel_id(BOB)}/messages"))
    assert again == failed_posts, "no repeated failing calls to an unreachable member"


async def test_rate_limited_twice_then_each_member_gets_exactly_one_dm(
    discord_bot: DiscordBot,
) -> None:
    for user in (ALICE, BOB):
        await discord_bot.command(user, "join")
    discord_bot.server.rate_limit_next("POST", "/channels/*/messages", 2, retry_after=0.01)
    await discord_bot.command(MODERATOR, "prompt now")
    for user in (ALICE, BOB):
        assert len([m for m in discord_bot.server.dm_messages(user) if m.get("embeds")]) == 1


async def test_everything_the_bot_sends_suppresses_mentions(discord_bot: DiscordBot) -> None:
    await prompted(discord_bot, ALICE)
    await discord_bot.server.message_create(ALICE, content="@everyone <@800000000000000003> hi")
    await discord_bot.command(ALICE, "history")
    posts = discord_bot.server.requests("POST", "/channels/*/messages")
    posts += discord_bot.server.requests("POST", "/webhooks/*/*")
    assert posts
    for post in posts:
        body = post.json if isinstance(post.json, dict) else {}
        assert body.get("allowed_mentions") == {"parse": []}, post.path


async def test_after_a_gateway_drop_the_bot_resumes_and_the_next_command_works(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    await server.drop_connection()
    await server.wait_for(lambda: server.resume_count >= 1 and server.connected)
    assert "Commands:" in await discord_bot.command(ALICE, "help")


async def test_answers_stay_private_and_the_token_stays_out_of_logs(
    discord_bot: DiscordBot, caplog: object
) -> None:
    import logging

    from bot.logging_setup import NOISY_LOGGERS

    caplog.set_level(logging.DEBUG)  # type: ignore[attr-defined]
    for noisy in NOISY_LOGGERS:  # as configure_logging does at DEBUG in production
        logging.getLogger(noisy).setLevel(logging.WARNING)
    await prompted(discord_bot, ALICE, BOB)
    await discord_bot.server.message_create(ALICE, content="Marker-zebra-answer about budgets.")
    await discord_bot.command(ALICE, "history")
    seen_by_others = [
        await discord_bot.command(BOB, "history"),
        await discord_bot.command(BOB, "digest"),
        await discord_bot.command(MODERATOR, "schedule schedules"),
    ]
    assert all("Marker-zebra" not in text for text in seen_by_others)
    logged = "\n".join(record.getMessage() for record in caplog.records)  # type: ignore[attr-defined]
    assert "Marker-zebra" not in logged
    from tests.integration.discord.conftest import TOKEN

    assert TOKEN not in logged


async def test_time_zone_autocomplete_offers_matching_zones(discord_bot: DiscordBot) -> None:
    server = discord_bot.server
    interaction = await server.autocomplete_interaction(
        GUILD, ALICE, "pln", "tz", {"zone": "berl"}, focused="zone"
    )
    (callback,) = await server.wait_for_responses(interaction, 1)
    assert callback.type == 8
    choices = [choice["value"] for choice in callback.data["choices"]]
    assert "Europe/Berlin" in choices and len(choices) <= 25


async def test_editing_a_dm_answer_updates_the_stored_answer(discord_bot: DiscordBot) -> None:
    await prompted(discord_bot, ALICE)
    server = discord_bot.server
    before = len(server.dm_messages(ALICE))
    message_id = await server.message_create(ALICE, content="First thought.")
    await server.wait_for(lambda: len(server.dm_messages(ALICE)) > before)
    await server.message_update(message_id, "Second, better thought.")

    async def edited() -> bool:  # an edit is stored silently: no traffic to wait on
        return [text for _, text in await stored_answers(discord_bot)] == [
            "Second, better thought."
        ]

    await eventually(edited)


async def test_opening_dms_too_fast_slows_down_and_delivers_later_exactly_once(
    discord_bot: DiscordBot,
) -> None:
    from bot.core.actors import Actor, CommunityRef

    core = discord_bot.service.app.core
    # joined without the welcome DM, so the fan-out has to open the DM channel itself
    newcomer = Actor(CommunityRef("discord", GUILD, "School PLN"), CAROL, "carol")
    await core.handle_command(newcomer, "join")
    server = discord_bot.server
    server.dm_too_fast_next(1)
    report = await discord_bot.command(MODERATOR, "prompt now")
    assert "1 more will get it shortly" in report
    assert discord_bot.service.pacer.cool_downs == 1
    assert [m for m in server.dm_messages(CAROL) if m.get("embeds")] == []
    await discord_bot.advance(minutes=6)
    assert len([m for m in server.dm_messages(CAROL) if m.get("embeds")]) == 1
    await discord_bot.advance(days=1)
    assert len([m for m in server.dm_messages(CAROL) if m.get("embeds")]) == 1


async def test_channel_mode_posts_once_in_the_pln_channel_and_answers_stay_private(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    channel = server.default_channel_id(GUILD)
    assert "Only moderators" in await discord_bot.command(ALICE, "channel")
    assert "Choose the PLN channel first" in await discord_bot.command(
        MODERATOR, "mode", {"mode": "channel"}
    )
    assert "now the PLN channel" in await discord_bot.command(MODERATOR, "channel")
    assert "one post in the PLN channel" in await discord_bot.command(
        MODERATOR, "mode", {"mode": "channel"}
    )
    for user in (ALICE, BOB):
        await discord_bot.command(user, "join")

    assert "Posted this week's prompt" in await discord_bot.command(MODERATOR, "prompt now")
    posts = [m for m in server.channel_messages(channel) if m.get("embeds")]
    assert len(posts) == 1
    (button,) = [c for row in posts[0]["components"] for c in row["components"]]
    assert button["label"] == "Answer privately"
    assert all(not m.get("embeds") for user in (ALICE, BOB) for m in server.dm_messages(user))

    press = await server.component_interaction(
        ALICE, button["custom_id"], str(posts[0]["id"]), channel_id=channel, guild_id=GUILD
    )
    (callback,) = await server.wait_for_responses(press, 1)
    assert callback.type == 9
    modal = server.modal(press)
    assert modal is not None
    submit = await server.modal_submit_interaction(
        ALICE,
        str(modal["custom_id"]),
        {"answer": "Channel-mode marker-okapi answer."},
        guild_id=GUILD,
        channel_id=channel,
    )
    responses = await server.wait_for_responses(submit, 2)
    assert all(response.ephemeral for response in responses[1:])
    assert "Saved as your answer" in (responses[-1].content or "")
    assert [text for _, text in await stored_answers(discord_bot)] == [
        "Channel-mode marker-okapi answer."
    ]
    visible = [m.get("content") or "" for m in server.channel_messages(channel)]
    assert all("marker-okapi" not in text for text in visible)

    await discord_bot.command(MODERATOR, "prompt now")
    assert len([m for m in server.channel_messages(channel) if m.get("embeds")]) == 2


async def test_channel_mode_posts_the_weekly_prompt_once_at_the_community_hour(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    channel = server.default_channel_id(GUILD)
    await discord_bot.command(MODERATOR, "channel")
    await discord_bot.command(MODERATOR, "mode", {"mode": "channel"})
    await discord_bot.command(ALICE, "join")
    await discord_bot.advance(days=2, hours=22)  # Friday 10:00 -> Monday 08:00 UTC
    assert [m for m in server.channel_messages(channel) if m.get("embeds")] == []
    await discord_bot.advance(hours=2)  # Monday 10:00 UTC: 09:00 UTC has passed
    await discord_bot.advance(days=1)
    assert len([m for m in server.channel_messages(channel) if m.get("embeds")]) == 1
    assert all(not m.get("embeds") for m in server.dm_messages(ALICE))


async def test_a_5xx_after_discord_accepted_a_prompt_does_not_send_it_twice(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    for user in (ALICE, BOB):
        await discord_bot.command(user, "join")
        await server.wait_for(lambda user=user: server.dm_messages(user))  # the welcome
    server.accept_then_fail_next(1)  # the first prompt is posted, its answer lost
    await discord_bot.command(MODERATOR, "prompt now")
    posts = server.requests("POST", f"/channels/{server.dm_channel_id(ALICE)}/messages")
    assert [post.status for post in posts][-2:] == [500, 200], "discord.py retried the send"
    for user in (ALICE, BOB):
        assert len([m for m in discord_bot.server.dm_messages(user) if m.get("embeds")]) == 1


async def test_a_5xx_after_discord_accepted_a_welcome_does_not_send_it_twice(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    server.accept_then_fail_next(1)  # the welcome DM is posted, its answer lost
    await discord_bot.command(ALICE, "join")
    await server.wait_for(
        lambda: (
            len(server.requests("POST", f"/channels/{server.dm_channel_id(ALICE)}/messages")) >= 2
        )
    )
    await discord_bot.command(ALICE, "help")  # a round trip after the retry
    assert len(server.dm_messages(ALICE)) == 1
