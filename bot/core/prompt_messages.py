"""How a prompt looks when it reaches a member, in platform-neutral form."""

from __future__ import annotations

from bot.core.messages import Button, ButtonStyle, OutgoingMessage, Section

ANSWER_ACTION = "pln.prompt.answer"
SKIP_ACTION = "pln.prompt.skip"
SNOOZE_ACTION = "pln.prompt.snooze"
POST_ANSWER_ACTION = "pln.post.answer"  # channel mode: answer the channel's post privately
ANSWER_FORM_ACTION = "pln.form.answer"


def prompt_message(
    delivery_id: int,
    question: str,
    *,
    framework: str | None = None,
    reminder: bool = False,
    revisit: bool = False,
    goal_buttons: tuple[Button, ...] = (),
    offer: str | None = None,
    offer_buttons: tuple[Button, ...] = (),
) -> OutgoingMessage:
    """One message carrying the whole question (never split) and its buttons.

    A reminder (after Snooze) is the same prompt under another heading, with the same
    delivery id, so answering it answers the week's prompt. A revisit ("Looking back") is
    answered by its button or a reply to it, never by a plain message, which belongs to
    the week's prompt; it has no Snooze.
    """
    context = f"From: {framework}" if framework else ""
    if revisit:
        heading = "Looking back"
    elif reminder:
        heading = "Reminder: this week's reflection"
    else:
        heading = "This week's reflection"
    how = (
        "Press Answer, or reply to this message, to answer it (a plain message goes to "
        "this week's prompt)."
        if revisit
        else "Reply here to answer, or press Answer."
    )
    buttons = [Button("Answer", ANSWER_ACTION, str(delivery_id), ButtonStyle.PRIMARY)]
    if goal_buttons:  # a revisit of a goal: what became of it, one button each
        buttons += goal_buttons
    elif offer_buttons:  # weeks without an answer: fewer prompts, a pause, or as before
        buttons += [*offer_buttons, Button("Skip this week", SKIP_ACTION, str(delivery_id))]
    elif revisit:
        buttons.append(Button("Skip", SKIP_ACTION, str(delivery_id)))
    else:
        buttons += [
            Button("Skip this week", SKIP_ACTION, str(delivery_id)),
            Button("Snooze 1 day", SNOOZE_ACTION, str(delivery_id)),
        ]
    return OutgoingMessage(
        kind="reminder" if reminder else "prompt",
        heading=heading,
        text=f"{heading}: {question}\n{how} Your answer is private to you."
        + (f"\n\n{offer}" if offer else ""),
        sections=(
            Section(body=question, heading=context or None),
            Section(body=f"{how} Your answer is private to you."),
            *((Section(body=offer),) if offer else ()),
        ),
        buttons=tuple(buttons),
        metadata={"delivery_id": str(delivery_id)},
    )


def channel_post_message(post_id: int, question: str) -> OutgoingMessage:
    """Channel mode: the week's prompt, posted once; each member answers it privately."""
    note = "Press Answer privately: only you will see what you write."
    return OutgoingMessage(
        kind="channel_post",
        heading="This week's reflection",
        text=f"This week's reflection: {question}\n{note}",
        sections=(Section(body=question), Section(body=note)),
        buttons=(
            Button("Answer privately", POST_ANSWER_ACTION, str(post_id), ButtonStyle.PRIMARY),
        ),
        private=False,
        metadata={"channel_post_id": str(post_id)},
    )
