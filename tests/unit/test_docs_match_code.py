"""The docs list what the code has: every setting and every command, nothing that is gone.

Settings are read from the settings classes themselves (their fields and aliases), and
commands from the core's registry (`command_specs()`) and the Discord group built from it,
so a setting or command added to the code without its line in the docs fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from discord import app_commands
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from bot.adapters.discord.commands import pln_group
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.slack.settings import SlackSettings
from bot.config import CONFIG_PATH_ENV, ENV_VAR_NAMES, Settings
from bot.core.commands import CommandSpec, command_specs
from bot.core.commands.grammar import help_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = ROOT / "config" / "pln-bot.example.env"
EXAMPLE_TOML = ROOT / "config" / "pln-bot.toml.example"
CODE_SPAN = re.compile(r"`([^`]+)`")


def _env_name(settings_class: type[BaseSettings], field: str) -> str:
    """The environment variable a field is read from: its upper-case alias, else the prefix
    and the field's name."""
    alias = settings_class.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        names = [choice for choice in alias.choices if isinstance(choice, str) and choice.isupper()]
        if names:
            return names[0]
    prefix = settings_class.model_config.get("env_prefix") or ""
    return f"{prefix}{field}".upper()


def _env_names(settings_class: type[BaseSettings]) -> list[str]:
    return [_env_name(settings_class, field) for field in settings_class.model_fields]


CORE = [*_env_names(Settings), CONFIG_PATH_ENV]
SLACK = _env_names(SlackSettings)
DISCORD = _env_names(DiscordSettings)
EVERY_SETTING = {*CORE, *SLACK, *DISCORD}


