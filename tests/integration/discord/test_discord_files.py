"""Files on Discord: attachments on ephemeral follow-ups and DMs, Discord's limits, refused
uploads that still deliver the text, and channel posts taken down.

discord.py sends files as multipart/form-data (payload_json + files[n]) to the stand-in,
which stores each attachment's bytes, so the tests compare exactly what arrived.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from dataclasses import replace as dataclass_replace
from typing import Any

import pytest

from bot.adapters.discord.messenger import DiscordMessenger
from bot.core.events import CommandEntered, Event, Outcome
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.ports import Recipient, SendStatus
from tests.integration.discord.conftest import ALICE, GUILD, MODERATOR, DiscordBot
from tests.support.discord_standin import InteractionResponse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chart() -> bytes:
    """A small valid PNG (4x4 grey), standing in for a digest chart."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * 4 for _ in range(4)))
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


CHART = Attachment("digest-chart.png", png_chart(), "image/png", "Your reflection chart")
ANSWER = "We moved the staff laptop refresh to the summer so the new devices arrive calmly."
NOTE_REFUSED = (
    "Sorry, I couldn't attach `digest-chart.png` just now; the rest of the message arrived. "
    "Please ask again in a few minutes."
)


def files_on_commands(bot: DiscordBot, monkeypatch: pytest.MonkeyPatch, *files: Attachment) -> None:
    """The core's first reply to any `/pln` command carries `files`."""
    core = bot.service.app.core
    original: Callable[..., Awaitable[Outcome]] = core.handle

    async def with_files(event: Event, *args: Any) -> Outcome:
        outcome = await original(event, *args)
        if not isinstance(event, CommandEntered):
            return outcome
        first, *rest = outcome.replies
        return dataclass_replace(outcome, replies=(replace(first, files=files), *rest))

    monkeypatch.setattr(core, "handle", with_files)


async def command_responses(bot: DiscordBot, subcommand: str) -> list[InteractionResponse]:
    """Alice runs `/pln <subcommand>` in the guild; returns the defer and the follow-up."""
    interaction = await bot.server.slash_command_interaction(
        GUILD, ALICE, "pln", subcommand, {}, permissions="0"
    )
    return await bot.server.wait_for_responses(interaction, 2, timeout=30.0)


def messenger(bot: DiscordBot) -> DiscordMessenger:
    found = bot.service.app.core.messenger
    assert isinstance(found, DiscordMessenger)
    return found


def alice() -> Recipient:
    return Recipient(1, "discord", GUILD, ALICE, "alice")


