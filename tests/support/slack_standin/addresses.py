"""Where a started stand-in listens: Web API root, Socket Mode URL, response_url hooks."""

from __future__ import annotations


class Addresses:
    """The loopback addresses of a started stand-in; `start` sets the port."""

    _port: int | None

    # -- addresses -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SlackStandIn is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Web API root with a trailing slash: slack_sdk appends the method name to it."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/socket"

    def response_url(self, name: str = "default") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"
