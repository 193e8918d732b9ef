"""The community settings page: each setting shown by the chat command that shows it, and
changed by the chat command that changes it (so the rules, confirmations and the audit
log are the chat's)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from bot.core.actors import Actor
from bot.core.service import PlnCore
from bot.prompts.library import default_library
from bot.prompts.tracks import available_tracks
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
        "Track",
        "Where prompts come from: the tracks are described above.",
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
        "Member",
        "Moderators by the bot's settings or the platform's admin role stay moderators.",
    ),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}
MODERATOR_VERBS = ("add", "remove")
_USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class SettingView:
    setting: Setting
    current: tuple[PageReply, ...]


@cache
def track_ids() -> tuple[str, ...]:
    return tuple(track.id for track in available_tracks(default_library()))


def with_choices(setting: Setting) -> Setting:
    """The track is chosen from the library's tracks (read once, when first shown)."""
    return replace(setting, choices=track_ids()) if setting.key == "track" else setting


async def show(core: PlnCore, actor: Actor) -> tuple[SettingView, ...]:
    """Each setting with the chat's reply that shows it."""
    settings = [with_choices(setting) for setting in SETTINGS]
    return tuple([SettingView(s, await chat.run(core, actor, s.show)) for s in settings])


def change_text(key: str, value: str) -> str:
    """The chat command a setting's form stands for."""
    found = BY_KEY.get(key)
    setting = with_choices(found) if found is not None else None
    if setting is None or setting.change is None:
        raise PageInputError("That setting cannot be changed on this page.")
    words = " ".join(value.split())
    if not words:
        raise PageInputError(f"Fill in {setting.label.lower()}.")
    if setting.choices and words not in setting.choices:
        raise PageInputError(f"Choose one of: {', '.join(setting.choices)}.")
    return f"{setting.change} {words}"


def moderator_text(verb: str, platform: str, user_id: str) -> str:
    """`/pln moderators add|remove` naming the chosen member as chat would: a platform
    mention (`<@U123>`, which carries the id), or on the console the member's name."""
    if verb not in MODERATOR_VERBS or not _USER_ID.fullmatch(user_id):
        raise PageInputError("Choose a member, then Add or Remove.")
    named = f"@{user_id}" if platform == "console" else f"<@{user_id}>"
    return f"moderators {verb} {named}"
