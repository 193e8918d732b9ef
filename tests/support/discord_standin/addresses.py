"""Where a started stand-in listens: its REST base and gateway URLs."""

from __future__ import annotations

from tests.support.discord_standin.constants import API_VERSION


class Addresses:
    """The loopback addresses of a started stand-in; `start` sets the port."""

    _port: int | None

    # -- addresses -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("DiscordStandIn is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What discord.py must use as `discord.http.Route.BASE`."""
        return f"{self.base_url}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        """What discord.py must use as `DiscordWebSocket.DEFAULT_GATEWAY` (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self._port}/gateway"
