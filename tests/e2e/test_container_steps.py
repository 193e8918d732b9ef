"""The container image's steps, rehearsed without a container engine, and compose.yaml checked.

Where the tests run no image can be built: Docker Hub (where `python:3.11-slim` and
`postgres:15` come from) is not reachable, and no daemon runs (Debian's podman 4.3.1 installs,
but `podman pull docker.io/library/python:3.11-slim` fails: the registry's name does not
even resolve; only PyPI, Debian and npm are reachable). So the Dockerfile's steps are
done by hand, the same way: the package is built from this checkout (`pip install .` in the
image), installed into a fresh virtualenv by a non-root user (`USER pln`), started with the
image's environment (`PLN_HTTP_PORT`, a data directory of its own) and asked with the
image's HEALTHCHECK command, `pln-bot healthcheck`. Not proven here: the base image, the
image build itself, and pip resolving the dependencies from PyPI (the virtualenv reuses
this test environment's installed dependencies: same Python minor version, no download).

compose.yaml is validated against the Compose Specification's JSON schema, vendored in
tests/support/compose/ from github.com/compose-spec/compose-spec (Apache-2.0).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "support" / "compose" / "compose-spec.json"
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
NON_ROOT = "nobody"
LINE_TIMEOUT = 60.0


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per Dockerfile instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_compose_yaml_follows_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    compose = _compose()

    jsonschema.Draft7Validator(schema).validate(compose)
    broken = copy.deepcopy(compose)
    broken["services"]["bot"]["ports"] = "3000"  # a string where a list belongs
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(broken)


def test_compose_runs_the_image_with_its_port_volume_and_postgres() -> None:
    bot = _compose()["services"]["bot"]
    volume = dict(_dockerfile())["VOLUME"]

    assert bot["build"] == "."
    assert bot["environment"]["PLN_HTTP_PORT"] == "3000"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://pln:")
    assert any(str(port).endswith(":3000") for port in bot["ports"])
    assert f"botdata:{volume}" in bot["volumes"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_dockerfile_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    steps = _dockerfile()
    instructions = dict(steps)

    assert steps[0] == ("FROM", "python:3.11-slim")
    assert instructions["USER"] not in ("root", "0")
    assert "PLN_HTTP_PORT=3000" in " ".join(args for word, args in steps if word == "ENV")
    assert instructions["EXPOSE"] == "3000"
    assert json.loads(instructions["HEALTHCHECK"].split("CMD", 1)[1]) == [
        "pln-bot",
        "healthcheck",
    ]
    assert json.loads(instructions["CMD"])[:2] == ["pln-bot", "run"]


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """A directory the non-root user owns (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="pln-image-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(NON_ROOT)
        os.chown(path, user.pw_uid, user.pw_gid)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _as_user() -> dict[str, Any]:
    """subprocess arguments that drop root, as the image's `USER pln` does."""
    if os.geteuid() != 0:
        return {}  # already not root
    return {"user": NON_ROOT, "group": pwd.getpwnam(NON_ROOT).pw_gid, "extra_groups": []}


def _env(workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PLN_", "SLACK_", "DISCORD_", "DATABASE_URL", "PYTHON", "VIRTUAL"))
    }
    env.update(
        HOME=str(workdir),
        PATH=f"{workdir / 'venv' / 'bin'}:/usr/bin:/bin",
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # as the image: a data directory, /healthz and /metrics on PLN_HTTP_PORT
        DATABASE_URL=f"sqlite:///{workdir / 'data' / 'pln-bot.db'}",
        PLN_DATA_DIR=str(workdir / "data"),
        PLN_HTTP_HOST="127.0.0.1",
        PLN_HTTP_PORT="0",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def installed(workdir: Path) -> Path:
    """`RUN pip install .` as the image does it, into a virtualenv the user owns: the wheel
    built from the checkout, installed with this environment's dependencies."""
    if not SYSTEM_PYTHON.exists():
        pytest.skip(f"no {SYSTEM_PYTHON} a non-root user can run")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(workdir / "dist"), str(ROOT)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (wheel,) = (workdir / "dist").glob("pln_bot-*.whl")
    os.chmod(workdir / "dist", 0o755)
    env, user = _env(workdir), _as_user()
    subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(workdir / "venv")],
        check=True, env=env, timeout=60, **user,
    )  # fmt: skip
    site = _site(workdir)
    deps = site / "test-environment-dependencies.pth"
    deps.write_text(str(_dependencies_for_the_user(workdir)) + "\n", encoding="utf-8")
    subprocess.run(
        ["python", "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
         "--quiet", str(wheel)],
        check=True, env=env, cwd=workdir, timeout=120, capture_output=True, **user,
    )  # fmt: skip
    return workdir / "venv" / "bin" / "pln-bot"


