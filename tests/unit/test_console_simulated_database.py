"""A console run on a simulated clock gets a throwaway database unless one is named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console.simulated_database import NOTE, database_for_clock
from bot.config import load_settings
from bot.core.clock import SimulatedClock, SystemClock

START = datetime(2026, 11, 20, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PLN_CONFIG", str(tmp_path / "absent.toml"))


def test_a_simulated_clock_without_a_named_database_gets_a_temporary_one_removed_after() -> None:
    settings = load_settings()

    with database_for_clock(settings, SimulatedClock(START)) as database:
        path = database.settings.sqlite_path
        assert path is not None and path.is_absolute() and path.parent.is_dir()
        assert database.settings.database_url.startswith("sqlite+aiosqlite:///")
        assert database.note == NOTE
        assert database.settings.prompt_time == settings.prompt_time

    assert not path.parent.exists()


def test_a_named_database_is_kept_on_a_simulated_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///./data/demo.db")
    settings = load_settings()

    with database_for_clock(settings, SimulatedClock(START)) as database:
        assert database.settings is settings
        assert database.note is None


def test_a_database_named_in_the_toml_file_is_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toml = tmp_path / "pln-bot.toml"
    toml.write_text('database_url = "sqlite:///./data/demo.db"\n', encoding="utf-8")
    monkeypatch.setenv("PLN_CONFIG", str(toml))
    settings = load_settings()

    with database_for_clock(settings, SimulatedClock(START)) as database:
        assert database.settings is settings


def test_the_system_clock_keeps_the_default_database() -> None:
    settings = load_settings()

    with database_for_clock(settings, SystemClock()) as database:
        assert database.settings is settings
        assert database.note is None
