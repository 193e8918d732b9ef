"""Where members' answers may be sent: https://, or plain http:// to this machine only."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.config_values import check_llm_url
from bot.digest.llm import LlmEndpoint, llm_summary, url_refusal
from tests.unit.digest.llm_standin import SUMMARY, llm_standin


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.org/v1",
        "http://127.0.0.1:8080/v1",
        "http://localhost:8000/v1",
        "http://[::1]:8000/v1",
    ],
)
def test_https_anywhere_or_http_to_this_machine_is_allowed(url: str) -> None:
    assert url_refusal(url) is None
    assert check_llm_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/v1",
        "http://192.168.1.20:8080/v1",
        "http://localhost.example.org/v1",
        "http://127.0.0.1@example.org/v1",  # user info, not the host
        "http://0.0.0.0:8080/v1",
    ],
)
def test_plain_http_elsewhere_is_refused_in_one_line(url: str) -> None:
    refusal = url_refusal(url)
    assert refusal is not None and "\n" not in refusal
    assert "unencrypted" in refusal and "https://" in refusal
    with pytest.raises(ValueError, match="unencrypted"):
        check_llm_url(url)


@pytest.mark.parametrize("url", ["ftp://models.example", "https://", "http://[::1"])
def test_not_a_url_is_refused(url: str) -> None:
    assert url_refusal(url) is not None


async def test_the_client_refuses_before_opening_any_connection(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    opened: list[object] = []

    def no_session(*args: object, **kwargs: object) -> object:
        opened.append(args)
        raise AssertionError("no connection may be opened")

    # bot.digest.llm imports aiohttp when it sends: the same module object as this one
    monkeypatch.setattr(aiohttp, "ClientSession", no_session)
    caplog.set_level(logging.WARNING)
    endpoint = LlmEndpoint("http://example.org/v1", "m", "sk-test", 5)

    assert await llm_summary(endpoint, ["Our private layoffs plan."]) is None
    assert opened == []
    assert "refused" in caplog.text and "layoffs" not in caplog.text


async def test_the_local_stand_in_over_plain_http_still_works() -> None:
    async with llm_standin() as standin:
        assert standin.url.startswith("http://127.0.0.1:")
        endpoint = LlmEndpoint(standin.url, "m", None, 5)
        assert await llm_summary(endpoint, ["We rolled out the devices."]) == SUMMARY
