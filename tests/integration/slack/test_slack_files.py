"""Files on Slack: a reply's or a scheduled message's files uploaded into the member's DM,
refused uploads that still leave the text delivered, and channel posts taken down.

The uploads go through slack_sdk's real `files_upload_v2` (files.getUploadURLExternal, a
POST of the bytes to the stand-in's upload URL, files.completeUploadExternal); the stand-in
keeps each completed file's bytes, so the tests compare exactly what arrived.
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

from bot.adapters.slack.messenger import SlackMessenger
from bot.core.events import CommandEntered, Event, MessagePosted, Outcome
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.ports import Recipient, SendStatus
from tests.integration.slack.conftest import SlackBot, replies_to, texts
from tests.support.slack_standin import UPLOAD_METHOD

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ANSWER = "We moved the staff laptop refresh to the summer so the new devices arrive calmly."


def png_chart() -> bytes:
    """A small valid PNG (4x4 grey), standing in for a digest chart."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * 4 for _ in range(4)))
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


CHART = Attachment("digest-chart.png", png_chart(), "image/png", "Your reflection chart")
EXPORT = (
    Attachment("pln-export.md", b"# My PLN export\n", "text/markdown"),
    Attachment("pln-export.json", b'{"answers": []}', "application/json"),
)


def files_on_replies(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch, *files: Attachment, method: str
) -> None:
    """The core's first reply to a command (`run_command`) or a DM (`handle_message`)
    carries `files`."""
    core = bot.service.app.core
    original: Callable[..., Awaitable[Outcome]] = core.handle
    kind = CommandEntered if method == "run_command" else MessagePosted

    async def with_files(event: Event, *args: Any, **kwargs: Any) -> Outcome:
        outcome = await original(event, *args, **kwargs)
        if not isinstance(event, kind) or not outcome.replies:
            return outcome
        first, *rest = outcome.replies
        return dataclass_replace(outcome, replies=(replace(first, files=files), *rest))

    monkeypatch.setattr(core, "handle", with_files)


def messenger(bot: SlackBot) -> SlackMessenger:
    found = bot.service.app.core.messenger
    assert isinstance(found, SlackMessenger)
    return found


def alice() -> Recipient:
    return Recipient(1, "slack", "T1", "UALICE", "Alice")


