"""Slack installations and OAuth states in the bot's own database, tokens encrypted at rest.

Runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture); time moves
only when the simulated clock is told to.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import text

from bot.adapters.slack.installations import DatabaseInstallationStore
from bot.adapters.slack.secrets import TokenCipher, TokenDecryptionError, generate_key
from bot.core.clock import SimulatedClock
from bot.store.database import Database

CLIENT_ID = "1234.5678"
TEAM_A = "T0AAAAAAA"
TEAM_B = "T0BBBBBBB"
ENTERPRISE = "E0ORG0001"
BOT_TOKEN_A = "xoxb-team-a-bot-token-quetzal"
USER_TOKEN_A = "xoxp-team-a-user-token-axolotl"
BOT_TOKEN_B = "xoxb-team-b-bot-token-pangolin"
ALL_TOKENS = [BOT_TOKEN_A, USER_TOKEN_A, BOT_TOKEN_B, "xoxb-", "xoxp-"]


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
def store(db: Database, key: str, clock: SimulatedClock) -> DatabaseInstallationStore:
    return make_store(db, key, clock)


def make_store(db: Database, keys: str, clock: SimulatedClock) -> DatabaseInstallationStore:
    return DatabaseInstallationStore(db, TokenCipher.from_keys(keys), CLIENT_ID, clock.now)


def installation(
    clock: SimulatedClock,
    *,
    team_id: str | None = TEAM_A,
    bot_token: str | None = BOT_TOKEN_A,
    user_token: str | None = USER_TOKEN_A,
    user_id: str = "U0INSTALL",
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
) -> Installation:
    return Installation(
        app_id="A0APP",
        enterprise_id=enterprise_id,
        team_id=team_id,
        team_name="Team",
        bot_token=bot_token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        bot_scopes="chat:write,im:history",
        user_id=user_id,
        user_token=user_token,
        user_scopes="identify",
        is_enterprise_install=is_enterprise_install,
        installed_at=clock.now(),
        custom_values={"pln": "kept"},
    )


async def raw_data(db: Database) -> list[str]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(text("SELECT data FROM slack_installation ORDER BY id"))
        return [row[0] for row in rows]


# -- installations ------------------------------------------------------------------------


async def test_saved_installation_is_found_with_its_tokens(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    saved = installation(clock)
    await store.async_save(saved)

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM_A)

    assert found is not None
    assert found.bot_token == BOT_TOKEN_A
    assert found.user_token == USER_TOKEN_A
    assert found.bot_scopes == ["chat:write", "im:history"]
    assert found.installed_at == saved.installed_at
    assert found.custom_values == {"pln": "kept"}
    assert bot is not None
    assert bot.bot_token == BOT_TOKEN_A
    assert bot.bot_user_id == "U0BOT"
    assert bot.installed_at == saved.installed_at


async def test_a_workspace_never_sees_another_workspaces_tokens(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))
    await store.async_save(
        installation(clock, team_id=TEAM_B, bot_token=BOT_TOKEN_B, user_token=None)
    )

    found_b = await store.async_find_installation(enterprise_id=None, team_id=TEAM_B)
    bot_b = await store.async_find_bot(enterprise_id=None, team_id=TEAM_B)
    bot_a = await store.async_find_bot(enterprise_id=None, team_id=TEAM_A)

    assert found_b is not None and found_b.bot_token == BOT_TOKEN_B
    assert found_b.user_token is None
    assert bot_b is not None and bot_b.bot_token == BOT_TOKEN_B
    assert bot_a is not None and bot_a.bot_token == BOT_TOKEN_A
    assert await store.async_find_bot(enterprise_id=None, team_id="T0UNKNOWN") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T0UNKNOWN") is None
    assert await store.async_find_bot(enterprise_id="E0OTHER", team_id=TEAM_A) is None


async def test_another_client_id_sees_nothing(
    db: Database, key: str, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))
    other_app = DatabaseInstallationStore(db, TokenCipher.from_keys(key), "9999.0000", clock.now)

    assert await other_app.async_find_bot(enterprise_id=None, team_id=TEAM_A) is None


async def test_the_latest_installation_wins(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock, bot_token="xoxb-old", user_id="U0FIRST"))
    clock.advance(timedelta(days=3))
    await store.async_save(installation(clock, bot_token="xoxb-new", user_id="U0SECOND"))

    latest = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM_A)
    first = await store.async_find_installation(
        enterprise_id=None, team_id=TEAM_A, user_id="U0FIRST"
    )

    assert latest is not None and latest.user_id == "U0SECOND"
    assert latest.bot_token == "xoxb-new"
    assert bot is not None and bot.bot_token == "xoxb-new"
    # the first installer's own installation, with the workspace's current bot token
    assert first is not None and first.user_id == "U0FIRST"
    assert first.bot_token == "xoxb-new"
    assert first.user_token == USER_TOKEN_A


async def test_saving_the_same_installation_again_updates_it(
    db: Database, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    """Token rotation re-saves an installation with its original installed_at."""
    original = installation(clock)
    await store.async_save(original)
    rotated = Installation(**{**original.to_dict_for_copying(), "bot_token": "xoxb-rotated"})
    await store.async_save(rotated)

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)

    assert found is not None and found.bot_token == "xoxb-rotated"
    assert len(await raw_data(db)) == 1


async def test_a_rotated_bot_is_saved_into_its_installation(
    db: Database, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM_A)
    assert bot is not None
    bot.bot_token = "xoxb-rotated"
    bot.bot_refresh_token = "xoxe-1-refresh"

    await store.async_save_bot(bot)

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token) == ("xoxb-rotated", "xoxe-1-refresh")
    assert found.user_token == USER_TOKEN_A
    assert len(await raw_data(db)) == 1


async def test_a_bot_saved_on_its_own_is_found(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    bot = installation(clock, team_id=TEAM_B, bot_token=BOT_TOKEN_B, user_token=None).to_bot()

    await store.async_save_bot(bot)

    found = await store.async_find_bot(enterprise_id=None, team_id=TEAM_B)
    assert found is not None and found.bot_token == BOT_TOKEN_B


async def test_delete_all_forgets_the_workspace_only(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))
    await store.async_save(installation(clock, team_id=TEAM_B, bot_token=BOT_TOKEN_B))

    await store.async_delete_all(enterprise_id=None, team_id=TEAM_A)

    assert await store.async_find_installation(enterprise_id=None, team_id=TEAM_A) is None
    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM_A) is None
    bot_b = await store.async_find_bot(enterprise_id=None, team_id=TEAM_B)
    assert bot_b is not None and bot_b.bot_token == BOT_TOKEN_B


async def test_a_revoked_user_token_leaves_the_bot_working(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))

    await store.async_delete_installation(enterprise_id=None, team_id=TEAM_A, user_id="U0INSTALL")

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)
    assert found is not None
    assert found.user_token is None
    assert found.bot_token == BOT_TOKEN_A


async def test_delete_installation_of_another_user_changes_nothing(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))

    await store.async_delete_installation(enterprise_id=None, team_id=TEAM_A, user_id="U0OTHER")

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)
    assert found is not None and found.user_token == USER_TOKEN_A


async def test_a_revoked_bot_token_is_not_found_again(
    db: Database, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock, user_token=None))

    await store.async_delete_bot(enterprise_id=None, team_id=TEAM_A)

    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM_A) is None
    assert await store.async_find_installation(enterprise_id=None, team_id=TEAM_A) is None
    assert await raw_data(db) == []  # nothing left worth keeping


async def test_revoking_the_bot_keeps_the_installers_user_token(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))

    await store.async_delete_bot(enterprise_id=None, team_id=TEAM_A)

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM_A)
    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM_A) is None
    assert found is not None
    assert found.bot_token is None
    assert found.user_token == USER_TOKEN_A


async def test_an_org_wide_install_serves_every_team_of_the_enterprise(
    store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(
        installation(clock, team_id=None, enterprise_id=ENTERPRISE, is_enterprise_install=True)
    )

    for team in (TEAM_A, TEAM_B, None):
        bot = await store.async_find_bot(
            enterprise_id=ENTERPRISE, team_id=team, is_enterprise_install=True
        )
        found = await store.async_find_installation(
            enterprise_id=ENTERPRISE, team_id=team, is_enterprise_install=True
        )
        assert bot is not None and bot.bot_token == BOT_TOKEN_A
        assert bot.is_enterprise_install is True
        assert found is not None and found.enterprise_id == ENTERPRISE
    # a workspace-level lookup in another org, or a team's own install, is something else
    other_org = await store.async_find_bot(
        enterprise_id="E0OTHER", team_id=None, is_enterprise_install=True
    )
    assert other_org is None
    assert await store.async_find_bot(enterprise_id=ENTERPRISE, team_id=TEAM_A) is None

    await store.async_delete_all(enterprise_id=ENTERPRISE, team_id=None)

    gone = await store.async_find_bot(
        enterprise_id=ENTERPRISE, team_id=None, is_enterprise_install=True
    )
    assert gone is None


# -- encryption at rest -------------------------------------------------------------------


async def test_the_stored_data_holds_no_token_in_clear_text(
    db: Database, key: str, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))

    [data] = await raw_data(db)

    assert not [token for token in ALL_TOKENS if token in data]
    opened = TokenCipher.from_keys(key).decrypt(data)
    assert BOT_TOKEN_A in opened
    assert USER_TOKEN_A in opened


async def test_no_token_reaches_the_logs(
    store: DatabaseInstallationStore, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    await store.async_save(installation(clock))
    await store.async_find_installation(enterprise_id=None, team_id=TEAM_A, user_id="U0INSTALL")
    await store.async_delete_all(enterprise_id=None, team_id=TEAM_A)

    assert not [token for token in ALL_TOKENS if token in caplog.text]


async def test_a_store_with_another_key_cannot_read_the_tokens(
    db: Database, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))
    stranger = make_store(db, generate_key(), clock)

    with pytest.raises(TokenDecryptionError) as raised:
        await stranger.async_find_bot(enterprise_id=None, team_id=TEAM_A)

    message = str(raised.value)
    assert "PLN_TOKEN_KEY" in message
    assert not [token for token in ALL_TOKENS if token in message]
    assert "gAAAA" not in message  # nor any of the stored Fernet token


async def test_a_rotated_key_still_reads_what_the_old_key_wrote(
    db: Database, key: str, store: DatabaseInstallationStore, clock: SimulatedClock
) -> None:
    await store.async_save(installation(clock))
    new_key = generate_key()
    rotated = make_store(db, f"{new_key}, {key}", clock)

    bot = await rotated.async_find_bot(enterprise_id=None, team_id=TEAM_A)
    assert bot is not None and bot.bot_token == BOT_TOKEN_A

    # what the rotated store writes is under the new key alone
    await rotated.async_save(installation(clock, team_id=TEAM_B, bot_token=BOT_TOKEN_B))
    only_new = make_store(db, new_key, clock)
    bot_b = await only_new.async_find_bot(enterprise_id=None, team_id=TEAM_B)
    assert bot_b is not None and bot_b.bot_token == BOT_TOKEN_B
    with pytest.raises(TokenDecryptionError):
        await only_new.async_find_bot(enterprise_id=None, team_id=TEAM_A)


@pytest.mark.parametrize("keys", ["", " , ", "not-a-fernet-key-at-all", "{good},short"])
def test_a_missing_or_bad_key_is_refused_with_how_to_make_one(keys: str) -> None:
    with pytest.raises(ValueError) as raised:
        TokenCipher.from_keys(keys.format(good=generate_key()))

    message = str(raised.value)
    assert "PLN_TOKEN_KEY" in message
    assert "Fernet.generate_key()" in message
    assert "not-a-fernet-key-at-all" not in message  # a key, even a bad one, is a secret
