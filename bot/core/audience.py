"""Whether a member is new to leading technology in a school or experienced.

Asked once, with buttons, right after joining; answering is optional. Rotation then leaves
out prompts tagged for the other kind of member (advice to a newcomer is not asked of a
newcomer). `/pln prompts for ...` changes it later.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Context
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, plain

AUDIENCE_ACTION = "pln.audience.choose"
# what a member chooses -> what is stored on member.audience
CHOICES = {"new": "new", "experienced": "experienced", "everyone": "any"}
WORDS = {
    "new": "new to the role",
    "experienced": "experienced in the role",
    "any": "prompts for everyone",
}


QUESTION = (
    "One optional question: are you new to leading technology in a school, or experienced? "
    "Some prompts suit one more than the other; `/pln prompts for` changes it any time."
)


def with_audience_question(welcome: OutgoingMessage) -> OutgoingMessage:
    """The welcome, asking the optional question with a button per answer; each button
    runs `/pln prompts for <choice>`. One message, so joining still gets one reply."""
    return replace(
        welcome,
        text=f"{welcome.text}\n{QUESTION}",
        buttons=(
            *welcome.buttons,
            Button("New to the role", AUDIENCE_ACTION, "new", ButtonStyle.PRIMARY),
            Button("Experienced", AUDIENCE_ACTION, "experienced"),
            Button("Rather not say", AUDIENCE_ACTION, "everyone"),
        ),
    )


def should_ask(member_audience: str | None) -> bool:
    """Asked once: until the member has chosen (or chosen not to say)."""
    return member_audience is None


async def choose_audience(ctx: Context, choice: str) -> list[OutgoingMessage]:
    member = ctx.require_member()
    if choice == "show":
        current = WORDS.get(member.audience or "any", WORDS["any"])
        return [
            plain(
                f"Your prompts are chosen for: {current}. Change it with `/pln prompts for "
                "new`, `/pln prompts for experienced` or `/pln prompts for everyone`."
            )
        ]
    member.audience = CHOICES[choice]
    if member.audience == "any":
        return [plain("Noted: you'll get prompts from the whole library, for every stage.")]
    return [
        plain(
            f"Noted: {WORDS[member.audience]}. Prompts meant for the other stage are left out; "
            "`/pln prompts for everyone` brings them back."
        )
    ]
