"""docs/PRIVACY.md names a test for each promise: every test it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRIVACY = ROOT / "docs" / "PRIVACY.md"
REFERENCE = re.compile(r"`((?:unit|integration|e2e)/[\w/]+\.py)((?:::\w+)?)`")
CONTINUED = re.compile(r"`::(\w+)`")


def _references() -> list[tuple[str, str]]:
    """(test file, test name or "") for every reference; `::name` continues the last file."""
    found: list[tuple[str, str]] = []
    last = ""
    for line in PRIVACY.read_text(encoding="utf-8").splitlines():
        for match in re.finditer(f"{REFERENCE.pattern}|{CONTINUED.pattern}", line):
            if match.group(1):
                last = match.group(1)
                found.append((last, match.group(2).removeprefix("::")))
            else:
                found.append((last, match.group(3)))
    return found


def test_every_test_the_privacy_page_names_exists() -> None:
    references = _references()
    assert len(references) > 30
    for path, name in references:
        source = ROOT / "tests" / path
        assert source.is_file(), path
        if name:
            assert re.search(rf"^(async )?def {name}\(", source.read_text(), re.M), (path, name)
