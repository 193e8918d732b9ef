"""`/pln frameworks`: where the prompts come from, each framework and element described."""

from __future__ import annotations

from bot.core.messages import OutgoingMessage, Section
from bot.prompts.library import Library


def frameworks_reply(library: Library) -> OutgoingMessage:
    """Every framework with its elements and their one-line descriptions."""
    sections = []
    lines = ["The prompts come from these leadership frameworks:"]
    for file in library.frameworks:
        info = file.framework
        element_lines = [f"• {element.name} — {element.description}" for element in file.elements]
        lines += ["", f"{info.name}: {info.description}", *element_lines]
        sections.append(
            Section(heading=info.name, body=info.description + "\n" + "\n".join(element_lines))
        )
    lines += ["", "Your digest shows which of these elements you have reflected on."]
    return OutgoingMessage(
        text="\n".join(lines), heading="Leadership frameworks", sections=tuple(sections)
    )