def _dependencies_for_the_user(workdir: Path) -> Path:
    """This environment's installed dependencies where the non-root user can read them.

    The checkout (and its .venv) may sit in a directory only root can enter, such as a
    `mktemp -d` clone; so when the steps drop root, the dependencies are mirrored into the
    user's work directory as hard links (no data copied; a plain copy across filesystems).
    """
    purelib = Path(sysconfig.get_paths()["purelib"])
    if os.geteuid() != 0:
        return purelib  # the user who runs the tests can read their own environment
    mirror = workdir / "dependencies"
    shutil.copytree(purelib, mirror, symlinks=True, copy_function=_link_or_copy)
    return mirror


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:  # another filesystem, or links not allowed there
        shutil.copy2(source, destination)


def _site(workdir: Path) -> Path:
    return workdir / "venv" / "lib" / SYSTEM_PYTHON.name / "site-packages"


async def _run(workdir: Path, *command: str) -> tuple[int, bytes]:
    """A command as the user, in the work directory (never the checkout): exit code, stdout."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=workdir, env=_env(workdir), stdout=asyncio.subprocess.PIPE, **_as_user()
    )
    out, _ = await asyncio.wait_for(process.communicate(), LINE_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out


async def test_the_image_steps_install_and_run_as_a_non_root_user(
    workdir: Path, installed: Path
) -> None:
    # CMD pln-bot run (the console: it needs no platform), then the HEALTHCHECK command
    process = await asyncio.create_subprocess_exec(
        str(installed), "run", "--adapter", "console", "--member", "operator",
        cwd=workdir, env=_env(workdir), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, **_as_user(),
    )  # fmt: skip
    assert process.stdout is not None and process.stdin is not None
    try:
        port = await _port_from_banner(process.stdout)
        healthy, answer = await _run(workdir, str(installed), "healthcheck", "--port", port)
    finally:
        process.stdin.close()  # the console ends at EOF, as Ctrl-D
        _, stderr = await asyncio.wait_for(process.communicate(), LINE_TIMEOUT)
    gone, _ = await _run(workdir, str(installed), "healthcheck", "--port", port)
    _, module = await _run(workdir, "python", "-c", "import bot; print(bot.__file__)")

    assert healthy == 0, answer
    assert answer.decode().strip() == "ok"
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert gone == 1  # nobody answers any more: the orchestrator sees it
    owner = pwd.getpwnam(NON_ROOT).pw_uid if os.geteuid() == 0 else os.geteuid()
    assert (workdir / "data" / "pln-bot.db").stat().st_uid == owner
    assert module.decode().startswith(str(_site(workdir))), "the installed copy ran"


async def _port_from_banner(stdout: asyncio.StreamReader) -> str:
    seen = []
    while True:
        raw = await asyncio.wait_for(stdout.readline(), LINE_TIMEOUT)
        if not raw:
            raise AssertionError(f"the bot exited before serving /healthz: {seen}")
        seen.append(raw.decode())
        match = re.search(r"http://127\.0\.0\.1:(\d+)/healthz", seen[-1])
        if match:
            return match[1]
