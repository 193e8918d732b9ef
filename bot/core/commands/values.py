"""Converters for command arguments: each turns typed text into a value, or raises
ValueError with the friendly sentence a member sees ("Answer ids are the numbers ...")."""

from __future__ import annotations

import re


def channel_target(text: str) -> str:
    """`here`, or the channel id inside a Slack (`<#C123|name>`) or Discord (`<#123>`) mention."""
    cleaned = text.strip()
    if cleaned.casefold() == "here":
        return "here"
    match = re.fullmatch(r"<#([A-Za-z0-9]+)(?:\|[^>]*)?>", cleaned) or re.fullmatch(
        r"#([a-z0-9][a-z0-9_-]{0,79})", cleaned.casefold()
    )  # a plain `#name` is the console's (and Slack's when it did not escape the name)
    if match is None:
        raise ValueError(
            "Type `/pln channel here` in the channel you want, or pick it with #channel-name."
        )
    return match.group(1)


def track_name(text: str) -> str:
    name = text.strip().casefold()
    if not re.fullmatch(r"[a-z0-9-]{1,64}", name):
        raise ValueError("Track names are single words like `all`, `olf` or `school-year`.")
    return name


def community_prompt(text: str) -> tuple[str, str, str, str]:
    from bot.prompts.library import default_library, validate_community_prompt

    return validate_community_prompt(default_library(), text)


def prompt_id(text: str) -> str:
    cleaned = text.strip().casefold()
    if not re.fullmatch(r"c\d+-\d+", cleaned):
        raise ValueError("Community prompt ids look like `c1-2`: see `/pln prompts list`.")
    return cleaned


DIGEST_PERIODS = ("week", "month", "term", "year", "all")
MAX_DIGEST_WEEKS = 520


def digest_period(text: str) -> str:
    """`week`, `month`, `term`, `year`, `all`, or a number of weeks such as `6w` (1 to 520)."""
    cleaned = text.strip().casefold()
    if cleaned in DIGEST_PERIODS:
        return cleaned
    match = re.fullmatch(r"(\d{1,3})\s*(?:w|wk|wks|weeks?)", cleaned)
    if match and 1 <= int(match.group(1)) <= MAX_DIGEST_WEEKS:
        return f"{int(match.group(1))}w"
    raise ValueError(
        "`/pln digest` takes week, month, term, year, all or a number of weeks like `6w`."
    )


def digest_cadence(text: str) -> str:
    cleaned = text.strip().casefold()
    if cleaned not in ("monthly", "termly", "off"):
        raise ValueError("`/pln digest schedule` takes monthly, termly or off.")
    return cleaned


def answer_id(text: str) -> int:
    """An answer's short id as `/pln history` shows it: `#12` or `12`."""
    cleaned = text.strip().removeprefix("#")
    if not cleaned.isdecimal() or len(cleaned) > 12:
        raise ValueError("Answer ids are the numbers `/pln history` shows, like `#12`.")
    return int(cleaned)


def retention(text: str) -> tuple[str, bool]:
    """`off`, a number of days (1 to 36500), or a number of days then `confirm`: the setting
    and whether it is confirmed."""
    words = text.casefold().split()
    confirmed = len(words) == 2 and words[1] == "confirm" and words[0] != "off"
    if len(words) == 1 or confirmed:
        days = words[0]
        if days == "off" and not confirmed:
            return days, False
        if days.isdecimal() and len(days) <= 5 and 1 <= int(days) <= 36_500:
            return str(int(days)), confirmed
    raise ValueError("`/pln retention` takes a number of days (1 to 36500) or `off`.")


def retention_days(value: str) -> int | None:
    """A Confirm button's value as a number of days; None for anything ours never sends."""
    try:
        setting, _ = retention(value)
    except ValueError:
        return None
    return None if setting == "off" else int(setting)


def summaries(text: str) -> str:
    cleaned = text.strip().casefold()
    if cleaned not in ("local", "llm"):
        raise ValueError("`/pln summaries` takes local or llm.")
    return cleaned


def link_code(text: str) -> str:
    """A link code as `/pln link` gave it, any case, with or without its dash."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    if not re.fullmatch(r"[A-Z0-9]{8}", cleaned):
        raise ValueError("Link codes look like `ABCD-2345`: type `/pln link` to get one.")
    return cleaned
