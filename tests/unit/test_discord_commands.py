"""The Discord /pln group stays within Discord's limits and mirrors the core grammar."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.adapters.discord.client import pln_group
from bot.adapters.discord.commands import HOMES
from bot.core.commands import command_specs

MAX_SUBCOMMANDS = 25  # Discord's limit per group
MAX_COMMAND_CHARS = 8_000  # names, descriptions and values of a command and all its options


class _Tree:
    allowed_contexts = app_commands.AppCommandContext()
    allowed_installs = app_commands.AppInstallationType()


def _characters(payload: Any) -> int:
    if isinstance(payload, dict):
        return sum(
            len(str(value))
            if key in ("name", "description", "value") and not isinstance(value, (dict, list))
            else _characters(value)
            for key, value in payload.items()
        )
    if isinstance(payload, list):
        return sum(_characters(item) for item in payload)
    return 0


def test_the_group_is_within_discords_limits() -> None:
    group = pln_group(None)  # type: ignore[arg-type]
    assert len(group.commands) <= MAX_SUBCOMMANDS
    assert _characters(group.to_dict(_Tree())) <= MAX_COMMAND_CHARS  # type: ignore[arg-type]


def test_every_core_command_has_a_discord_subcommand() -> None:
    group = pln_group(None)  # type: ignore[arg-type]
    names = {command.qualified_name.removeprefix("pln ") for command in group.walk_commands()}
    # options of their family's command: `digest schedule` of digest, `term starts` of
    # (prompts) term, `holidays add` of (prompts) holidays, `moderators add` of (prompt)
    # moderators
    spec_names = {spec.name for spec in command_specs()}
    folded = {spec.name for spec in command_specs() if spec.words[0] in spec_names - {spec.name}}
    assert {"digest schedule", "term starts", "holidays import", "moderators add"} <= folded
    missing = [
        spec.name
        for spec in command_specs()
        if _discord_name(spec.name) not in names and spec.name not in folded
    ]
    assert missing == []


def _discord_name(name: str) -> str:
    """`term` lives in the prompts group on Discord (`/pln` is full)."""
    return f"{HOMES[name]} {name}" if name in HOMES else name


def _core_name(qualified: str) -> str:
    """`pln prompts term` -> `term`, `pln prompts add` -> `prompts add`."""
    name = qualified.removeprefix("pln ")
    group, _, last = name.partition(" ")
    return last if HOMES.get(last) == group else name


def test_the_group_is_generated_from_the_registry_with_each_commands_options() -> None:
    """Names, options and requiredness come from each spec's argument shape, so a command
    added to the core appears on Discord with its options without touching the adapter."""
    group = pln_group(None)  # type: ignore[arg-type]
    commands = {
        _core_name(command.qualified_name): command
        for command in group.walk_commands()
        if isinstance(command, app_commands.Command)
    }
    spec_names = {spec.name for spec in command_specs()}
    folded = {spec.name for spec in command_specs() if spec.words[0] in spec_names - {spec.name}}
    assert set(commands) == spec_names - folded
    for spec in command_specs():
        if spec.name in folded:
            assert len(spec.arguments.options) == 1
            parent = commands[spec.words[0]]
            assert spec.words[1] in {parameter.display_name for parameter in parent.parameters}
            continue
        command = commands[spec.name]
        expected = {(option.name, option.required) for option in spec.arguments.options}
        assert {(p.name, p.required) for p in command.parameters} >= expected
        assert len(command.description) <= 100
        for parameter in command.parameters:
            assert len(parameter.description) <= 100
            choices = [choice.value for choice in parameter.choices]
            by_name = {option.name: option for option in spec.arguments.options}
            if parameter.name in by_name and by_name[parameter.name].choices:
                assert choices == list(by_name[parameter.name].choices)
