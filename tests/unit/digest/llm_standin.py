"""A stand-in OpenAI-compatible endpoint on 127.0.0.1: real HTTP, real aiohttp client.

`mode` chooses how it answers: "ok" (a summary), "error" (500), "hang" (never answers, so
the client's timeout fires), "garbage" (200 with a body that is not the expected JSON).
It records each request's body so tests can check what was sent, and to whom.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SUMMARY = "You kept returning to the device rollout and to listening before fixing."


@dataclass
class LlmStandIn:
    url: str = ""
    mode: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        if self.mode == "error":
            return web.json_response({"error": "overloaded"}, status=500)
        if self.mode == "hang":
            await self.release.wait()
        if self.mode == "garbage":
            return web.Response(text="<html>not json</html>", content_type="text/html")
        return web.json_response(
            {"choices": [{"message": {"role": "assistant", "content": SUMMARY}}]}
        )


@asynccontextmanager
async def llm_standin() -> AsyncIterator[LlmStandIn]:
    standin = LlmStandIn()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", standin.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    standin.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield standin
    finally:
        standin.release.set()
        await runner.cleanup()
