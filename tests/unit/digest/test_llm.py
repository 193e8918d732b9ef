"""The optional LLM summary: over real HTTP to a local stand-in, with every failure -> None."""

from __future__ import annotations

import logging

import pytest

from bot.digest.llm import LlmEndpoint, llm_summary
from tests.unit.digest.llm_standin import SUMMARY, llm_standin

ANSWERS = ["We rolled out the new devices to year seven.", "I listened before fixing."]


def endpoint(url: str, timeout: float = 5.0) -> LlmEndpoint:
    return LlmEndpoint(url=url, model="small-model", api_key="sk-test", timeout=timeout)


async def test_the_endpoint_gets_the_answers_with_the_model_and_key() -> None:
    async with llm_standin() as standin:
        text = await llm_summary(endpoint(standin.url), ANSWERS)

    assert text == SUMMARY
    (request,) = standin.requests
    assert request["model"] == "small-model"
    assert all(answer in request["messages"][-1]["content"] for answer in ANSWERS)
    assert standin.headers[0]["Authorization"] == "Bearer sk-test"


@pytest.mark.parametrize("mode", ["error", "garbage"])
async def test_a_refusal_or_bad_reply_gives_none(mode: str) -> None:
    async with llm_standin() as standin:
        standin.mode = mode
        assert await llm_summary(endpoint(standin.url), ANSWERS) is None


async def test_a_timeout_gives_none() -> None:
    async with llm_standin() as standin:
        standin.mode = "hang"
        assert await llm_summary(endpoint(standin.url, timeout=0.2), ANSWERS) is None


async def test_an_unreachable_endpoint_gives_none() -> None:
    assert await llm_summary(endpoint("http://127.0.0.1:9/v1", timeout=1), ANSWERS) is None


async def test_nothing_sent_or_received_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with llm_standin() as standin:
        await llm_summary(endpoint(standin.url), ANSWERS)
        standin.mode = "error"
        await llm_summary(endpoint(standin.url), ANSWERS)

    logged = caplog.text + " ".join(str(getattr(r, "fields", "")) for r in caplog.records)
    assert "year seven" not in logged and "listening" not in logged
