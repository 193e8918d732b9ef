"""REST: application commands, global and per guild, as CommandTree.sync uses them."""

from __future__ import annotations

import copy

from tests.support.discord_standin.constants import (
    CODE_INVALID_FORM_BODY,
    CODE_MISSING_ACCESS,
    CODE_UNKNOWN_APPLICATION_COMMAND,
    JsonDict,
)
from tests.support.discord_standin.model import _Answer, _Call
from tests.support.discord_standin.rest import Rest


class CommandsRest(Rest):
    """Handlers that store, list, edit and delete application commands."""

    application_id: str

    # -- REST: application commands --------------------------------------------------------

    def _commands_for(self, call: _Call) -> list[JsonDict] | _Answer:
        if call.params["app_id"] != self.application_id:
            return self._error(403, CODE_MISSING_ACCESS, "Missing Access")
        guild_id = call.params.get("guild_id")
        if guild_id is None:
            return self._global_commands
        if guild_id not in self._guilds:
            return self._error(403, CODE_MISSING_ACCESS, "Missing Access")
        return self._guild_commands.setdefault(guild_id, [])

    def _stored_command(
        self, body: JsonDict, guild_id: str | None, existing: list[JsonDict]
    ) -> JsonDict:
        """A command as Discord echoes it: same id when name and type already exist."""
        kind = body.get("type", 1)
        old = next((c for c in existing if c["name"] == body["name"] and c["type"] == kind), None)
        stored: JsonDict = {
            "id": old["id"] if old else self._ids.next(),
            "application_id": self.application_id,
            "version": self._ids.next(),
            "type": kind,
            "name": body["name"],
            "description": body.get("description", ""),
            "options": body.get("options", []),
            "default_member_permissions": body.get("default_member_permissions"),
            "nsfw": body.get("nsfw", False),
        }
        for key in (
            "contexts",
            "integration_types",
            "dm_permission",
            "name_localizations",
            "description_localizations",
        ):
            if key in body:
                stored[key] = body[key]
        if guild_id is not None:
            stored["guild_id"] = guild_id
        return stored

    async def _list_commands(self, call: _Call) -> _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        return _Answer(200, copy.deepcopy(commands))

    async def _put_commands(self, call: _Call) -> _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        if not isinstance(call.json, list):
            return self._error(400, CODE_INVALID_FORM_BODY, "Invalid Form Body")
        guild_id = call.params.get("guild_id")
        replaced = [self._stored_command(body, guild_id, commands) for body in call.json]
        commands[:] = replaced
        return _Answer(200, copy.deepcopy(replaced))

    async def _upsert_command(self, call: _Call) -> _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        stored = self._stored_command(call.json or {}, call.params.get("guild_id"), commands)
        commands[:] = [c for c in commands if c["id"] != stored["id"]] + [stored]
        return _Answer(201, copy.deepcopy(stored))

    def _find_command(self, call: _Call) -> tuple[list[JsonDict], JsonDict] | _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        found = next((c for c in commands if c["id"] == call.params["command_id"]), None)
        if found is None:
            return self._error(404, CODE_UNKNOWN_APPLICATION_COMMAND, "Unknown application command")
        return commands, found

    async def _get_command(self, call: _Call) -> _Answer:
        found = self._find_command(call)
        return found if isinstance(found, _Answer) else _Answer(200, copy.deepcopy(found[1]))

    async def _edit_command(self, call: _Call) -> _Answer:
        found = self._find_command(call)
        if isinstance(found, _Answer):
            return found
        found[1].update(call.json or {})
        found[1]["version"] = self._ids.next()
        return _Answer(200, copy.deepcopy(found[1]))

    async def _del_command(self, call: _Call) -> _Answer:
        found = self._find_command(call)
        if isinstance(found, _Answer):
            return found
        found[0].remove(found[1])
        return _Answer(204)

    async def _command_permissions(self, call: _Call) -> _Answer:
        return _Answer(200, [])