async def test_a_command_reply_in_a_guild_carries_the_chart_ephemerally(
    discord_bot: DiscordBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_on_commands(discord_bot, monkeypatch, CHART)

    _, follow_up = await command_responses(discord_bot, "help")

    assert follow_up.ephemeral and "Commands:" in (follow_up.content or "")
    (sent,) = follow_up.files
    assert (sent.filename, sent.data) == ("digest-chart.png", CHART.content)
    assert follow_up.message_id is not None
    (attachment,) = discord_bot.server.message(follow_up.message_id)["attachments"]
    assert attachment["description"] == "Your reflection chart"
    data = discord_bot.server.attachment_data(attachment)
    assert data == CHART.content and data.startswith(PNG_SIGNATURE)


async def test_a_refused_attachment_still_delivers_the_reply_with_a_note(
    discord_bot: DiscordBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_on_commands(discord_bot, monkeypatch, CHART)
    discord_bot.server.refuse_files_next(1, status=413)

    _, follow_up = await command_responses(discord_bot, "help")

    assert follow_up.files == []
    assert "Commands:" in (follow_up.content or "")
    assert (follow_up.content or "").endswith(NOTE_REFUSED)


async def test_a_file_beyond_the_interactions_size_limit_is_left_out_with_a_note(
    discord_bot: DiscordBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = Attachment("huge.bin", b"\0" * (10 * 1024 * 1024 + 1), "application/octet-stream")
    files_on_commands(discord_bot, monkeypatch, CHART, huge)

    _, follow_up = await command_responses(discord_bot, "help")

    assert [file.filename for file in follow_up.files] == ["digest-chart.png"]
    assert (follow_up.content or "").endswith(
        "`huge.bin` was left out: Discord takes at most 10 files and 10 MB in one message."
    )


async def test_a_scheduled_dm_carries_its_chart(discord_bot: DiscordBot) -> None:
    message = OutgoingMessage(text="Your monthly reflection digest", files=(CHART,))

    result = await messenger(discord_bot).send_direct(alice(), message)

    assert result.status is SendStatus.SENT
    (dm,) = discord_bot.server.dm_messages(ALICE)
    assert dm["id"] == result.platform_message_ref
    assert dm["content"] == "Your monthly reflection digest"
    (attachment,) = dm["attachments"]
    assert attachment["filename"] == "digest-chart.png"
    assert discord_bot.server.attachment_data(attachment) == CHART.content


async def test_a_dm_whose_files_are_refused_is_sent_once_without_them(
    discord_bot: DiscordBot,
) -> None:
    discord_bot.server.refuse_files_next(1, status=413)
    message = OutgoingMessage(text="Your monthly reflection digest", files=(CHART,))

    result = await messenger(discord_bot).send_direct(alice(), message)

    assert result.status is SendStatus.SENT
    (dm,) = discord_bot.server.dm_messages(ALICE)
    assert dm["attachments"] == []
    assert dm["content"] == f"Your monthly reflection digest\n\n{NOTE_REFUSED}"


async def test_a_dm_keeps_ten_files_and_names_the_rest(discord_bot: DiscordBot) -> None:
    files = tuple(Attachment(f"part-{n:02}.md", b"# part\n", "text/markdown") for n in range(12))

    result = await messenger(discord_bot).send_direct(
        alice(), OutgoingMessage(text="Your export", files=files)
    )

    assert result.status is SendStatus.SENT
    (dm,) = discord_bot.server.dm_messages(ALICE)
    assert [a["filename"] for a in dm["attachments"]] == [f.filename for f in files[:10]]
    assert dm["content"].endswith(
        "`part-10.md` and `part-11.md` were left out: Discord takes at most 10 files and "
        "25 MB in one message."
    )


async def test_delete_in_channel_takes_a_post_down_and_a_post_already_gone_counts(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    channel = server.default_channel_id(GUILD)
    posted = await messenger(discord_bot).send_to_channel(
        GUILD, channel, OutgoingMessage(text="alice shared an answer", private=False)
    )
    assert posted.status is SendStatus.SENT and posted.platform_message_ref is not None

    assert await messenger(discord_bot).delete_in_channel(
        GUILD, channel, posted.platform_message_ref
    )
    assert server.is_deleted(posted.platform_message_ref)
    assert await messenger(discord_bot).delete_in_channel(
        GUILD, channel, posted.platform_message_ref
    )
    deletes = server.requests("DELETE", f"/channels/{channel}/messages/{{id}}")
    assert [call.status for call in deletes] == [204, 404]


async def test_delete_in_channel_reports_a_refusal(discord_bot: DiscordBot) -> None:
    server = discord_bot.server
    channel = server.default_channel_id(GUILD)
    posted = await messenger(discord_bot).send_to_channel(
        GUILD, channel, OutgoingMessage(text="shared", private=False)
    )
    assert posted.platform_message_ref is not None
    server.server_error_next("DELETE", f"/channels/{channel}/messages/{{id}}", status=503)

    assert not await messenger(discord_bot).delete_in_channel(
        GUILD, channel, posted.platform_message_ref
    )
    assert not await messenger(discord_bot).delete_in_channel(GUILD, channel, "not-an-id")
    assert not server.is_deleted(posted.platform_message_ref)


async def answered(bot: DiscordBot) -> None:
    """Alice joins, gets a prompt now, and answers it in her DM."""
    server = bot.server
    await bot.command(ALICE, "join")
    await bot.command(MODERATOR, "prompt now")
    before = len(server.dm_messages(ALICE))
    await server.message_create(ALICE, content=ANSWER)
    await server.wait_for(lambda: len(server.dm_messages(ALICE)) > before)
    assert "Saved as your answer" in server.dm_messages(ALICE)[-1]["content"]


async def test_pln_digest_after_an_answer_delivers_the_chart(discord_bot: DiscordBot) -> None:
    await answered(discord_bot)

    _, follow_up = await command_responses(discord_bot, "digest")

    assert follow_up.ephemeral
    (chart,) = follow_up.files
    assert chart.filename is not None and chart.filename.endswith(".png")
    assert chart.data.startswith(PNG_SIGNATURE)
    assert follow_up.message_id is not None
    (attachment,) = discord_bot.server.message(follow_up.message_id)["attachments"]
    assert discord_bot.server.attachment_data(attachment) == chart.data


async def test_pln_export_delivers_a_markdown_and_a_json_file(discord_bot: DiscordBot) -> None:
    await answered(discord_bot)

    _, follow_up = await command_responses(discord_bot, "export")

    assert follow_up.ephemeral
    names = [file.filename or "" for file in follow_up.files]
    assert [name.rsplit(".", 1)[-1] for name in names] == ["md", "json"]
    markdown, as_json = (file.data.decode() for file in follow_up.files)
    assert ANSWER in markdown  # Alice's own data, to Alice only (ephemeral)
    assert isinstance(json.loads(as_json), dict)
