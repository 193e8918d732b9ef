"""The optional abstractive summary, from an OpenAI-compatible chat completions endpoint.

Used only when the community turned it on (`/pln summaries llm`) and PLN_LLM_URL is set,
because the member's answers then leave this machine. Any failure (timeout, refused
connection, non-2xx status, unexpected JSON, an empty reply) returns None and the caller
keeps the local summary. Nothing sent or received is ever logged, only what went wrong.

The answers travel only over https://, or plain http:// to this machine (localhost,
127.0.0.1, ::1: a model served locally). `url_refusal` is the one rule: the settings check
PLN_LLM_URL with it, and `llm_summary` checks again, so an endpoint built in code cannot
send a member's words across the network unencrypted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 12_000  # the most recent answers, so a long history stays one request
MAX_OUTPUT_CHARS = 1_500
INSTRUCTIONS = (
    "You summarise a school technology leader's private reflections for them. Write 3 to 5 "
    "sentences in the second person, in British English, about what they focused on, what "
    "they learnt and what they intend to do. Use only what the reflections say; do not "
    "invent events, names or advice."
)


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def url_refusal(url: str) -> str | None:
    """Why `url` may not receive members' answers (one line), or None when it may."""
    expected = "expected an https:// URL like https://api.example.org/v1"
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced [ in the host
        return expected
    if parts.scheme not in ("http", "https") or not host:
        return expected
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return (
            f"plain http:// to {host} would send members' answers unencrypted: use "
            "https://, or http:// only to localhost, 127.0.0.1 or [::1]"
        )
    return None


@dataclass(frozen=True)
class LlmEndpoint:
    url: str  # the API base, e.g. https://api.example.org/v1
    model: str
    api_key: str | None
    timeout: float  # seconds, for the whole request


def _input(answers: Sequence[str]) -> str:
    kept: list[str] = []
    size = 0
    for text in reversed(answers):  # newest first, then put back in order
        if size + len(text) > MAX_INPUT_CHARS and kept:
            break
        kept.append(text[:MAX_INPUT_CHARS])
        size += len(text)
    return "\n\n---\n\n".join(reversed(kept))


def _reply_text(body: Any) -> str | None:
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(content, str) or not content.strip():
        return None
    return content.strip()[:MAX_OUTPUT_CHARS]


async def llm_summary(endpoint: LlmEndpoint, answers: Sequence[str]) -> str | None:
    """The endpoint's summary of `answers`, or None on any failure (the caller falls back)."""
    if not answers:
        return None
    if url_refusal(endpoint.url) is not None:
        log.warning("llm summary refused: the endpoint is not https:// nor on this machine")
        return None
    payload = {
        "model": endpoint.model,
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": _input(answers)},
        ],
    }
    headers = {"Authorization": f"Bearer {endpoint.api_key}"} if endpoint.api_key else {}
    url = endpoint.url.rstrip("/") + "/chat/completions"
    # imported here: a console bot never needs aiohttp, and it takes a tenth of a second
    import aiohttp

    try:
        timeout = aiohttp.ClientTimeout(total=endpoint.timeout)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, json=payload, headers=headers) as response,
        ):
            if response.status // 100 != 2:
                log.warning("llm summary refused", extra={"fields": {"status": response.status}})
                return None
            body = await response.json(content_type=None)
    except TimeoutError:
        log.warning("llm summary timed out", extra={"fields": {"timeout": endpoint.timeout}})
        return None
    except Exception as error:  # any failure at all: the local summary is always there
        log.warning("llm summary failed", extra={"fields": {"error": type(error).__name__}})
        return None
    text = _reply_text(body)
    if text is None:
        log.warning("llm summary had no usable text")
    return text
