"""An installer who erased themselves is named nowhere, whichever platform they erased from.

The person who installed the Slack app is named in its installation: a plain `user_id`
column and, inside the sealed (encrypted) copy, the installer half. `/pln forget-me`
typed on Slack scrubs both (`DatabaseInstallationStore.async_forget_user`). Typed on
another platform, where the Slack key is not at hand, the erasure clears the plain column
(bot/store/erasure.py); the sealed copy is then read without the installer
(`without_erased_installer`) and sealed again without them when the Slack process starts
(`reseal_erased_installers`).
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.slack.installation_payloads import USER_HALF_CLEARED, Payload, jsonable
from bot.adapters.slack.secrets import TokenCipher
from bot.store.slack_models import SlackInstallation

log = logging.getLogger(__name__)


def without_erased_installer(payload: Payload, user_column: str | None) -> Payload:
    """The installation as stored, or without its installer when the plain column says
    they were erased (an empty id where the sealed copy still names someone)."""
    if user_column or not payload.get("user_id"):
        return payload
    return {**payload, **USER_HALF_CLEARED, "user_id": ""}


async def reseal_erased_installers(
    session: AsyncSession, client_id: str, cipher: TokenCipher
) -> int:
    """Seal again, without the installer, every installation whose plain column was
    cleared by an erasure; returns how many."""
    rows = await session.scalars(
        select(SlackInstallation).where(
            SlackInstallation.client_id == client_id, SlackInstallation.user_id == ""
        )
    )
    resealed = 0
    for row in rows:
        payload: Payload = json.loads(cipher.decrypt(row.data))
        if not payload.get("user_id"):
            continue
        clean = without_erased_installer(payload, row.user_id)
        row.data = cipher.encrypt(json.dumps(clean, default=jsonable, separators=(",", ":")))
        resealed += 1
    if resealed:
        log.info("erased installers taken out of sealed installations: %d", resealed)
    return resealed
