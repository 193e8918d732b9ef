"""The peer half on Slack: `/pln profile` opens its modal from the slash command (its
trigger_id), the submission is stored; an expired trigger says so; a mentor's
introduction reaches them by DM when a mentee is matched."""

from __future__ import annotations

from typing import Any

from bot.store.checkin_models import MemberProfile
from tests.integration.slack.conftest import SlackBot, member_row


def _values(fields: dict[str, str]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        name: {name: {"type": "plain_text_input", "value": value}} for name, value in fields.items()
    }


async def test_profile_opens_a_modal_from_the_slash_command(bot: SlackBot) -> None:
    await bot.join("UALICE")
    response, posts = await bot.command("UALICE", "profile")
    assert response.status == 200 and posts == []
    (opened,) = bot.slack.calls_to("views.open")
    assert opened.ok and opened.params["trigger_id"].startswith("trigger.")
    view = opened.params["view"]
    assert view["callback_id"] == "pln.form.profile"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "school",
        "role",
        "interests",
    ]
    fields = {"school": "Saint Mary's", "role": "teacher", "interests": "slict/shared-vision"}
    submitted = await bot.requests.view_submission(
        "UALICE", "pln.form.profile", view["private_metadata"], _values(fields)
    )
    assert submitted.status == 200
    await bot.settle()
    member = await member_row(bot, "UALICE")
    profile = await bot.query(lambda session: session.get(MemberProfile, member.id))
    assert profile is not None and (profile.school_key, profile.role) == ("saint marys", "teacher")


async def test_an_expired_trigger_is_told_instead_of_a_modal(bot: SlackBot) -> None:
    await bot.join("UALICE")
    bot.slack.fail_next("views.open", "expired_trigger_id")
    _, posts = await bot.command("UALICE", "profile")
    assert len(posts) == 1 and "didn't let me open the form" in posts[0]["text"]


async def test_a_matched_mentor_is_introduced_by_dm(bot: SlackBot) -> None:
    await bot.join("UALICE", "UBOB")
    for text in ("profile role leader", "profile school Northside", "mentor offer"):
        await bot.command("UBOB", text)
    await bot.command("UBOB", "mentor assess 5 5 5 5 5")
    await bot.command("UALICE", "profile role it")
    await bot.command("UALICE", "mentor request")
    _, posts = await bot.command("UALICE", "mentor assess 1 1 2 1 2")
    assert "Meet your mentor, Bob." in posts[0]["text"]
    told = [call.params.get("text", "") for call in bot.slack.calls_to("chat.postMessage")]
    assert any("Meet your new mentee, Alice." in text for text in told), told


async def test_a_mentor_ends_one_match_by_mention_and_keeps_the_other(bot: SlackBot) -> None:
    """`/pln mentor end @Alice` arrives as `<@UALICE|alice>` (escaped mentions)."""
    await bot.join("UALICE", "UBOB", "UCAROL")
    for text in ("profile role leader", "profile school Northside", "mentor offer 2"):
        await bot.command("UBOB", text)
    await bot.command("UBOB", "mentor assess 5 5 5 5 5")
    for user_id in ("UALICE", "UCAROL"):
        await bot.command(user_id, "profile role it")
        await bot.command(user_id, "mentor request")
        await bot.command(user_id, "mentor assess 1 1 2 1 2")

    _, posts = await bot.command("UBOB", "mentor end <@UMOD|mo>")
    assert "is not one of your mentoring matches" in posts[0]["text"]
    assert "Your matches: Alice (your mentee), Carol (your mentee)." in posts[0]["text"]

    _, posts = await bot.command("UBOB", "mentor end <@UALICE|alice>")
    assert "Ended your mentoring match with Alice. I've told them." in posts[0]["text"]

    def ended_to_alice() -> bool:
        texts = [call.params.get("text", "") for call in bot.slack.sent_messages("UALICE")]
        return any("Bob ended your mentoring match" in text for text in texts)

    await bot.slack.wait_for(ended_to_alice, description="Alice told by DM")
    _, posts = await bot.command("UBOB", "mentor status")
    assert "Your mentee: Carol" in posts[0]["text"] and "Alice" not in posts[0]["text"]