async def test_a_command_reply_in_a_channel_sends_its_chart_to_the_members_dm(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_on_replies(bot, monkeypatch, CHART, method="run_command")

    _, posts = await bot.command("UALICE", "help", channel_id="C1")

    (upload,) = bot.slack.uploads_to("UALICE")
    assert upload.content == CHART.content and upload.content.startswith(PNG_SIGNATURE)
    assert (upload.filename, upload.title, upload.channel) == (
        "digest-chart.png",
        "Your reflection chart",
        "DUALICE",
    )
    assert "/pln" in posts[0]["text"]  # the reply itself still comes through response_url
    assert posts[-1]["text"] == "Your file `digest-chart.png` is in our DM."
    assert all(post["response_type"] == "ephemeral" for post in posts)


async def test_a_command_in_the_bot_dm_gets_its_files_there_without_a_note(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_on_replies(bot, monkeypatch, *EXPORT, method="run_command")

    _, posts = await bot.command("UALICE", "help", channel_id="DUALICE")

    uploads = bot.slack.uploads_to("UALICE")
    assert [(u.filename, u.content) for u in uploads] == [(f.filename, f.content) for f in EXPORT]
    assert not any("in our DM" in post["text"] for post in posts)


async def test_a_refused_upload_leaves_the_reply_delivered_and_names_the_missing_file(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_on_replies(bot, monkeypatch, CHART, method="run_command")
    bot.slack.server_error_next(UPLOAD_METHOD, 3)  # the first try and both retries

    _, posts = await bot.command("UALICE", "help", channel_id="C1")

    assert bot.slack.uploads_to("UALICE") == []
    assert "/pln" in posts[0]["text"]
    assert posts[-1]["text"] == (
        "Sorry, I couldn't attach `digest-chart.png` just now; the rest of the message "
        "arrived. Please ask again in a few minutes."
    )
    assert bot.slack.upload_statuses == [500, 500, 500]  # slack_sdk retried twice first


async def test_a_reply_to_a_dm_message_is_followed_by_its_files_in_the_same_dm(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.join("UALICE")
    files_on_replies(bot, monkeypatch, CHART, method="handle_message")

    response = await bot.requests.event(bot.requests.message_im_event("UALICE", "a free note"))
    assert response.status == 200
    await bot.settle()

    (upload,) = bot.slack.uploads_to("UALICE")
    assert upload.content == CHART.content
    assert len(replies_to(bot.slack, "UALICE")) == 1  # the reply, and no failure note


async def test_a_scheduled_message_is_posted_then_its_chart_uploaded_to_the_same_dm(
    bot: SlackBot,
) -> None:
    message = OutgoingMessage(text="Your monthly reflection digest", files=(CHART,))

    result = await messenger(bot).send_direct(alice(), message)

    assert result.status is SendStatus.SENT
    (post,) = bot.slack.sent_messages("UALICE")
    assert "Your monthly reflection digest" in texts(post.params)
    (upload,) = bot.slack.uploads_to("UALICE")
    assert upload.content == CHART.content and upload.channel == "DUALICE"
    methods = [call.method for call in bot.slack.calls]
    assert methods.index("chat.postMessage") < methods.index("files.completeUploadExternal")


async def test_a_scheduled_message_whose_upload_fails_is_still_sent_once_with_a_note(
    bot: SlackBot,
) -> None:
    bot.slack.server_error_next(UPLOAD_METHOD, 3)
    message = OutgoingMessage(text="Your monthly reflection digest", files=(CHART,))

    result = await messenger(bot).send_direct(alice(), message)

    assert result.status is SendStatus.SENT  # a resend would repeat the text
    digest, note = bot.slack.sent_messages("UALICE")
    assert "Your monthly reflection digest" in texts(digest.params)
    assert "couldn't attach `digest-chart.png`" in note.params["text"]
    assert bot.slack.uploads_to("UALICE") == []


async def test_delete_in_channel_takes_a_post_down_and_a_post_already_gone_counts(
    bot: SlackBot,
) -> None:
    posted = await messenger(bot).send_to_channel(
        "T1", "CPLN", OutgoingMessage(text="Alice shared an answer", private=False)
    )
    assert posted.status is SendStatus.SENT and posted.platform_message_ref
    channel, _, ts = posted.platform_message_ref.rpartition(":")
    assert bot.slack.message_exists(channel, ts)

    assert await messenger(bot).delete_in_channel("T1", "CPLN", posted.platform_message_ref)
    assert not bot.slack.message_exists(channel, ts)
    assert await messenger(bot).delete_in_channel("T1", "CPLN", posted.platform_message_ref)
    assert [call.response.get("error") for call in bot.slack.calls_to("chat.delete")] == [
        None,
        "message_not_found",
    ]


async def test_delete_in_channel_reports_a_refusal_and_another_workspace(bot: SlackBot) -> None:
    posted = await messenger(bot).send_to_channel("T1", "CPLN", OutgoingMessage(text="shared"))
    assert posted.platform_message_ref is not None
    bot.slack.fail_next("chat.delete", "cant_delete_message")

    assert not await messenger(bot).delete_in_channel("T1", "CPLN", posted.platform_message_ref)
    assert not await messenger(bot).delete_in_channel("T9", "CPLN", posted.platform_message_ref)


async def answered(bot: SlackBot) -> None:
    """Alice joins, gets a prompt now, and answers it in her DM."""
    await bot.join("UALICE")
    await bot.prompt_now()
    response = await bot.requests.event(bot.requests.message_im_event("UALICE", ANSWER))
    assert response.status == 200
    await bot.settle()
    assert "Saved as your answer" in replies_to(bot.slack, "UALICE")[-1].params["text"]


async def test_pln_digest_in_a_channel_after_an_answer_puts_the_chart_in_the_dm(
    bot: SlackBot,
) -> None:
    await answered(bot)

    _, posts = await bot.command("UALICE", "digest", channel_id="C1")

    (chart,) = bot.slack.uploads_to("UALICE")
    assert chart.filename.endswith(".png") and chart.content.startswith(PNG_SIGNATURE)
    assert posts[-1]["text"] == f"Your file `{chart.filename}` is in our DM."
    assert all(post["response_type"] == "ephemeral" for post in posts)


async def test_pln_export_in_the_dm_uploads_a_markdown_and_a_json_file(bot: SlackBot) -> None:
    await answered(bot)

    await bot.command("UALICE", "export", channel_id="DUALICE")

    markdown, as_json = bot.slack.uploads_to("UALICE")
    assert (markdown.filename[-3:], as_json.filename[-5:]) == (".md", ".json")
    assert ANSWER in markdown.content.decode()  # Alice's own data, in Alice's DM only
    assert isinstance(json.loads(as_json.content), dict)