def _section(path: Path, title: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert f"\n## {title}\n" in text, f"{path.name} has no section {title!r}"
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _table_rows(text: str, header: str) -> list[list[str]]:
    """The rows of the first Markdown table whose header row starts with `header`, as
    cells (the `\\|` inside a cell kept)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def _first_column_names(path: Path, section: str, header: str) -> list[str]:
    rows = _table_rows(_section(path, section), header)
    return [name for row in rows for name in CODE_SPAN.findall(row[0])]


def test_the_settings_classes_name_their_variables_as_the_error_messages_do() -> None:
    assert sorted(ENV_VAR_NAMES.values()) == sorted(_env_names(Settings))


def test_every_setting_is_in_the_example_env_file_and_nothing_else_is() -> None:
    listed = re.findall(r"^# ([A-Z][A-Z0-9_]+)=", EXAMPLE_ENV.read_text(encoding="utf-8"), re.M)

    assert sorted(EVERY_SETTING - set(listed)) == []
    assert sorted(set(listed) - EVERY_SETTING) == []


def test_every_file_setting_is_in_the_example_toml_file_and_nothing_else_is() -> None:
    listed = re.findall(r"^# ([a-z_]+) = ", EXAMPLE_TOML.read_text(encoding="utf-8"), re.M)

    assert sorted(set(Settings.model_fields) ^ set(listed)) == []


@pytest.mark.parametrize(
    ("doc", "section", "expected"),
    [
        ("README.md", "Configuration", CORE),
        ("docs/SLACK.md", "Settings", SLACK),
        ("docs/DISCORD.md", "Settings", DISCORD),
    ],
)
def test_each_settings_table_lists_its_settings_and_no_others(
    doc: str, section: str, expected: list[str]
) -> None:
    listed = _first_column_names(ROOT / doc, section, "variable")

    assert sorted(listed) == sorted(expected)


def test_the_digest_settings_table_names_only_real_settings() -> None:
    listed = _first_column_names(ROOT / "docs/DIGEST.md", "Settings", "setting")
    settings = [name for name in listed if not name.startswith("/pln")]

    assert settings and set(settings) <= EVERY_SETTING
    assert {name for name in CORE if name.startswith("PLN_LLM_")} <= set(settings)


def _spec_named(text: str) -> CommandSpec | None:
    """The command a documented `/pln ...` means: the longest command its words start with."""
    words = tuple(text.removeprefix("/pln").split())
    matches = [spec for spec in command_specs() if words[: len(spec.words)] == spec.words]
    return max(matches, key=lambda spec: len(spec.words), default=None)


def _choices(spec: CommandSpec) -> list[str]:
    """The fixed words of its usage (`dm`, `channel` of `[dm|channel|show]`)."""
    found = re.findall(r"\[([^\]]*\|[^\]]*)\]", spec.usage)
    return [
        word for group in found for word in group.split("|") if word.isalpha() and word.islower()
    ]


def test_help_lists_every_command_and_moderator_commands_only_to_moderators() -> None:
    for_moderators = help_text(moderator=True)
    for_members = help_text(moderator=False)

    for spec in command_specs():
        assert f"`{spec.usage}`" in for_moderators
        assert (f"`{spec.usage}`" in for_members) is not spec.moderator_only


def test_the_readme_command_table_has_every_command_once_and_says_who_may_use_it() -> None:
    rows = _table_rows(_section(ROOT / "README.md", "Commands"), "command")
    documented: dict[str, str] = {}
    for command_cell, what in rows:
        for text in CODE_SPAN.findall(command_cell):
            spec = _spec_named(text)
            assert spec is not None, f"the README documents {text!r}, which is no command"
            assert spec.name not in documented, f"{spec.name!r} is in two rows"
            documented[spec.name] = command_cell.replace("\\|", "|") + " " + what

    assert sorted(documented) == sorted(spec.name for spec in command_specs())
    for spec in command_specs():
        row = documented[spec.name]
        assert ("moderators only" in row) is spec.moderator_only, spec.name
        assert [word for word in _choices(spec) if word not in row] == [], spec.name


class _Filled(str):
    """A value for any option: a word, or a channel with an id."""

    id = 1


class _Recorder:
    """Stands in for the Discord bridge: keeps the text each subcommand hands the core."""

    def __init__(self) -> None:
        self.typed: list[str] = []

    async def command(self, _interaction: object, text: str, files: object = ()) -> None:
        self.typed.append(text)


async def _discord_forms() -> dict[str, str]:
    """How a member types each core command on Discord (`/pln prompts term starts:`), found by
    calling every subcommand of the generated `/pln` group, each option in turn filled."""
    recorder = _Recorder()
    forms: dict[str, str] = {}

    async def typed(leaf: app_commands.Command[Any, ..., None], /, **values: str) -> str:
        required = {
            p.name: _Filled("1") for p in leaf.parameters if p.required and p.name not in values
        }
        callback: Any = leaf.callback  # built at run time with a signature of its options
        await callback(object(), **required, **values)
        spec = _spec_named(recorder.typed[-1])
        assert spec is not None
        return spec.name

    async def walk(
        command: app_commands.Command[Any, ..., None] | app_commands.Group, path: str
    ) -> None:
        path = f"{path} {command.name}".strip()
        if isinstance(command, app_commands.Group):
            for child in command.commands:
                await walk(child, path)
            return
        base = await typed(command)
        own: list[str] = []
        for parameter in command.parameters:
            name = await typed(command, **{parameter.name: _Filled("show")})
            if name == base:
                own.append(f"{parameter.display_name}:")
            else:  # a two-word command folded into this one as an option
                forms[name] = f"/{path} {parameter.display_name}:"
        forms[base] = " ".join([f"/{path}", *own])

    await walk(pln_group(recorder), "")
    return forms


async def test_the_discord_command_table_shows_where_each_command_is_on_discord() -> None:
    forms = await _discord_forms()
    rows = _table_rows(_section(ROOT / "docs/DISCORD.md", "Commands"), "command")
    documented = {}
    for command_cell, discord_cell in rows:
        (text,) = CODE_SPAN.findall(command_cell)
        spec = _spec_named(text)
        assert spec is not None and text == f"/pln {spec.name}", text
        documented[spec.name] = CODE_SPAN.findall(discord_cell)

    assert sorted(documented) == sorted(spec.name for spec in command_specs())
    assert {name: shown for name, shown in documented.items() if shown != [forms[name]]} == {}
