"""Wires the Slack adapter: bolt app, Web API client, core, runner, and HTTP or Socket Mode.

`SlackService` is the whole running bot for Slack, so the CLI and the tests start exactly
the same thing: tests point SLACK_API_URL at a local stand-in and talk to a real port.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.ops_http import OpsListenError, listen
from bot.adapters.pacing import Sleep
from bot.adapters.prometheus_metrics import PrometheusMetrics
from bot.adapters.runtime import AdapterStartError
from bot.adapters.slack.directory import PLATFORM, SlackDirectory
from bot.adapters.slack.installations import DatabaseInstallationStore
from bot.adapters.slack.installer_names import reseal_erased_installers
from bot.adapters.slack.limits import SlackLimits
from bot.adapters.slack.listeners import SlackListeners
from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.metrics_hooks import ErrorCounter, TimedSocketModeHandler
from bot.adapters.slack.oauth_state import SignedOAuthStateStore
from bot.adapters.slack.retries import retry_handlers
from bot.adapters.slack.secrets import TokenCipher
from bot.adapters.slack.server import (
    EVENTS_PATH,
    HEALTH_PATH,
    INSTALL_PATH,
    METRICS_PATH,
    REDIRECT_PATH,
    build_web_app,
)
from bot.adapters.slack.settings import BOT_SCOPES, SlackMode, SlackSettings
from bot.adapters.slack.single_workspace import bolt_without_install_flow
from bot.adapters.slack.uninstalls import SlackUninstalls
from bot.adapters.slack.workspaces import (
    BotTokens,
    InstalledWorkspaceTokens,
    SingleWorkspaceTokens,
)
from bot.app import App, build_app, web_wanted
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.runner import Runner
from bot.store.database import Database
from bot.web.deps import WebSettings

log = logging.getLogger(__name__)

OAUTH_STATE_SECONDS = 600


class _SameTokenNotice(logging.Filter):
    """Drops bolt's "As you gave `client` as well, `token` will be unused." at start-up.

    Given no `token`, bolt reads SLACK_BOT_TOKEN from the environment itself and then warns
    that the `client` we pass wins over it. That client carries the very same token (with
    SLACK_API_URL and our retry handlers), so the warning tells an operator nothing, and no
    argument avoids it while the variable is set. Only this one message is dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOGGER = logging.getLogger("bot.adapters.slack.bolt")
BOLT_LOGGER.addFilter(_SameTokenNotice())


class SlackStartError(AdapterStartError):
    """The bot cannot start on Slack; str() is one line saying what to fix."""


@dataclass
class SlackService:
    settings: SlackSettings
    mode: SlackMode
    app: App
    bolt: AsyncApp
    client: AsyncWebClient
    tokens: BotTokens
    pacer: SlackLimits
    core_settings: Settings | None = None  # PLN_HTTP_PORT for /healthz in Socket Mode
    port: int | None = None
    # work the Slack process does once at start (OAuth mode: reseal erased installers)
    at_start: Callable[[], Awaitable[object]] | None = None
    directory: SlackDirectory | None = None  # who administers a workspace, for the web page
    _web_runner: web.AppRunner | None = None
    _socket: AsyncSocketModeHandler | None = None

    @property
    def runner(self) -> Runner:
        return self.app.runner

    def banner(self) -> str:
        """How the runtime's banner describes this service once it has started."""
        if self.mode is SlackMode.SOCKET:
            ops = self.app.ops_server
            if ops is None or self.core_settings is None:
                return "Slack adapter, Socket Mode"
            where = f"{self.core_settings.http_host}:{ops.port}"
            return f"Slack adapter, Socket Mode; {HEALTH_PATH} and {METRICS_PATH} on {where}"
        where = f"{self.settings.http_host}:{self.port}"
        return (
            f"Slack adapter, HTTP on {where} "
            f"(POST {EVENTS_PATH}, GET {HEALTH_PATH}, GET {METRICS_PATH})"
        )

    async def start(self) -> None:
        """Listen, check the token, catch up on due work, then report ready."""
        if self.at_start is not None:
            await self.at_start()
        if self.mode is SlackMode.SOCKET:
            await self._serve_ops()
            await self._check_token()
            await self.app.runner.start()
            assert self.settings.app_token is not None  # SlackMode.SOCKET means it is set
            self._socket = TimedSocketModeHandler(
                self.app.metrics,
                self.bolt,
                self.settings.app_token.get_secret_value(),
                web_client=self.client,
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        else:
            await self._listen()
            if self.mode is SlackMode.HTTP:
                await self._check_token()
            await self.app.runner.start()

    async def stop(self) -> None:
        await self.app.drain()  # sends in flight finish (or are given back) first
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self._web_runner is not None:
            await self._web_runner.cleanup()
        await self.app.close()

    async def _listen(self) -> None:
        web_app = build_web_app(self.bolt, self.app.ops)
        self.app.mount_web(  # the web page: always, beside events
            web_app, self.core_settings, sign_in=self._sign_in, platform_admin=self._admin
        )
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            self.port = await listen(runner, self.settings.http_host, self.settings.http_port)
        except OpsListenError as error:
            raise SlackStartError(str(error)) from None
        self._web_runner = runner
        self.app.web_listening(self.settings.http_host, self.port)

    def _sign_in(self, page: WebSettings) -> WebSettings:
        """Sign in with Slack uses this app's own client id and secret and SLACK_API_URL, in
        every mode (with a bot token they serve only the sign-in)."""
        secret = self.settings.client_secret
        return replace(
            page,
            slack_client_id=self.settings.client_id,
            slack_client_secret=secret.get_secret_value() if secret is not None else None,
            slack_api_url=self.settings.api_url,
        )

    async def _admin(self, platform: str, team_id: str, user_id: str) -> bool:
        """Whether a Slack sign-in is a workspace admin or owner (users.info, as in chat)."""
        if platform != PLATFORM or self.directory is None:
            return False
        token = await self.tokens.bot_token(team_id)
        if token is None:
            return False
        return (await self.directory.actor(team_id, user_id, token)).platform_admin

    async def _serve_ops(self) -> None:
        """Socket Mode has no server of its own: /healthz and /metrics if PLN_HTTP_PORT is set."""
        if self.core_settings is None:
            return
        try:
            await self.app.serve_ops(
                self.core_settings,
                with_web=web_wanted(self.core_settings, default=False),
                sign_in=self._sign_in,
                platform_admin=self._admin,
            )
        except OpsListenError as error:
            raise SlackStartError(str(error)) from None

    async def _check_token(self) -> None:
        """auth.test: fail at start, not at Monday's fan-out, and learn the workspace id."""
        try:
            response = await self.client.auth_test()
        except SlackApiError as error:
            raise SlackStartError(
                f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}): check the Bot "
                "User OAuth Token under OAuth & Permissions"
            ) from None
        except (TimeoutError, OSError) as error:
            raise SlackStartError(
                f"cannot reach Slack at {self.settings.api_url} (SLACK_API_URL): {error}"
            ) from None
        if isinstance(self.tokens, SingleWorkspaceTokens):
            self.tokens.team_id = str(response.get("team_id") or "") or None
        log.info(
            "connected to slack",
            extra={"fields": {"team_id": response.get("team_id"), "mode": str(self.mode)}},
        )


