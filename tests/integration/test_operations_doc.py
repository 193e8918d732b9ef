"""docs/OPERATIONS.md's commands do what it says: the SQLite online backup and the downgrade."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")


def _python_snippet(starts_with: str) -> str:
    """The `python -c "..."` of the documented command line that starts with `starts_with`."""
    line = next(line for line in OPERATIONS.splitlines() if line.startswith(starts_with))
    match = re.search(r'python -c "(.+)"$', line)
    assert match is not None, line
    return match[1]


def test_the_sqlite_backup_copies_a_database_in_use(tmp_path: Path) -> None:
    data = tmp_path / "app" / "data"
    data.mkdir(parents=True)
    live = sqlite3.connect(data / "pln-bot.db")
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE answer (text TEXT)")
    live.execute("INSERT INTO answer VALUES ('kept')")
    live.commit()
    live.execute("INSERT INTO answer VALUES ('not committed yet')")  # a write under way
    snippet = _python_snippet("docker exec BOT python").replace("/app/data", str(data))

    subprocess.run([sys.executable, "-c", snippet], check=True, timeout=60)
    live.rollback()
    live.close()

    backup = sqlite3.connect(data / "backup.db")
    assert backup.execute("SELECT text FROM answer").fetchall() == [("kept",)]
    backup.close()


def test_the_downgrade_command_takes_the_database_to_an_older_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pln-bot.db'}"
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], check=True, env=env,
                   cwd=tmp_path, capture_output=True, timeout=120)  # fmt: skip
    snippet = _python_snippet("docker compose run --rm bot python").replace("REVISION", "0012")

    subprocess.run([sys.executable, "-c", snippet], check=True, env=env, cwd=tmp_path,
                   capture_output=True, timeout=120)  # fmt: skip

    database = sqlite3.connect(tmp_path / "pln-bot.db")
    assert database.execute("SELECT version_num FROM alembic_version").fetchall() == [("0012",)]
    database.close()
