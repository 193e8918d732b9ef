"""The console serves the web page: a member types `/pln web` and signs in with the link.

The console runs as its own process with PLN_HTTP_PORT=0 (many consoles run at once in a
test run; the default 127.0.0.1:8080 is one port), prints the page's address, and is asked
over real HTTP. (A taken default port: tests/integration/console/test_console_web_port.py.)
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import aiohttp

from bot.web.sessions import COOKIE
from tests.e2e.test_ops_http import START, Bot, _env
from tests.support.web_server import press_sign_in

WEB_LINE = re.compile(r"^\[console\] Web page: (?P<url>http://127\.0\.0\.1:\d+)/ ")
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/signin/link/[A-Za-z0-9_-]+)")


async def test_a_console_member_signs_in_with_the_link_it_prints(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--adapter", "console", "--clock", START,
        "--member", "alice",
        cwd=tmp_path, env=_env(tmp_path), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    bot = Bot(process)
    try:
        found = WEB_LINE.match(await bot.read_until(r"Web page: "))
        assert found is not None, bot.output
        base = found["url"]
        await bot.type("/pln join")
        await bot.read_until("Welcome to the PLN")
        await bot.type("/pln web")
        link = LINK.search(await bot.read_until("sign-in link"))
        assert link is not None and link.group(1).startswith(base), bot.output

        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            used = await press_sign_in(http, link.group(1))
            assert (used.status, used.location) == (303, "/")
            assert used.cookie is not None
            async with http.get(f"{base}/", cookies={COOKIE: used.cookie}) as home:
                assert home.status == 200
                assert "Signed in as <strong>alice</strong>" in await home.text()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        await asyncio.wait_for(process.wait(), 60)
    assert process.returncode == 0
