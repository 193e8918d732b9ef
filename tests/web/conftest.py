"""Fixtures of the web page's tests (bot/web).

- `web_server`: the page on 127.0.0.1:0 in the test's loop, on a real SQLite file and (where
  the test runs on both) the real PostgreSQL, with the simulated `clock`; `web_client`, an
  aiohttp client that keeps no cookies of its own (tests send the ones they mean).
- `member_session(server, actor)` / `sign_in_link(server, actor)` (tests/support/web_server.py).
- Browser tests: mark the module with `pytestmark = BROWSER_TEST` (from
  tests/support/web_browser.py: the `browser` marker and the session's event loop, where the
  one headless Chromium of the test session lives: Debian's, never downloaded). Fixtures:
  `browser`, `browser_server` (the page on its own SQLite file, on that loop), `page` (a
  fresh context at 1000x800), `await axe(page)` (fails on serious or critical violations),
  `await screenshot(page, name)` (into PLN_TEST_ARTEFACTS, default test-artefacts/), and
  `await sign_in_with_link(page, server, actor)` (tests/support/web_browser.py).
Without /usr/bin/chromium browser tests skip loudly, or fail under PLN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.store.database import Database
from tests.support.messenger import RecordingMessenger
from tests.support.web_browser import BROWSER_SKIP, CHROMIUM, CHROMIUM_ARGS, run_axe
from tests.support.web_server import WebServer, start_web_server

SERIOUS = ("serious", "critical")


@pytest.fixture
async def web_server(
    db: Database, clock: SimulatedClock, messenger: RecordingMessenger, config: CoreConfig
) -> AsyncIterator[WebServer]:
    server = await start_web_server(db, clock, messenger, config)
    yield server
    await server.stop()


@pytest.fixture
async def web_client() -> AsyncIterator[aiohttp.ClientSession]:
    """No redirects followed and no cookies kept: each request says what it sends."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        yield client


# -- browser ----------------------------------------------------------------------------


def _chromium_or_skip() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("PLN_REQUIRE_BROWSER") == "1":
            pytest.fail(BROWSER_SKIP)
        pytest.skip(BROWSER_SKIP)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for the whole session (the machine is small), on the session's
    event loop: browser tests run there too (`BROWSER_TEST` marks)."""
    _chromium_or_skip()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser_server(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[WebServer]:
    """The web page on a SQLite file of its own, on the browser's loop, with the simulated
    clock at Friday 20 November 2026, 10:00 UTC and `console:mod` a moderator."""
    path = tmp_path / "pln-bot.db"
    shutil.copyfile(sqlite_template, path)
    clock = SimulatedClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    config = CoreConfig(moderators=frozenset({"console:mod"}))
    db = Database(f"sqlite+aiosqlite:///{path}")
    server = await start_web_server(db, clock, RecordingMessenger(), config)
    yield server
    await server.stop()
    await db.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Any) -> AsyncIterator[Any]:
    """A fresh browser context (no cookies) at 1000x800."""
    context = await browser.new_context(viewport={"width": 1000, "height": 800})
    context.set_default_timeout(15_000)
    yield await context.new_page()
    await context.close()


@pytest.fixture
def axe() -> Callable[[Any], Awaitable[None]]:
    """`await axe(page)`: fails on serious or critical axe-core violations."""

    async def check(page: Any) -> None:
        bad = [v for v in await run_axe(page) if v.get("impact") in SERIOUS]
        summary = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in bad
        ]
        assert bad == [], f"{page.url}: {json.dumps(summary, indent=1)}"

    return check


@pytest.fixture
def artefacts_dir() -> Path:
    directory = Path(os.environ.get("PLN_TEST_ARTEFACTS", "test-artefacts"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def screenshot(
    artefacts_dir: Path, request: pytest.FixtureRequest
) -> Callable[[Any, str], Awaitable[Path]]:
    """`await screenshot(page, name)`: a full-page PNG in the artefacts directory."""

    async def take(page: Any, name: str) -> Path:
        path = artefacts_dir / f"{request.node.name}-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return take
