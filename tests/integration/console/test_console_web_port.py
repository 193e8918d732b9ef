"""The console's web page on its default port (127.0.0.1:8080): when that port is taken, one
line says so and the console goes on without its page, as a laptop's user would want."""

from __future__ import annotations

import asyncio
import io
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import main as console_main
from bot.config import load_settings
from bot.core.clock import SimulatedClock
from bot.store.migrate import upgrade


@pytest.fixture
def taken_port() -> socket.socket:
    """A port this test holds, standing in for 8080 held by someone else."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


async def test_a_taken_default_port_costs_one_line_and_the_console_goes_on(
    tmp_path: Path,
    taken_port: socket.socket,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = taken_port.getsockname()[1]
    monkeypatch.setattr("bot.app.WEB_DEFAULT_PORT", port)
    monkeypatch.setattr(console_main, "WEB_DEFAULT_PORT", port)
    monkeypatch.setattr(sys, "stdin", io.StringIO("/pln join\n"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'pln-bot.db'}"
    await asyncio.to_thread(upgrade, url)
    settings = load_settings(tmp_path / "none.toml", database_url=url, data_dir=tmp_path, web="on")
    clock = SimulatedClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))

    code = await console_main.run_console(settings, clock, "alice")
    taken_port.close()

    out = capsys.readouterr().out
    assert code == 0
    notes = [line for line in out.splitlines() if "web page" in line.lower()]
    assert notes == [f"[console] web page off: port {port} in use; set PLN_HTTP_PORT"]
    assert "Welcome to the PLN" in out