def build_slack_service(
    settings: Settings,
    slack: SlackSettings,
    clock: Clock,
    *,
    sleep: Sleep = asyncio.sleep,
    wall_clock: Callable[[], datetime] | None = None,
) -> SlackService:
    """Everything wired, nothing started. `sleep` is injected into pacing and retries."""
    mode = slack.check()
    pacer = SlackLimits(slack.send_rate, sleep=sleep)
    bot_token = slack.bot_token.get_secret_value() if slack.bot_token else None
    metrics = PrometheusMetrics()
    client = AsyncWebClient(
        token=bot_token,
        base_url=slack.api_url,
        retry_handlers=[ErrorCounter(metrics), *retry_handlers(pacer, sleep)],
    )
    db = Database(settings.database_url)
    now = wall_clock or (lambda: datetime.now(UTC))
    tokens: BotTokens
    store: DatabaseInstallationStore | None = None

    async def reinstalled(team_ids: list[str]) -> None:
        await app.core.uninstalls.reinstalled(PLATFORM, team_ids)  # `app` is built below

    at_start: Callable[[], Awaitable[object]] | None = None
    if mode is SlackMode.OAUTH:
        assert slack.token_key is not None and slack.client_id and slack.client_secret
        cipher = TokenCipher.from_keys(slack.token_key.get_secret_value())
        at_start = partial(db.run, partial(_reseal, slack.client_id, cipher))
        store = DatabaseInstallationStore(
            db,
            cipher,
            slack.client_id,
            now,
            on_installed=reinstalled,
        )
        tokens = InstalledWorkspaceTokens(store)
        bolt = AsyncApp(
            signing_secret=slack.signing_secret.get_secret_value()
            if slack.signing_secret
            else None,
            client=client,
            logger=BOLT_LOGGER,
            oauth_settings=AsyncOAuthSettings(
                client_id=slack.client_id,
                client_secret=slack.client_secret.get_secret_value(),
                scopes=list(BOT_SCOPES),
                installation_store=store,
                # signed, written only when used: /slack/install is open to anyone (issue 13)
                state_store=SignedOAuthStateStore(
                    slack.client_secret.get_secret_value(), OAUTH_STATE_SECONDS, now, db
                ),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                redirect_uri=slack.redirect_uri,
                authorization_url=slack.authorize_url,
            ),
        )
    else:
        assert bot_token is not None
        tokens = SingleWorkspaceTokens(bot_token)
        with bolt_without_install_flow():
            bolt = AsyncApp(  # the bot token comes with `client`, so it has SLACK_API_URL too
                signing_secret=slack.signing_secret.get_secret_value()
                if slack.signing_secret
                else None,
                client=client,
                logger=BOLT_LOGGER,
                request_verification_enabled=mode is not SlackMode.SOCKET,
            )
    messenger = SlackMessenger(client, tokens, pacer)
    app = build_app(settings, clock, messenger, db=db, metrics=metrics)
    directory = SlackDirectory(client)
    # uninstalls and revoked tokens first (bolt runs the first listener that matches); they
    # replace bolt's own revocation listeners, which know nothing of org-wide installs
    SlackUninstalls(app.core.uninstalls, store, directory).register(bolt)
    SlackListeners(app.core, directory).register(bolt)
    return SlackService(
        settings=slack,
        mode=mode,
        app=app,
        bolt=bolt,
        client=client,
        tokens=tokens,
        pacer=pacer,
        core_settings=settings,
        at_start=at_start,
        directory=directory,
    )


async def _reseal(client_id: str, cipher: TokenCipher, session: AsyncSession) -> int:
    return await reseal_erased_installers(session, client_id, cipher)
