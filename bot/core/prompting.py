"""How a prompt looks when it reaches a member, in platform-neutral form."""

from __future__ import annotations

from bot.core.messages import Button, ButtonStyle, OutgoingMessage, Section

ANSWER_ACTION = "prompt.answer"
SKIP_ACTION = "prompt.skip"
ANSWER_FORM_ACTION = "prompt.answer.submit"


def prompt_message(
    delivery_id: int, question: str, *, framework: str | None = None
) -> OutgoingMessage:
    """One message carrying the whole question (never split) and its buttons."""
    context = f"From: {framework}" if framework else ""
    return OutgoingMessage(
        kind="prompt",
        heading="This week's reflection",
        text=(
            f"This week's reflection: {question}\n"
            "Reply here to answer. Your answer is private to you."
        ),
        sections=(Section(body=question, heading=context or None),),
        buttons=(
            Button("Answer", ANSWER_ACTION, str(delivery_id), ButtonStyle.PRIMARY),
            Button("Skip this week", SKIP_ACTION, str(delivery_id)),
        ),
        metadata={"delivery_id": str(delivery_id)},
    )
