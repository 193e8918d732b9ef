"""The Pacer: the configured rate exactly, concurrent turns in order, AIMD after a refusal,
per-key scopes forgotten when idle, and surviving bolt's deep copy. Time is moved, never
slept."""

from __future__ import annotations

import asyncio
import copy

import pytest

from bot.adapters.pacing import Pacer, PacerSet, wait_turns


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer_at(rate: float, time: FakeTime) -> Pacer:
    return Pacer(rate, sleep=time.sleep, monotonic=time.monotonic)


async def test_a_refusal_holds_every_later_send_back_for_its_cool_down() -> None:
    time = FakeTime()
    pacer = pacer_at(1000, time)
    await pacer.wait_turn()
    assert time.slept == []
    pacer.slow_down(7)
    await pacer.wait_turn()
    assert time.slept == [7]
    time.now += 1  # the halved rate's next slot is long past
    await pacer.wait_turn()
    assert time.slept == [7]  # the cool-down is over
    assert pacer.cool_downs == 1


def test_turns_are_spaced_at_exactly_the_rate() -> None:
    time = FakeTime()
    pacer = pacer_at(5, time)
    delays = [pacer.reserve() for _ in range(6)]
    assert delays == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])


async def test_concurrent_senders_get_distinct_slots_in_order() -> None:
    time = FakeTime()
    pacer = Pacer(10, sleep=lambda s: asyncio.sleep(0), monotonic=time.monotonic)
    delays = [pacer.reserve() for _ in range(20)]
    assert delays == sorted(delays)
    assert len(set(round(d, 6) for d in delays)) == 20
    assert delays[-1] == pytest.approx(1.9)  # 20 turns over 2 s at 10/s


def test_a_refusal_halves_the_rate_which_then_grows_back_additively() -> None:
    time = FakeTime()
    pacer = pacer_at(10, time)
    pacer.slow_down(2)
    assert pacer.rate == 5
    assert pacer.reserve() == pytest.approx(2.0)  # held for Retry-After
    time.now += 2
    time.now += 30  # half the recovery time later: half the lost rate is back
    pacer.reserve()
    assert pacer.rate == pytest.approx(7.5)
    time.now += 60
    pacer.reserve()
    assert pacer.rate == 10  # never above the configured rate


def test_halving_stops_at_a_floor() -> None:
    time = FakeTime()
    pacer = Pacer(64, sleep=time.sleep, monotonic=time.monotonic, recovery_seconds=1e12)
    for _ in range(20):
        pacer.slow_down(0)
        time.now += 1.5  # each refusal a crossing of its own
    assert pacer.rate == 1.0


def test_refusals_of_one_crossing_halve_the_rate_once() -> None:
    """Sixteen sends in flight when the limit is crossed: sixteen 429s, one halving."""
    time = FakeTime()
    pacer = pacer_at(40, time)
    for _ in range(16):
        pacer.slow_down(1.0)
        time.now += 0.01
    assert pacer.rate == pytest.approx(20, rel=0.01)
    assert pacer.cool_downs == 16
    time.now += 1.0 + 0.9  # still within a second of the cool-down's end: the same crossing
    pacer.slow_down(0.5)
    assert pacer.rate == pytest.approx(20, rel=0.05)
    time.now += 5  # a later crossing halves again
    pacer.slow_down(0.5)
    assert pacer.rate == pytest.approx(10, rel=0.2)


def test_keyed_scopes_are_independent_and_idle_ones_are_forgotten() -> None:
    time = FakeTime()
    scopes = PacerSet(1, sleep=time.sleep, monotonic=time.monotonic, keep=3)
    assert scopes.of("D1").reserve() == 0
    assert scopes.of("D2").reserve() == 0  # another channel: its own second
    assert scopes.of("D1").reserve() == pytest.approx(1.0)
    scopes.of("D3")
    time.now += 5
    scopes.of("D4")  # a fourth: the idle ones are dropped first
    assert len(scopes) <= 3


async def test_narrow_scope_first_wastes_no_wide_slot() -> None:
    time = FakeTime()
    channel, workspace = pacer_at(1, time), pacer_at(5, time)
    await wait_turns(channel, workspace)
    await wait_turns(channel, workspace)  # the same DM channel: waits its second
    assert time.slept == [1.0]
    assert workspace.reserve() == pytest.approx(0.2)  # not pushed a second ahead


async def test_a_deep_copy_is_the_same_pacer_even_after_use() -> None:
    # bolt deep-copies the context (client, retry handlers, pacer) for lazy listeners
    pacer = Pacer(5)
    await pacer.wait_turn()
    assert copy.deepcopy({"pacer": pacer})["pacer"] is pacer
    scopes = PacerSet(1)
    assert copy.deepcopy(scopes) is scopes
