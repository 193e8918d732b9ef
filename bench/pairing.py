"""Pairing benchmark: one check-in round of 10,000 members, and 1,000 mentees matched.

The community is generated from a seed: members in ten time zones (most in Europe and
the Americas), about three per school, a role each (or none), up to four interests out of
forty framework elements, and a 12-week history of six fortnightly rounds (random pairs)
that the new round must not repeat. Nothing touches a database: `form_groups` and
`match_mentors` are pure, and the callers read and write the store around them.

What is printed, each time the median of `--runs` runs:

- **one round** of `--members` (10,000) and of a tenth of them (1,000), run alternately,
  and the ratio time(10,000) / time(1,000): linear would be 10, the goal is at most 12;
- **peak memory** of the big round, traced by tracemalloc in a separate run (tracing slows
  Python down, so the timed runs are untraced);
- **baseline**: networkx's `max_weight_matching` on ONE random graph of 500 nodes with
  8 edges each, measured in the same run: the cost of matching a community in one graph,
  which is why large rounds are cut into blocks (bot/core/checkins/pairing.py);
- **mentors**: 1,000 mentees and 300 mentors (1-3 places each) matched by
  `match_mentors`, one dense assignment.

    .venv/bin/python bench/pairing.py
    .venv/bin/python bench/pairing.py --members 20000 --runs 1
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from time import perf_counter

import networkx as nx

from bot.core.checkins.mentoring import match_mentors
from bot.core.checkins.model import (
    ROLES,
    Assessment,
    MentorOfferInput,
    PastMeeting,
    Person,
    RoundInput,
)
from bot.core.checkins.pairing import form_groups

TODAY = date(2026, 12, 7)
# zone, weight: where members of an English-speaking network of schools tend to be
ZONES = (
    ("Europe/London", 20),
    ("America/New_York", 20),
    ("America/Chicago", 12),
    ("America/Los_Angeles", 12),
    ("America/Toronto", 8),
    ("Europe/Berlin", 8),
    ("Africa/Lagos", 5),
    ("Asia/Kolkata", 5),
    ("Australia/Sydney", 6),
    ("Pacific/Auckland", 4),
)
BASELINE_NODES = 500
ELEMENTS = tuple(f"framework{i // 8}/element{i % 8}" for i in range(40))


def community(members: int, seed: int) -> RoundInput:
    """`members` opted-in people with six fortnightly rounds of history."""
    rng = random.Random(seed)
    zones = [z for z, _ in ZONES]
    weights = [w for _, w in ZONES]
    people = tuple(
        Person(
            member_id=i,
            zone=rng.choices(zones, weights)[0],
            school_key=f"school{rng.randrange(max(1, members // 3))}",
            role=rng.choice((*ROLES, None)),
            interests=frozenset(rng.sample(ELEMENTS, rng.randrange(5))),
        )
        for i in range(members)
    )
    history = []
    for week in range(2, 13, 2):
        ids = list(range(members))
        rng.shuffle(ids)
        on = TODAY - timedelta(weeks=week)
        history += [PastMeeting(a, b, on) for a, b in zip(ids[::2], ids[1::2], strict=False)]
    return RoundInput(people, tuple(history), TODAY, seed=seed)


def mentoring(
    mentees: int, mentors: int, seed: int
) -> tuple[list[Assessment], list[MentorOfferInput]]:
    rng = random.Random(seed)
    zones = [z for z, _ in ZONES]

    def assessment(member_id: int, low: int, high: int) -> Assessment:
        return Assessment(
            member_id=member_id,
            zone=rng.choice(zones),
            ratings=tuple(rng.randint(low, high) for _ in range(5)),  # type: ignore[arg-type]
            role=rng.choice((*ROLES, None)),
            school_key=f"school{rng.randrange(max(1, (mentees + mentors) // 3))}",
        )

    found = [assessment(i, 1, 4) for i in range(mentees)]
    offers = [
        MentorOfferInput(assessment(mentees + i, 2, 5), capacity=rng.randint(1, 3))
        for i in range(mentors)
    ]
    return found, offers


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = perf_counter()
        work()
        times.append(perf_counter() - started)
    return statistics.median(times)


def one_graph_baseline(nodes: int, seed: int) -> float:
    rng = random.Random(seed)
    graph = nx.Graph()
    graph.add_nodes_from(range(nodes))
    for u in range(nodes):
        for _ in range(8):
            v = rng.randrange(nodes)
            if v != u:
                graph.add_edge(u, v, weight=rng.randrange(150))
    started = perf_counter()
    nx.max_weight_matching(graph, maxcardinality=True)
    return perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    big = community(args.members, args.seed)
    small = community(args.members // 10, args.seed)
    result = form_groups(big)  # warm-up (imports, zone caches), and the figures of the round
    # alternate the two sizes, so a busy moment on a shared machine slows both alike
    big_times, small_times = [], []
    for _ in range(args.runs):
        small_times.append(median_seconds(lambda: form_groups(small), 1))
        big_times.append(median_seconds(lambda: form_groups(big), 1))
    big_seconds, small_seconds = statistics.median(big_times), statistics.median(small_times)
    tracemalloc.start()
    form_groups(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    baseline = one_graph_baseline(BASELINE_NODES, args.seed)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"medians of {args.runs} runs, seed {args.seed}, load average {load:.1f}")
    print(
        f"round of {len(big.people):,} members ({len(big.history):,} past meetings):"
        f" {big_seconds:.2f} s, peak traced memory {peak / 2**20:.0f} MiB"
    )
    groups = max(1, len(result.groups))
    long_overlap = sum(
        g.overlap_start is not None
        and g.overlap_end is not None
        and g.overlap_end - g.overlap_start >= timedelta(hours=2)
        for g in result.groups
    )
    sharing = sum(bool(g.shared_interests) for g in result.groups)
    print(
        f"  {len(result.groups):,} groups, {len(result.unplaced)} unplaced,"
        f" {sum(g.repeat for g in result.groups)} repeats, {long_overlap / groups:.0%} with"
        f" >= 2 h overlap, {sharing / groups:.0%} sharing an interest; avoided:"
        f" {result.repeats_avoided} repeats, {result.same_school_avoided} same-school pairs"
    )
    print(f"round of {len(small.people):,} members: {small_seconds:.2f} s")
    print(
        f"time({len(big.people):,}) / time({len(small.people):,}) = "
        f"{big_seconds / small_seconds:.1f} (linear: 10, goal: at most 12)"
    )
    print(
        f"baseline: max_weight_matching on one graph of {BASELINE_NODES:,} nodes: {baseline:.2f} s;"
        f" the {len(big.people):,}-member round costs {big_seconds / baseline:.1f} of those"
    )

    mentees, offers = mentoring(1_000, 300, args.seed)
    matches: list[object] = []
    mentor_seconds = median_seconds(
        lambda: matches.append(match_mentors(mentees, offers)), args.runs
    )
    places = sum(o.capacity for o in offers)
    matched = matches[-1]
    assert isinstance(matched, list)
    print(
        f"mentors: {len(mentees):,} mentees, {len(offers)} mentors ({places} places):"
        f" {mentor_seconds:.2f} s, {len(matched)} matched"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
