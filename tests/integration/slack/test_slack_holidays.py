"""Holidays on Slack: a school calendar shared in the bot's DM with `/pln holidays import`
as its message (a slash command cannot carry a file), read from the file's `url_private`
with the bot token, previewed, then confirmed with the button. A bad file and a member
are refused; a file shared without a command stays an ordinary message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.holidays import CONFIRM_IMPORT_ACTION
from bot.store.holiday_models import Holiday
from tests.integration.slack.conftest import MODERATOR, SlackBot, button_value, replies_to

CALENDAR = Path(__file__).parents[2] / "fixtures" / "calendars" / "school-year.ics"


async def _share(bot: SlackBot, user_id: str, text: str, name: str, data: bytes) -> str:
    """`user_id` posts a file in the bot's DM with `text`; returns the bot's reply text."""
    before = len(replies_to(bot.slack, user_id))
    files = [bot.slack.share_file(name, data)]
    event = bot.requests.message_im_event(user_id, text, files=files)
    response = await bot.requests.event(event)
    assert response.status == 200
    await bot.settle()
    new = replies_to(bot.slack, user_id)[before:]
    return "\n".join(str(call.params["text"]) for call in new)


def _last_reply(bot: SlackBot, user_id: str) -> dict[str, Any]:
    return replies_to(bot.slack, user_id)[-1].params


async def test_a_shared_calendar_is_previewed_and_saved_on_confirm(bot: SlackBot) -> None:
    preview = await _share(
        bot, MODERATOR, "/pln holidays import", "term.ics", CALENDAR.read_bytes()
    )

    assert "`term.ics` has 3 holiday(s) to import" in preview
    assert all(h.import_batch is not None for h in await bot.rows(Holiday)), "not yet saved"
    batch = button_value(_last_reply(bot, MODERATOR), CONFIRM_IMPORT_ACTION)
    response = await bot.requests.block_action(
        MODERATOR, CONFIRM_IMPORT_ACTION, batch, channel_id="D" + MODERATOR
    )
    assert response.status == 200
    await bot.settle()

    assert "Imported 3 holiday(s)" in str(_last_reply(bot, MODERATOR)["text"])
    saved = await bot.rows(Holiday)
    assert [h.name for h in saved] == ["Winter break", "Staff training day", "Residential trip"]
    assert all(h.import_batch is None for h in saved)


async def test_a_bad_file_gets_one_error_and_a_member_is_refused(bot: SlackBot) -> None:
    await bot.join("UALICE")

    bad = await _share(bot, MODERATOR, "pln holidays import", "notes.ics", b"Minutes: budgets")
    refused = await _share(bot, "UALICE", "/pln holidays import", "t.ics", CALENDAR.read_bytes())

    assert "`notes.ics` is not a calendar I can read" in bad
    assert "Only moderators can do that" in refused
    assert await bot.rows(Holiday) == []


async def test_a_file_shared_without_a_command_is_an_ordinary_message(bot: SlackBot) -> None:
    await bot.join("UALICE")

    said = await _share(bot, "UALICE", "Our term dates", "term.ics", CALENDAR.read_bytes())

    assert "holiday" not in said.casefold()
    assert await bot.rows(Holiday) == []
