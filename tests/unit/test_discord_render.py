"""Discord rendering stays inside Discord's limits and keeps button ids stable."""

from __future__ import annotations

import pytest

from bot.adapters.discord.client import zone_matches
from bot.adapters.discord.files import left_out_note, select_files, with_notes
from bot.adapters.discord.render import (
    MAX_CONTENT,
    MAX_EMBED_DESCRIPTION,
    MAX_EMBED_TOTAL,
    custom_id,
    modal,
    parse_custom_id,
    payload,
)
from bot.adapters.discord.settings import DiscordSettings
from bot.config import SettingsError
from bot.core.messages import Attachment, Field, OutgoingMessage, Section, plain
from bot.core.prompt_messages import prompt_message
from bot.core.reflections import answer_form


def test_a_long_plain_reply_is_cut_with_a_note_within_2000_characters() -> None:
    rendered = payload(plain("word " * 5_000))
    assert rendered.content is not None
    assert len(rendered.content) <= MAX_CONTENT
    assert "not shown" in rendered.content
    assert rendered.embed is None


def test_a_huge_embed_stays_within_every_embed_limit() -> None:
    message = OutgoingMessage(
        text="x",
        heading="h" * 400,
        sections=(
            Section(
                body="b" * 10_000, fields=tuple(Field("l" * 300, "v" * 2_000) for _ in range(30))
            ),
        ),
    )
    embed = payload(message).embed
    assert embed is not None
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= MAX_EMBED_DESCRIPTION
    assert len(embed.fields) <= 25
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
    assert len(embed) <= MAX_EMBED_TOTAL


def test_prompt_buttons_have_stable_ids_that_name_their_action_and_prompt() -> None:
    rendered = payload(prompt_message(42, "What did you learn this week?"))
    assert rendered.view is not None
    ids = [item.custom_id for item in rendered.view.children]  # type: ignore[attr-defined]
    assert ids == ["pln.prompt.answer:42", "pln.prompt.skip:42", "pln.prompt.snooze:42"]
    assert rendered.view.timeout is None
    assert parse_custom_id(custom_id("pln.prompt.skip", "42")) == ("pln.prompt.skip", "42")


def test_the_answer_form_is_a_paragraph_modal_within_limits() -> None:
    form = answer_form(7).form
    assert form is not None
    view = modal(form)
    assert view.custom_id == "pln.form.answer:7"
    (text_input,) = view.children
    assert text_input.max_length == 4000  # type: ignore[attr-defined]


def test_zone_autocomplete_finds_cities_and_caps_at_25() -> None:
    assert "Europe/Berlin" in zone_matches("berl")
    assert zone_matches("new york")[0] == "America/New_York"
    assert len(zone_matches("a")) == 25


def test_missing_token_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is not set"):
        DiscordSettings().check()


def test_guild_ids_are_a_comma_separated_list() -> None:
    settings = DiscordSettings(pln_discord_guild_ids="1, 22,333")
    assert settings.guild_ids == (1, 22, 333)


def _file(name: str, size: int) -> Attachment:
    return Attachment(name, b"x" * size, "application/octet-stream")


def test_files_are_kept_in_order_within_ten_and_the_size_limit() -> None:
    files = [_file(f"{n}.bin", 10) for n in range(12)]
    chosen = select_files(files, max_bytes=1_000)
    assert [f.filename for f in chosen.kept] == [f"{n}.bin" for n in range(10)]
    assert [f.filename for f in chosen.left_out] == ["10.bin", "11.bin"]

    big_first = select_files(
        [_file("big.bin", 900), _file("a.bin", 200), _file("b.bin", 100)], 1_000
    )
    assert [f.filename for f in big_first.kept] == ["big.bin", "b.bin"]
    assert [f.filename for f in big_first.left_out] == ["a.bin"]


def test_notes_about_files_follow_the_content_within_2000_characters() -> None:
    note = left_out_note([_file("a.bin", 1)])
    assert note == "`a.bin` was left out: Discord takes at most 10 files and 25 MB in one message."
    combined = with_notes({"content": "word " * 1_000, "embed": None}, [note])
    assert len(combined["content"]) <= MAX_CONTENT and combined["content"].endswith(note)
    assert with_notes({"content": None}, [note]) == {"content": note}  # an embed reply
    assert with_notes({"content": "hi"}, []) == {"content": "hi"}
