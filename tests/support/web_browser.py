"""Driving the web page in headless Chromium: the launch flags, axe-core and signing in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.actors import Actor
from tests.support.web_server import WebServer, sign_in_link

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_SKIP = "browser test needs Debian's chromium at /usr/bin/chromium (run .ci/run)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# a browser test module: `pytestmark = BROWSER_TEST` (Chromium lives on the session's loop)
BROWSER_TEST = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
AXE = Path(__file__).resolve().parents[1] / "support" / "web" / "axe.min.js"


async def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (evaluated over the DevTools protocol, so
    the page's own CSP, which allows no injected script, stays on)."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return list(result["violations"])


async def sign_in_with_link(page: Any, server: WebServer, actor: Actor) -> None:
    """As a member does: `/pln web` in chat, open the link, press Sign in, land home.
    `actor` must have joined."""
    link = await sign_in_link(server, actor)
    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(server.url("/"))
