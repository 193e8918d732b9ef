"""`/pln frameworks` describes every framework and element of the library in our words."""

from __future__ import annotations

from bot.core.commands import Frameworks, parse_command
from bot.core.frameworks import frameworks_reply
from bot.prompts.library import default_library


def test_the_command_parses() -> None:
    assert parse_command("frameworks") == Frameworks()


def test_every_framework_and_element_is_listed_with_its_description() -> None:
    library = default_library()
    reply = frameworks_reply(library)

    assert len(reply.sections) == len(library.frameworks)
    for file in library.frameworks:
        assert f"{file.framework.name}: {file.framework.description}" in reply.text
        for element in file.elements:
            assert f"{element.name} — {element.description}" in reply.text


def test_each_section_fits_a_chat_block() -> None:
    # Slack's section text limit is 3,000 characters; Discord's embed field is 1,024 but the
    # renderer splits longer bodies. Keep each framework readable on a phone.
    assert all(
        len(section.body) <= 3_000 for section in frameworks_reply(default_library()).sections
    )
