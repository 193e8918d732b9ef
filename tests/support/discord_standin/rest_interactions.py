"""REST: how the bot answers interactions, the one callback Discord allows, then
followups and edits or deletions of the original response and followups."""

from __future__ import annotations

import copy
import time

from tests.support.discord_standin.constants import (
    CALLBACK_AUTOCOMPLETE_RESULT,
    CALLBACK_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_UPDATE_MESSAGE,
    CALLBACK_MODAL,
    CALLBACK_PONG,
    CALLBACK_UPDATE_MESSAGE,
    CODE_ALREADY_ACKNOWLEDGED,
    CODE_INVALID_FORM_BODY,
    CODE_UNKNOWN_INTERACTION,
    CODE_UNKNOWN_MESSAGE,
    CODE_UNKNOWN_WEBHOOK,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    JsonDict,
)
from tests.support.discord_standin.model import _Answer, _Call, _Interaction
from tests.support.discord_standin.records import InteractionResponse
from tests.support.discord_standin.rest_messages import MessagesRest


class InteractionsRest(MessagesRest):
    """Handlers for the interaction callback and the interaction webhook."""

    interaction_deadline: float | None

    # -- REST: interaction callbacks and webhooks -----------------------------------------

    def _interaction_by_token(self, app_id: str, token: str) -> _Interaction | None:
        if app_id != self.application_id:
            return None
        return next((i for i in self._interactions.values() if i.token == token), None)

    async def _callback(self, call: _Call) -> _Answer:
        """POST /interactions/{id}/{token}/callback: the one initial response Discord allows."""
        interaction = self._interactions.get(call.params["interaction_id"])
        if interaction is None or interaction.token != call.params["token"]:
            return self._error(404, CODE_UNKNOWN_INTERACTION, "Unknown interaction")
        expired = (
            self.interaction_deadline is not None
            and time.monotonic() - interaction.created > self.interaction_deadline
        )
        if expired and interaction.callback_type is None:
            return self._error(404, CODE_UNKNOWN_INTERACTION, "Unknown interaction")
        if interaction.callback_type is not None:
            return self._error(
                400, CODE_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
            )
        body = call.json if isinstance(call.json, dict) else {}
        kind = int(body.get("type", 0))
        data: JsonDict = body.get("data") or {}
        if kind == CALLBACK_CHANNEL_MESSAGE:
            invalid = self._validate_message(data, call.files)
            if invalid is not None:
                return invalid
        if kind not in {
            CALLBACK_PONG,
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_UPDATE_MESSAGE,
            CALLBACK_UPDATE_MESSAGE,
            CALLBACK_AUTOCOMPLETE_RESULT,
            CALLBACK_MODAL,
        }:
            return self._error(400, CODE_INVALID_FORM_BODY, "Invalid Form Body")
        interaction.callback_type = kind
        message: JsonDict | None = None
        if kind == CALLBACK_CHANNEL_MESSAGE:
            message = self._bot_message(
                interaction.channel_id, data, call.files, interaction=interaction
            )
            self._store_message(message)
            await self._echo("MESSAGE_CREATE", message)
        elif kind == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | (int(data.get("flags") or 0) & FLAG_EPHEMERAL)
            message = self._bot_message(
                interaction.channel_id, {}, [], interaction=interaction, flags=flags
            )
            self._store_message(message)
        elif kind in {CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE}:
            if interaction.message_id is not None:
                message = self._messages.get(interaction.message_id)
            if message is not None and kind == CALLBACK_UPDATE_MESSAGE:
                self._apply_edit(message, data, call.files)
                await self._echo("MESSAGE_UPDATE", message)
        elif kind == CALLBACK_MODAL:
            components = self._number_components(data.get("components") or [])
            self._modals.append((interaction.id, {**copy.deepcopy(data), "components": components}))
        if message is not None:
            interaction.original_message_id = message["id"]
        interaction.responses.append(
            InteractionResponse(
                "callback", kind, copy.deepcopy(data), message["id"] if message else None
            )
        )
        if call.query.get("with_response") not in {"true", "True", "1"}:
            return _Answer(204)
        result: JsonDict = {"interaction": {"id": interaction.id, "type": interaction.type}}
        creates_message = kind in {
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_UPDATE_MESSAGE,
        }
        if message is not None and creates_message:
            flags = int(message.get("flags") or 0)
            result["interaction"].update(
                {
                    "response_message_id": message["id"],
                    "response_message_loading": bool(flags & FLAG_LOADING),
                    "response_message_ephemeral": bool(flags & FLAG_EPHEMERAL),
                }
            )
            result["resource"] = {"type": kind, "message": copy.deepcopy(message)}
        return _Answer(200, result)

    def _acknowledged(self, call: _Call) -> _Interaction | _Answer:
        interaction = self._interaction_by_token(call.params["app_id"], call.params["token"])
        if interaction is None or interaction.callback_type in {None, CALLBACK_MODAL}:
            # Discord only opens the interaction webhook once the interaction is acknowledged.
            return self._error(404, CODE_UNKNOWN_WEBHOOK, "Unknown Webhook")
        return interaction

    async def _followup(self, call: _Call) -> _Answer:
        interaction = self._acknowledged(call)
        if isinstance(interaction, _Answer):
            return interaction
        body = call.json if isinstance(call.json, dict) else {}
        invalid = self._validate_message(body, call.files)
        if invalid is not None:
            return invalid
        if interaction.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            original = self._messages.get(interaction.original_message_id or "")
            if original is not None and original["flags"] & FLAG_LOADING:
                # The first followup after a "thinking" defer fills in the loading message.
                self._apply_edit(original, body, call.files)
                original["edited_timestamp"] = None
                interaction.responses.append(
                    InteractionResponse(
                        "followup", None, copy.deepcopy(body), original["id"], list(call.files)
                    )
                )
                await self._echo("MESSAGE_CREATE", original)
                return self._maybe_wait(call, original)
        message = self._bot_message(
            interaction.channel_id, body, call.files, interaction=interaction
        )
        self._store_message(message)
        interaction.followup_ids.append(message["id"])
        interaction.responses.append(
            InteractionResponse(
                "followup", None, copy.deepcopy(body), message["id"], list(call.files)
            )
        )
        await self._echo("MESSAGE_CREATE", message)
        return self._maybe_wait(call, message)

    @staticmethod
    def _maybe_wait(call: _Call, message: JsonDict) -> _Answer:
        if call.query.get("wait") in {"true", "True", "1"}:
            return _Answer(200, copy.deepcopy(message))
        return _Answer(204)

    def _original(self, call: _Call) -> tuple[_Interaction, JsonDict] | _Answer:
        interaction = self._acknowledged(call)
        if isinstance(interaction, _Answer):
            return interaction
        message = self._messages.get(interaction.original_message_id or "")
        if message is None or message["id"] in self._deleted_messages:
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        return interaction, message

    async def _get_original(self, call: _Call) -> _Answer:
        found = self._original(call)
        return found if isinstance(found, _Answer) else _Answer(200, copy.deepcopy(found[1]))

    async def _edit_original(self, call: _Call) -> _Answer:
        found = self._original(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        body = call.json if isinstance(call.json, dict) else {}
        was_loading = bool(message["flags"] & FLAG_LOADING)
        self._apply_edit(message, body, call.files)
        interaction.responses.append(
            InteractionResponse("edit_original", None, copy.deepcopy(body), message["id"])
        )
        await self._echo("MESSAGE_CREATE" if was_loading else "MESSAGE_UPDATE", message)
        return _Answer(200, copy.deepcopy(message))

    async def _delete_original(self, call: _Call) -> _Answer:
        found = self._original(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        self._deleted_messages.add(message["id"])
        interaction.responses.append(
            InteractionResponse("delete_original", None, {}, message["id"])
        )
        await self._echo("MESSAGE_DELETE", message)
        return _Answer(204)

    def _followup_message(self, call: _Call) -> tuple[_Interaction, JsonDict] | _Answer:
        interaction = self._acknowledged(call)
        if isinstance(interaction, _Answer):
            return interaction
        message_id = call.params["message_id"]
        known = {*interaction.followup_ids, interaction.original_message_id}
        message = self._messages.get(message_id)
        if message_id not in known or message is None or message_id in self._deleted_messages:
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        return interaction, message

    async def _get_followup(self, call: _Call) -> _Answer:
        found = self._followup_message(call)
        return found if isinstance(found, _Answer) else _Answer(200, copy.deepcopy(found[1]))

    async def _edit_followup(self, call: _Call) -> _Answer:
        found = self._followup_message(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        body = call.json if isinstance(call.json, dict) else {}
        self._apply_edit(message, body, call.files)
        interaction.responses.append(
            InteractionResponse("edit_followup", None, copy.deepcopy(body), message["id"])
        )
        await self._echo("MESSAGE_UPDATE", message)
        return _Answer(200, copy.deepcopy(message))

    async def _delete_followup(self, call: _Call) -> _Answer:
        found = self._followup_message(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        self._deleted_messages.add(message["id"])
        interaction.responses.append(
            InteractionResponse("delete_followup", None, {}, message["id"])
        )
        await self._echo("MESSAGE_DELETE", message)
        return _Answer(204)
