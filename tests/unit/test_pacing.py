"""The Pacer: cool-downs after a refusal, and surviving bolt's deep copy of a request context."""

from __future__ import annotations

import copy

from bot.adapters.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_refusal_holds_every_later_send_back_for_its_cool_down() -> None:
    time = FakeTime()
    pacer = Pacer(1000, sleep=time.sleep, monotonic=time.monotonic)
    await pacer.wait_turn()
    assert time.slept == []
    pacer.slow_down(7)
    await pacer.wait_turn()
    assert time.slept == [7]
    await pacer.wait_turn()
    assert time.slept == [7]  # the cool-down is over
    assert pacer.cool_downs == 1


async def test_a_deep_copy_is_the_same_pacer_even_after_use() -> None:
    # bolt deep-copies the context (client, retry handlers, pacer) for lazy listeners; the
    # limiter holds the running loop after its first use, which cannot be copied.
    pacer = Pacer(5)
    await pacer.wait_turn()
    assert copy.deepcopy({"pacer": pacer})["pacer"] is pacer
