"""Interactions members start: slash commands, autocomplete, button presses and modal
submissions, built the way Discord sends them and dispatched as INTERACTION_CREATE."""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.support.discord_standin.constants import (
    ALL_PERMISSIONS,
    ATTACHMENT_SIZE_LIMIT,
    INTERACTION_APPLICATION_COMMAND,
    INTERACTION_AUTOCOMPLETE,
    INTERACTION_MESSAGE_COMPONENT,
    INTERACTION_MODAL_SUBMIT,
    JsonDict,
    Snowflake,
)
from tests.support.discord_standin.model import _Interaction
from tests.support.discord_standin.rest_messages import MessagesRest


class Interactions(MessagesRest):
    """Test-side builders that dispatch interactions, and the payloads they carry."""

    # -- gateway: builders that dispatch what members do ------------------------------------

    async def slash_command_interaction(
        self,
        guild_id: Snowflake | None,
        user_id: Snowflake,
        name: str = "pln",
        subcommand: str | Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
        *,
        permissions: str | int | None = None,
        channel_id: Snowflake | None = None,
        locale: str = "en-US",
    ) -> str:
        """Dispatch `/name [group] [subcommand] option:value...` and return the interaction id.

        `subcommand` is "help" or "group sub" (or a sequence). Option types come from the
        synced command definition when there is one (else from the Python value).
        `permissions` defaults to the member's (all bits for the guild owner, "0" otherwise);
        pass 0x20 for Manage Guild. guild_id None: invoked in the bot's DM.
        """
        _command, data = self._command_data(guild_id, name, subcommand, options or {}, None)
        return await self._send_interaction(
            INTERACTION_APPLICATION_COMMAND,
            data,
            user_id=str(user_id),
            guild_id=None if guild_id is None else str(guild_id),
            channel_id=None if channel_id is None else str(channel_id),
            permissions=permissions,
            locale=locale,
        )

    async def autocomplete_interaction(
        self,
        guild_id: Snowflake | None,
        user_id: Snowflake,
        name: str = "pln",
        subcommand: str | Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        channel_id: Snowflake | None = None,
    ) -> str:
        """Dispatch an autocomplete request while the member types option `focused`."""
        _command, data = self._command_data(guild_id, name, subcommand, options or {}, focused)
        return await self._send_interaction(
            INTERACTION_AUTOCOMPLETE,
            data,
            user_id=str(user_id),
            guild_id=None if guild_id is None else str(guild_id),
            channel_id=None if channel_id is None else str(channel_id),
        )

    async def component_interaction(
        self,
        user_id: Snowflake,
        custom_id: str,
        message_id: Snowflake,
        channel_id: Snowflake | None = None,
        guild_id: Snowflake | None = None,
        *,
        component_type: int = 2,
        values: Sequence[str] | None = None,
    ) -> str:
        """Dispatch a button press (or select, with component_type 3 and `values`).

        The message must be one the stand-in knows (the bot sent it); its stored payload is
        included as Discord does, so discord.py finds the view by message id. In a DM there
        is no guild_id and the presser comes as `user`, not `member`.
        """
        message = self._messages.get(str(message_id))
        if message is None:
            raise LookupError(f"message {message_id} was never sent through the stand-in")
        data: JsonDict = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        guild = guild_id if guild_id is not None else message.get("guild_id")
        return await self._send_interaction(
            INTERACTION_MESSAGE_COMPONENT,
            data,
            user_id=str(user_id),
            guild_id=None if guild is None else str(guild),
            channel_id=str(channel_id) if channel_id is not None else message["channel_id"],
            message=copy.deepcopy(message),
        )

    async def modal_submit_interaction(
        self,
        user_id: Snowflake,
        custom_id: str,
        values: Mapping[str, str | Sequence[str]],
        *,
        guild_id: Snowflake | None = None,
        channel_id: Snowflake | None = None,
        message_id: Snowflake | None = None,
    ) -> str:
        """Dispatch the submission of a modal the bot showed, `values` by field custom_id.

        The submitted components mirror the recorded modal's layout (action rows or labels)
        and the guild/channel/message of the interaction that opened it are reused.
        """
        opened = next((m for m in reversed(self._modals) if m[1]["custom_id"] == custom_id), None)
        origin = self._interactions[opened[0]] if opened is not None else None
        if opened is not None:
            known = set(self._modal_field_ids(opened[1].get("components", [])))
            unknown = set(values) - known
            if unknown:
                raise KeyError(f"modal {custom_id!r} has no fields {sorted(unknown)}")
            components = [self._submitted(c, values) for c in opened[1].get("components", [])]
            components = [c for c in components if c is not None]
        else:
            components = [
                {"type": 1, "components": [self._submitted_field(4, cid, values)]} for cid in values
            ]
        guild = guild_id if guild_id is not None else (origin.guild_id if origin else None)
        channel = channel_id if channel_id is not None else (origin.channel_id if origin else None)
        message_key = (
            message_id if message_id is not None else (origin.message_id if origin else None)
        )
        message = self._messages.get(str(message_key)) if message_key is not None else None
        return await self._send_interaction(
            INTERACTION_MODAL_SUBMIT,
            {"custom_id": custom_id, "components": components},
            user_id=str(user_id),
            guild_id=None if guild is None else str(guild),
            channel_id=None if channel is None else str(channel),
            message=copy.deepcopy(message) if message is not None else None,
        )

    # -- gateway: interaction payloads -----------------------------------------------------

    def _command_data(
        self,
        guild_id: Snowflake | None,
        name: str,
        subcommand: str | Sequence[str] | None,
        options: Mapping[str, Any],
        focused: str | None,
    ) -> tuple[JsonDict | None, JsonDict]:
        """The `data` of a chat-input interaction, typed from the synced definition."""
        guild_key = None if guild_id is None else str(guild_id)
        command = None
        if guild_key is not None:
            command = next(
                (c for c in self._guild_commands.get(guild_key, []) if c["name"] == name), None
            )
        if command is None:
            command = next((c for c in self._global_commands if c["name"] == name), None)
        path = subcommand.split() if isinstance(subcommand, str) else list(subcommand or [])
        schema: list[JsonDict] = command.get("options", []) if command else []
        for part in path:
            found = next((o for o in schema if o.get("name") == part), None)
            schema = found.get("options", []) if found else []
        resolved: JsonDict = {}
        leaf = [
            self._option(key, value, schema, resolved, guild_key, key == focused)
            for key, value in options.items()
        ]
        nested = leaf
        for depth, part in reversed(list(enumerate(path))):
            kind = 2 if depth == 0 and len(path) == 2 else 1
            nested = [{"name": part, "type": kind, "options": nested}]
        data: JsonDict = {
            "id": command["id"] if command else self._ids.next(),
            "name": name,
            "type": 1,
            "options": nested,
        }
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return command, data

    def _option(
        self,
        name: str,
        value: Any,
        schema: list[JsonDict],
        resolved: JsonDict,
        guild_id: str | None,
        focused: bool,
    ) -> JsonDict:
        declared = next((o for o in schema if o.get("name") == name), None)
        if declared is not None:
            kind = int(declared["type"])
        elif isinstance(value, bool):
            kind = 5
        elif isinstance(value, int):
            kind = 4
        elif isinstance(value, float):
            kind = 10
        else:
            kind = 3
        option: JsonDict = {"name": name, "type": kind, "value": value}
        if kind in {6, 9} and not focused:  # USER (or MENTIONABLE naming a user)
            user_id = str(value)
            option["value"] = user_id
            resolved.setdefault("users", {})[user_id] = self.user(user_id)
            if guild_id is not None and user_id in self._guild(guild_id).member_ids:
                member = self._member_payload(guild_id, user_id, with_user=False)
                member["permissions"] = str(self._member_permissions(guild_id, user_id))
                resolved.setdefault("members", {})[user_id] = member
        elif kind == 7 and not focused:  # CHANNEL
            channel_id = str(value)
            option["value"] = channel_id
            channel = copy.deepcopy(self._channels.get(channel_id, {"id": channel_id, "type": 0}))
            channel["permissions"] = str(ALL_PERMISSIONS)
            resolved.setdefault("channels", {})[channel_id] = channel
        elif kind == 11 and not focused:  # ATTACHMENT: value is (filename, bytes)
            filename, content = value
            attachment_id = self._ids.next()
            self._attachments[attachment_id] = content
            url = f"{self.base_url}/attachments/{attachment_id}/{filename}"
            option["value"] = attachment_id
            resolved.setdefault("attachments", {})[attachment_id] = {
                "id": attachment_id,
                "filename": filename,
                "size": len(content),
                "url": url,
                "proxy_url": url,
                "content_type": "text/calendar",
            }
        if focused:
            option["focused"] = True
            option["value"] = str(value)
        return option

    async def _send_interaction(
        self,
        kind: int,
        data: JsonDict,
        *,
        user_id: str,
        guild_id: str | None,
        channel_id: str | None,
        message: JsonDict | None = None,
        permissions: str | int | None = None,
        locale: str = "en-US",
    ) -> str:
        """Store and dispatch INTERACTION_CREATE; guild ones carry `member`, DM ones `user`."""
        interaction_id = self._ids.next()
        token = f"interaction-token-{interaction_id}-{secrets.token_hex(8)}"
        if guild_id is not None:
            channel_key = channel_id or self.default_channel_id(guild_id)
        else:
            channel_key = channel_id or self.dm_channel_id(user_id)
        payload: JsonDict = {
            "id": interaction_id,
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": channel_key,
            "channel": copy.deepcopy(self._channels.get(channel_key, {"id": channel_key})),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "authorizing_integration_owners": {"0": guild_id or "0"},
        }
        if guild_id is not None:
            self._guild(guild_id)
            member = self._member_payload(guild_id, user_id)
            if permissions is None:
                permissions = self._member_permissions(guild_id, user_id)
            member["permissions"] = str(permissions)
            payload.update(
                {
                    "guild_id": guild_id,
                    "guild": {"id": guild_id, "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "member": member,
                    "app_permissions": str(ALL_PERMISSIONS),
                    "context": 0,
                }
            )
        else:
            payload.update(
                {"user": self.user(user_id), "app_permissions": str(ALL_PERMISSIONS), "context": 1}
            )
        if message is not None:
            payload["message"] = message
        self._interactions[interaction_id] = _Interaction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=copy.deepcopy(payload),
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_key,
            message_id=message["id"] if message is not None else None,
            created=time.monotonic(),
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    def _modal_field_ids(self, components: Iterable[JsonDict]) -> list[str]:
        return [c["custom_id"] for c in self._walk_components(components) if "custom_id" in c]

    @staticmethod
    def _submitted_field(kind: int, custom_id: str, values: Mapping[str, Any]) -> JsonDict:
        value = values.get(custom_id)
        if kind == 4:
            return {"type": 4, "custom_id": custom_id, "value": "" if value is None else value}
        chosen = [] if value is None else [value] if isinstance(value, str) else list(value)
        return {"type": kind, "custom_id": custom_id, "values": chosen}

    def _submitted(self, component: JsonDict, values: Mapping[str, Any]) -> JsonDict | None:
        """What Discord sends back for one modal component: same layout, with the answers."""
        kind = component.get("type")
        if kind == 1:
            children = [self._submitted(c, values) for c in component.get("components", [])]
            return {"type": 1, "components": [c for c in children if c is not None]}
        if kind == 18:
            inner = self._submitted(component["component"], values)
            return {"type": 18, "id": component.get("id"), "component": inner}
        if kind == 10:
            return {"type": 10, "id": component.get("id")}
        if "custom_id" in component and isinstance(kind, int):
            submitted = self._submitted_field(kind, component["custom_id"], values)
            if "id" in component:
                submitted["id"] = component["id"]
            return submitted
        return None
