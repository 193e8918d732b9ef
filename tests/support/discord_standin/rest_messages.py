"""REST: channels and messages the bot posts, edits and deletes, with Discord's checks,
attachments, nonces, echoes to the gateway, typing and reactions."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable

from tests.support.discord_standin.constants import (
    CODE_CANNOT_EDIT_OTHERS_MESSAGE,
    CODE_EMPTY_MESSAGE,
    CODE_INVALID_FORM_BODY,
    CODE_REQUEST_TOO_LARGE,
    CODE_UNKNOWN_CHANNEL,
    CODE_UNKNOWN_MESSAGE,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    INTERACTION_APPLICATION_COMMAND,
    MAX_ATTACHMENTS,
    MAX_REQUEST_BYTES,
    MESSAGE_TYPE_CHAT_INPUT_COMMAND,
    MESSAGE_TYPE_DEFAULT,
    JsonDict,
)
from tests.support.discord_standin.gateway import Gateway
from tests.support.discord_standin.model import _Answer, _Call, _Interaction, _now_iso
from tests.support.discord_standin.records import RecordedFile
from tests.support.discord_standin.rest import Rest


class MessagesRest(Rest, Gateway):
    """Handlers for channel messages, and the message building that interactions share."""

    echo_bot_messages: bool
    reactions: list[tuple[str, str, str]]
    _nonces: dict[tuple[str, str], str]
    _dm_failures: dict[str, tuple[int, int, str, int | None]]
    _accept_then_fail: int
    _component_ids: itertools.count[int]

    # -- REST: channels and messages -------------------------------------------------------

    async def _get_channel(self, call: _Call) -> _Answer:
        channel = self._channels.get(call.params["channel_id"])
        if channel is None:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        return _Answer(200, copy.deepcopy(channel))

    async def _list_messages(self, call: _Call) -> _Answer:
        channel_id = call.params["channel_id"]
        if channel_id not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        limit = int(call.query.get("limit", "50"))
        messages = self.channel_messages(channel_id)
        if "before" in call.query:
            messages = [m for m in messages if int(m["id"]) < int(call.query["before"])]
        if "after" in call.query:
            messages = [m for m in messages if int(m["id"]) > int(call.query["after"])]
        return _Answer(200, list(reversed(messages))[:limit])

    def _validate_message(self, body: JsonDict, files: list[RecordedFile]) -> _Answer | None:
        """Discord's limits that a bot realistically hits: length, embeds, components."""
        errors: JsonDict = {}
        content = body.get("content")
        if isinstance(content, str) and len(content) > 2000:
            errors["content"] = {
                "_errors": [
                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
                ]
            }
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            errors["embeds"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        for index, embed in enumerate(embeds):
            if len(embed.get("title") or "") > 256 or len(embed.get("description") or "") > 4096:
                errors.setdefault("embeds", {})[str(index)] = {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]
                }
        rows = body.get("components") or []
        is_v2 = bool(int(body.get("flags") or 0) & (1 << 15))
        if not is_v2 and len(rows) > 5:
            errors["components"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        for component in self._walk_components(rows):
            if (
                len(component.get("custom_id") or "") > 100
                or len(component.get("label") or "") > 80
            ):
                errors["components"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        if len(files) > MAX_ATTACHMENTS:
            errors["attachments"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        if errors:
            return self._error(400, CODE_INVALID_FORM_BODY, "Invalid Form Body", errors)
        if sum(len(file.data) for file in files) > MAX_REQUEST_BYTES:
            return self._error(413, CODE_REQUEST_TOO_LARGE, "Request entity too large")
        empty = not content and not embeds and not rows and not files
        if empty and not body.get("poll") and not body.get("sticker_ids"):
            return self._error(400, CODE_EMPTY_MESSAGE, "Cannot send an empty message")
        return None

    @staticmethod
    def _walk_components(components: Iterable[JsonDict]) -> Iterable[JsonDict]:
        for component in components:
            yield component
            yield from MessagesRest._walk_components(component.get("components") or [])
            if isinstance(component.get("component"), dict):
                yield from MessagesRest._walk_components([component["component"]])
            if isinstance(component.get("accessory"), dict):
                yield component["accessory"]

    def _number_components(self, components: list[JsonDict]) -> list[JsonDict]:
        """Discord gives every component a numeric `id` when the sender left it out."""
        numbered = copy.deepcopy(components)
        for component in self._walk_components(numbered):
            component.setdefault("id", next(self._component_ids))
        return numbered

    def _bot_message(
        self,
        channel_id: str,
        body: JsonDict,
        files: list[RecordedFile],
        *,
        interaction: _Interaction | None = None,
        flags: int = 0,
    ) -> JsonDict:
        """A message authored by the bot, as Discord returns and stores it."""
        channel = self._channels.get(channel_id, {})
        key = self._ids.next()
        attachments = self._store_attachments(body, files)
        embeds = body.get("embeds")
        if embeds is None and body.get("embed") is not None:
            embeds = [body["embed"]]
        message: JsonDict = {
            "id": key,
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": self._mentions(body.get("content") or "", channel.get("guild_id")),
            "mention_roles": [],
            "attachments": attachments,
            "embeds": embeds or [],
            "pinned": False,
            "type": MESSAGE_TYPE_DEFAULT,
            "flags": int(body.get("flags") or 0) | flags,
            "components": self._number_components(body.get("components") or []),
        }
        if channel.get("guild_id") is not None:
            message["guild_id"] = channel["guild_id"]
        for key_name in ("nonce", "message_reference", "poll"):
            if body.get(key_name) is not None:
                message[key_name] = body[key_name]
        if interaction is not None:
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
            if interaction.type == INTERACTION_APPLICATION_COMMAND:
                message["type"] = MESSAGE_TYPE_CHAT_INPUT_COMMAND
            message["interaction_metadata"] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": self.user(interaction.user_id),
                "authorizing_integration_owners": {"0": interaction.guild_id or "0"},
            }
        return message

    def _store_attachments(self, body: JsonDict, files: list[RecordedFile]) -> list[JsonDict]:
        """Attachment objects for uploaded files, with the description payload_json gave them
        (discord.py lists each file as {"id": n, "description": ...} under "attachments")."""
        described = {
            str(item.get("id")): item.get("description")
            for item in body.get("attachments") or []
            if isinstance(item, dict)
        }
        attachments = []
        for index, file in enumerate(files):
            attachment_id = self._ids.next()
            self._attachments[attachment_id] = file.data
            url = f"{self.base_url}/attachments/{attachment_id}/{file.filename or 'file'}"
            attachment: JsonDict = {
                "id": attachment_id,
                "filename": file.filename or "file",
                "size": len(file.data),
                "url": url,
                "proxy_url": url,
                "content_type": file.content_type,
            }
            if described.get(str(index)):
                attachment["description"] = described[str(index)]
            attachments.append(attachment)
        return attachments

    async def _echo(self, event: str, message: JsonDict) -> None:
        """Tell the bot about its own message, as Discord does (never for ephemeral ones)."""
        if not self.echo_bot_messages or self._session is None:
            return
        if int(message.get("flags") or 0) & FLAG_EPHEMERAL:
            return
        if event == "MESSAGE_DELETE":
            data = {"id": message["id"], "channel_id": message["channel_id"]}
            if message.get("guild_id"):
                data["guild_id"] = message["guild_id"]
            await self.dispatch(event, data)
        else:
            await self.dispatch(event, copy.deepcopy(message))

    def _dm_failure(self, channel_id: str) -> _Answer | None:
        if not self._dm_failures:
            return None  # the usual case, without a scan of every DM channel
        recipient = next((u for u, c in self._dm_by_user.items() if c == channel_id), None)
        if recipient is None or recipient not in self._dm_failures:
            return None
        code, status, message, times = self._dm_failures[recipient]
        if times is not None:
            if times <= 1:
                del self._dm_failures[recipient]
            else:
                self._dm_failures[recipient] = (code, status, message, times - 1)
        return self._error(status, code, message)

    async def _post_message(self, call: _Call) -> _Answer:
        channel_id = call.params["channel_id"]
        if channel_id not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        refused = self._dm_failure(channel_id)
        if refused is not None:
            return refused
        body = call.json if isinstance(call.json, dict) else {}
        invalid = self._validate_message(body, call.files)
        if invalid is not None:
            return invalid
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            earlier = self._nonces.get((channel_id, str(nonce)))
            if earlier is not None:
                return _Answer(200, copy.deepcopy(self._messages[earlier]))
        message = self._bot_message(channel_id, body, call.files)
        if nonce is not None:
            self._nonces[(channel_id, str(nonce))] = message["id"]
        self._store_message(message)
        await self._echo("MESSAGE_CREATE", message)
        if self._accept_then_fail > 0:
            self._accept_then_fail -= 1
            return self._error(500, 0, "500: Internal Server Error")
        return _Answer(200, copy.deepcopy(message))

    def _channel_message(self, call: _Call) -> JsonDict | _Answer:
        if call.params["channel_id"] not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        message = self._messages.get(call.params["message_id"])
        if (
            message is None
            or message["channel_id"] != call.params["channel_id"]
            or message["id"] in self._deleted_messages
        ):
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        return message

    async def _get_message(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        return message if isinstance(message, _Answer) else _Answer(200, copy.deepcopy(message))

    def _apply_edit(self, message: JsonDict, body: JsonDict, files: list[RecordedFile]) -> None:
        if "content" in body:
            message["content"] = body["content"] or ""
            message["mentions"] = self._mentions(message["content"], message.get("guild_id"))
        if "embeds" in body:
            message["embeds"] = body["embeds"] or []
        if "components" in body:
            message["components"] = self._number_components(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            message["flags"] = int(body["flags"]) | (message["flags"] & FLAG_EPHEMERAL)
        if "attachments" in body and not files:
            kept = {str(a.get("id")) for a in body["attachments"] or []}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in kept]
        elif files:  # new uploads join the attachments the message already had
            message["attachments"] = [
                *message["attachments"],
                *self._store_attachments(body, files),
            ]
        message["flags"] = int(message.get("flags") or 0) & ~FLAG_LOADING
        message["edited_timestamp"] = _now_iso()

    async def _edit_message(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        if message["author"]["id"] != self.bot_user_id:
            return self._error(
                403,
                CODE_CANNOT_EDIT_OTHERS_MESSAGE,
                "Cannot edit a message authored by another user",
            )
        self._apply_edit(message, call.json if isinstance(call.json, dict) else {}, call.files)
        await self._echo("MESSAGE_UPDATE", message)
        return _Answer(200, copy.deepcopy(message))

    async def _delete_message(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        self._deleted_messages.add(message["id"])
        await self._echo("MESSAGE_DELETE", message)
        return _Answer(204)

    async def _typing(self, call: _Call) -> _Answer:
        if call.params["channel_id"] not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        return _Answer(204)

    async def _add_reaction(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        self.reactions.append((message["channel_id"], message["id"], call.params["emoji"]))
        return _Answer(204)

    async def _remove_reaction(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        entry = (message["channel_id"], message["id"], call.params["emoji"])
        if entry in self.reactions:
            self.reactions.remove(entry)
        return _Answer(204)
