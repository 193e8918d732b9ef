"""What the bot did, for tests to read, and waiting until it has done it."""

from __future__ import annotations

import asyncio
import copy
import re
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from tests.support.discord_standin.constants import JsonDict, Snowflake
from tests.support.discord_standin.model import _Interaction
from tests.support.discord_standin.records import InteractionResponse, RecordedRequest
from tests.support.discord_standin.state import DiscordState

T = TypeVar("T")


class Observation(DiscordState):
    """Reads of the recorded calls and stored state; waits that wake on every change."""

    calls: list[RecordedRequest]
    _deleted_messages: set[str]
    _attachments: dict[str, bytes]
    _global_commands: list[JsonDict]
    _guild_commands: dict[str, list[JsonDict]]
    _interactions: dict[str, _Interaction]
    _modals: list[tuple[str, JsonDict]]
    _changed: asyncio.Condition
    _ready_sent: bool

    # -- what the bot did ------------------------------------------------------------------

    def requests(
        self, method: str = "*", path_pattern: str | re.Pattern[str] = "*"
    ) -> list[RecordedRequest]:
        """Recorded calls matching `method` and a path pattern ("*"/"{x}": one segment)."""
        if path_pattern == "*":
            return [c for c in self.calls if method == "*" or c.method == method.upper()]
        return [c for c in self.calls if c.matches(method, path_pattern)]

    def message(self, message_id: Snowflake) -> JsonDict:
        """The latest version of a message (deleted ones too)."""
        return copy.deepcopy(self._messages[str(message_id)])

    def channel_messages(
        self, channel_id: Snowflake, *, include_deleted: bool = False
    ) -> list[JsonDict]:
        """Messages in a channel, oldest first, as currently stored (after edits)."""
        return [
            copy.deepcopy(self._messages[mid])
            for mid in self._message_order
            if self._messages[mid]["channel_id"] == str(channel_id)
            and (include_deleted or mid not in self._deleted_messages)
        ]

    def dm_messages(self, user_id: Snowflake) -> list[JsonDict]:
        """What the bot has posted in its DM with `user_id` (not the member's own messages)."""
        if str(user_id) not in self._dm_by_user:
            return []
        return [
            m
            for m in self.channel_messages(self._dm_by_user[str(user_id)])
            if m["author"]["id"] == self.bot_user_id
        ]

    def dm_counts(self) -> Counter[str]:
        """How many messages the bot posted in each user's DM: lost and doubled, at a glance."""
        users_by_channel = {channel: user for user, channel in self._dm_by_user.items()}
        counts: Counter[str] = Counter()
        for mid in self._message_order:
            message = self._messages[mid]
            user = users_by_channel.get(message["channel_id"])
            if user is not None and message["author"]["id"] == self.bot_user_id:
                counts[user] += 1
        return counts

    def attachment_data(self, attachment: JsonDict | Snowflake) -> bytes:
        """The bytes of a stored attachment (a message's attachment object, or its id)."""
        key = attachment["id"] if isinstance(attachment, dict) else attachment
        return self._attachments[str(key)]

    def is_deleted(self, message_id: Snowflake) -> bool:
        return str(message_id) in self._deleted_messages

    def commands(self, guild_id: Snowflake | None = None) -> list[JsonDict]:
        """Registered application commands: global ones, or one guild's."""
        if guild_id is None:
            return copy.deepcopy(self._global_commands)
        return copy.deepcopy(self._guild_commands.get(str(guild_id), []))

    def interaction_responses(self, interaction_id: Snowflake) -> list[InteractionResponse]:
        """The callback, followups and edits the bot made for one interaction, in order."""
        return list(self._interactions[str(interaction_id)].responses)

    def interaction_payload(self, interaction_id: Snowflake) -> JsonDict:
        """The INTERACTION_CREATE data the stand-in dispatched."""
        return copy.deepcopy(self._interactions[str(interaction_id)].payload)

    def modal(self, interaction_id: Snowflake) -> JsonDict | None:
        """The modal (custom_id, title, components) shown in answer to an interaction."""
        return next(
            (copy.deepcopy(m) for iid, m in self._modals if iid == str(interaction_id)), None
        )

    # -- waiting for asynchronous side effects ---------------------------------------------

    async def notify_change(self) -> None:
        """Wake every `wait_for` to re-check its predicate.

        Called after every recorded REST call (once its answer is known) and every gateway
        state change (IDENTIFY, RESUME, disconnect); waiters never poll on a timer.
        """
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
        *,
        description: str = "the expected Discord traffic",
    ) -> T:
        """Return `predicate()`'s first truthy value, re-checked on every change.

        Raises TimeoutError naming `description` (never a message body: bodies may carry
        what a member wrote) when it is still falsy after `timeout` seconds.
        """
        try:
            async with asyncio.timeout(timeout), self._changed:
                return await self._changed.wait_for(predicate)
        except TimeoutError:
            raise TimeoutError(f"{description} did not happen within {timeout}s") from None

    async def wait_for_request(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        *,
        since: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> RecordedRequest:
        """The first matching call at index >= `since` in `calls` (pass len(calls) to skip)."""

        def find() -> RecordedRequest | None:
            return next((c for c in self.calls[since:] if c.matches(method, path_pattern)), None)

        found = await self.wait_for(find, timeout, description=f"{method} {path_pattern}")
        assert found is not None
        return found

    async def wait_for_responses(
        self,
        interaction_id: Snowflake,
        n: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[InteractionResponse]:
        """Wait until the bot has made at least `n` responses to an interaction."""
        key = str(interaction_id)
        await self.wait_for(
            lambda: len(self._interactions[key].responses) >= n,
            timeout,
            description=f"{n} response(s) to interaction {key}",
        )
        return self.interaction_responses(key)

    async def wait_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until READY and the GUILD_CREATEs have been sent to a client."""
        await self.wait_for(lambda: self._ready_sent, timeout, description="gateway READY")
