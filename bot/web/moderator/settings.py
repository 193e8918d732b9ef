"""The community settings page: each setting shown by the chat command that shows it, and
changed by the chat command that changes it (so the rules, confirmations and the audit
log are the chat's)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.actors import Actor
from bot.core.service import PlnCore
from bot.web.moderator import chat
from bot.web.moderator.chat import PageInputError, PageReply


@dataclass(frozen=True)
class Setting:
    key: str  # the form's `setting` value
    title: str
    show: str  # the command whose reply says the current value
    change: str | None  # the command the new value is appended to; None: chat only
    label: str
    hint: str
    choices: tuple[str, ...] = ()  # a select instead of a text field
    input_type: str = "text"


SETTINGS = (
    Setting(
        "track",
        "Track",
        "track",
        "track",
        "Track id",
        "Where prompts come from, e.g. school-year or all.",
    ),
    Setting(
        "term",
        "School year",
        "term",
        "term starts",
        "First day of the school year",
        "It repeats each year.",
        input_type="date",
    ),
    Setting(
        "channel",
        "PLN channel",
        "channel",
        "channel",
        "Channel",
        "Its #name or id, e.g. #pln.",
    ),
    Setting(
        "mode",
        "Delivery",
        "mode",
        "mode",
        "How prompts reach members",
        "dm: each member privately; channel: one post in the PLN channel.",
        choices=("dm", "channel"),
    ),
    Setting(
        "retention",
        "Retention",
        "retention",
        "retention",
        "Days to keep answers, or off",
        "A number of days shows what it would delete and asks you to confirm.",
    ),
    Setting(
        "moderators",
        "Moderators",
        "moderators",
        None,
        "",
        "Add or remove one in chat with /pln moderators add @member (the platform's "
        "mention gives their id).",
    ),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}


@dataclass(frozen=True)
class SettingView:
    setting: Setting
    current: tuple[PageReply, ...]


async def show(core: PlnCore, actor: Actor) -> tuple[SettingView, ...]:
    """Each setting with the chat's reply that shows it."""
    return tuple([SettingView(s, await chat.run(core, actor, s.show)) for s in SETTINGS])


def change_text(key: str, value: str) -> str:
    """The chat command a setting's form stands for."""
    setting = BY_KEY.get(key)
    if setting is None or setting.change is None:
        raise PageInputError("That setting cannot be changed on this page.")
    words = " ".join(value.split())
    if not words:
        raise PageInputError(f"Fill in {setting.label.lower()}.")
    if setting.choices and words not in setting.choices:
        raise PageInputError(f"Choose one of: {', '.join(setting.choices)}.")
    return f"{setting.change} {words}"
