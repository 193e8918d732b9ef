"""Forming one check-in round: groups of two (one of three when the number is odd).

A real optimisation, not a greedy loop: maximum-weight matching (networkx's
`max_weight_matching`, maximum cardinality first) on a sparse compatibility graph whose
missing edges are the hard rules. The weights are in `affinity`; docs/CHECKINS.md explains
the rules with an example.

Why blocks: networkx's blossom algorithm is pure Python and grows much faster than the
graph (measured on the 2-core development machine with 8 edges a member: 1,000 members
2.9 s, 2,000 15.7 s, 4,000 98 s), so a round of 10,000 cannot be one graph. Large rounds are
cut into blocks of `BLOCK_SIZE` people who are neighbours in the sense that matters, sorted
by the start of their working day (so a block shares working hours), then by one of their
interests (so a block shares interests), then in a seeded random order (so blocks differ
from round to round). Inside a block every pair is scored and each member keeps their best
`candidates_per_person` fresh partners as edges, plus half as many drawn by the seed. The
cost is O(n * BLOCK_SIZE) scoring and n / BLOCK_SIZE matchings of bounded size: linear in
n. People a block could not place get a second chance in a pass over all such leftovers,
where every pair among them is an edge and recently met pairs are edges of last resort.

The counts reported with the round are defined over the pairs the matcher compared while
building its graphs (every pair of the round when it has at most `BLOCK_SIZE` people; the
pairs inside each block, and among the leftovers, when it is larger):
`same_school_avoided` is the number of those pairs from the same school (never an edge),
`repeats_avoided` the number of those pairs that met within the window and were not put in
one group (a repeat is only an edge of last resort).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import combinations

from bot.core.checkins.affinity import (
    FRESH,
    Candidate,
    PairScorer,
    candidates_of,
    complementary,
    last_met,
    overlap_minutes,
    same_school,
)
from bot.core.checkins.model import Group, RoundInput, RoundResult

BLOCK_SIZE = 60  # even, so a block of a large round never leaves someone out by parity
DENSE_LIMIT = 24  # up to this many people, every allowed pair is an edge
EXACT_TRIAD_LIMIT = 11  # up to this many people, every possible triad is tried
LEFTOVER_PASSES = 3
ODD_ONE_TRIES = 8  # leftovers tried as the third member of a pair on large rounds

Pair = tuple[int, int]


def form_groups(round: RoundInput) -> RoundResult:
    """Group the round's people; the same input and seed always give the same groups.

    When the number is odd, one group of three (`odd == "triad"`), or one member sits out
    (`odd == "sit_out"`): never one who is `first_in_line`, otherwise chosen in the seed's
    order (with everyone first in line, a triad after all). Placing people comes first,
    then avoiding repeats within the window, then the weights (`affinity`).
    """
    rng = random.Random(round.seed)
    members = candidates_of(round.people, round.today)
    search = _Search(
        PairScorer(round.today, 7 * round.repeat_window_weeks, last_met(round.history)),
        max(1, round.candidates_per_person),
    )
    sat_out: int | None = None
    pool = members
    odd = len(members) % 2 == 1
    if odd and round.odd == "sit_out":
        eligible = [m for m in members if not m.first_in_line]
        if eligible:
            chosen = eligible[rng.randrange(len(eligible))]
            sat_out = chosen.member_id
            pool = [m for m in members if m is not chosen]
            odd = False
    if odd and len(pool) <= EXACT_TRIAD_LIMIT:
        groups, leftovers = search.best_with_triad(pool)
    else:
        groups, leftovers = search.pairs(pool, rng)
        if odd and leftovers:
            groups, leftovers = search.place_odd_one(groups, leftovers)
    grouped = {pair for group in groups for pair in _pairs_of(group)}
    return RoundResult(
        groups=tuple(sorted((search.group(g) for g in groups), key=lambda g: g.member_ids)),
        sat_out=sat_out,
        repeats_avoided=len(search.recent_seen - grouped),
        same_school_avoided=len(search.same_school_seen),
        unplaced=tuple(sorted(m.member_id for m in leftovers)),
    )


def _key(a: Candidate, b: Candidate) -> Pair:
    return (a.member_id, b.member_id) if a.member_id < b.member_id else (b.member_id, a.member_id)


def _pairs_of(group: Sequence[Candidate]) -> list[Pair]:
    return [_key(a, b) for a, b in combinations(group, 2)]


def _instant(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, UTC)


class _Search:
    """One round's matcher: the scorer, k, and the pairs it compared (for the counts)."""

    def __init__(self, scorer: PairScorer, k: int) -> None:
        self.scorer = scorer
        self.k = k
        self.same_school_seen: set[Pair] = set()
        self.recent_seen: set[Pair] = set()

    # -- the graph and the matching -------------------------------------------------------

    def edges(
        self, members: Sequence[Candidate], rng: random.Random | None
    ) -> list[tuple[int, int, int]]:
        """The graph's edges: weighted pairs, (smaller id, larger id, weight).

        Without `rng` (small rounds, leftovers): every allowed pair, recently met ones
        included with their low weight as edges of last resort. With `rng` (a block of a
        large round): each member's best k fresh partners plus k/2 fresh ones drawn by the
        seed; the draw keeps popular members from taking all the edges (best-k alone makes
        hubs, and a graph of hubs has no perfect matching), and recent pairs are left to
        the leftover pass.
        """
        fresh: list[tuple[int, int, int]] = []
        out: list[tuple[int, int, int]] = []
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                key = _key(a, b)
                if same_school(a, b):
                    self.same_school_seen.add(key)
                    continue
                weight = self.scorer.weight(a, b)
                if weight < FRESH:
                    self.recent_seen.add(key)
                    out.append((*key, weight))
                else:
                    fresh.append((*key, weight))
        if rng is None:
            return out + fresh
        best: dict[int, list[tuple[int, int, int]]] = {}
        for edge in fresh:
            best.setdefault(edge[0], []).append(edge)
            best.setdefault(edge[1], []).append(edge)
        kept: set[tuple[int, int, int]] = set()
        for member_id in sorted(best):
            member_edges = best[member_id]
            member_edges.sort(key=lambda e: (-e[2], e[0], e[1]))
            kept.update(member_edges[: self.k])
            rest = member_edges[self.k :]
            kept.update(rng.sample(rest, min(len(rest), max(1, self.k // 2))))
        return sorted(kept)

    def match(
        self, members: Sequence[Candidate], rng: random.Random | None = None
    ) -> tuple[list[tuple[Candidate, ...]], list[Candidate], int]:
        """Maximum-cardinality, maximum-weight matching: (pairs, unmatched, total weight)."""
        # networkx takes a sixth of a second to import: only a round needs it, not every start
        import networkx as nx

        by_id = {m.member_id: m for m in members}
        graph = nx.Graph()
        graph.add_nodes_from(sorted(by_id))
        graph.add_weighted_edges_from(self.edges(members, rng))
        matching = nx.max_weight_matching(graph, maxcardinality=True)
        pairs = sorted(tuple(sorted(edge)) for edge in matching)
        total = sum(graph[a][b]["weight"] for a, b in pairs)
        matched = {member_id for pair in pairs for member_id in pair}
        leftovers = [m for m in members if m.member_id not in matched]
        return [(by_id[a], by_id[b]) for a, b in pairs], leftovers, total

    # -- large rounds: blocks, then the leftovers -----------------------------------------

    def blocks(self, pool: Sequence[Candidate], rng: random.Random) -> list[list[Candidate]]:
        """Neighbourhoods of BLOCK_SIZE: working day, then an interest, then the seed."""
        ranks = list(range(len(pool)))
        rng.shuffle(ranks)
        keys = []
        for rank, member in zip(ranks, pool, strict=True):
            interests = sorted(member.interests)
            topic = interests[rng.randrange(len(interests))] if interests else ""
            keys.append((member.start, topic, rank))
        order = sorted(range(len(pool)), key=keys.__getitem__)
        return [
            [pool[i] for i in order[start : start + BLOCK_SIZE]]
            for start in range(0, len(order), BLOCK_SIZE)
        ]

    def pairs(
        self, pool: Sequence[Candidate], rng: random.Random
    ) -> tuple[list[tuple[Candidate, ...]], list[Candidate]]:
        if len(pool) <= DENSE_LIMIT:
            small_groups, small_left, _ = self.match(pool)
            return small_groups, small_left
        groups: list[tuple[Candidate, ...]] = []
        leftovers: list[Candidate] = []
        for block in [list(pool)] if len(pool) <= BLOCK_SIZE else self.blocks(pool, rng):
            block_groups, block_left, _ = self.match(block, rng)
            groups += block_groups
            leftovers += block_left
        for _ in range(LEFTOVER_PASSES):
            if len(leftovers) < 2:
                break
            chunks = [leftovers] if len(leftovers) <= BLOCK_SIZE else self.blocks(leftovers, rng)
            still: list[Candidate] = []
            for chunk in chunks:
                chunk_groups, chunk_left, _ = self.match(chunk)
                groups += chunk_groups
                still += chunk_left
            if len(still) == len(leftovers):
                break
            leftovers = still
        return groups, sorted(leftovers, key=lambda m: m.member_id)

    # -- the group of three ---------------------------------------------------------------

    def triad_allowed(self, group: Sequence[Candidate]) -> bool:
        return not any(same_school(a, b) for a, b in combinations(group, 2))

    def group_weight(self, group: Sequence[Candidate]) -> int:
        return sum(self.scorer.weight(a, b) for a, b in combinations(group, 2))

    def best_with_triad(
        self, pool: Sequence[Candidate]
    ) -> tuple[list[tuple[Candidate, ...]], list[Candidate]]:
        """Small odd rounds, exactly: every allowed triad with the best matching of the rest.

        Compared by (people placed, fewest repeats, total weight); no triad at all is one of
        the options (when no three people may meet).
        """
        groups, leftovers, total = self.match(pool)
        best = (self.value(groups, total), groups, leftovers)
        for triad in combinations(pool, 3):
            if not self.triad_allowed(triad):
                continue
            rest = [m for m in pool if m not in triad]
            rest_groups, rest_left, rest_total = self.match(rest)
            option = [triad, *rest_groups]
            value = self.value(option, rest_total + self.group_weight(triad))
            if value > best[0]:
                best = (value, option, rest_left)
        return best[1], best[2]

    def value(self, groups: Sequence[Sequence[Candidate]], total: int) -> tuple[int, int, int]:
        placed = sum(len(g) for g in groups)
        repeats = sum(self.scorer.recent(a, b) for g in groups for a, b in combinations(g, 2))
        return placed, -repeats, total

    def place_odd_one(
        self, groups: list[tuple[Candidate, ...]], leftovers: list[Candidate]
    ) -> tuple[list[tuple[Candidate, ...]], list[Candidate]]:
        """Large odd rounds: the leftover joins the pair it suits best (fresh pairs first)."""
        best: tuple[int, int, Candidate] | None = None
        for member in leftovers[:ODD_ONE_TRIES]:
            for index, group in enumerate(groups):
                if len(group) != 2 or not self.triad_allowed((*group, member)):
                    continue
                weight = sum(self.scorer.weight(member, other) for other in group)
                if best is None or weight > best[0]:
                    best = (weight, index, member)
        if best is None:
            return groups, leftovers
        _, index, member = best
        groups = list(groups)
        groups[index] = (*groups[index], member)
        return groups, [m for m in leftovers if m is not member]

    # -- the result -----------------------------------------------------------------------

    def group(self, members: Sequence[Candidate]) -> Group:
        ordered = sorted(members, key=lambda m: m.member_id)
        minutes = overlap_minutes(ordered)
        start = max(m.start for m in ordered)
        return Group(
            member_ids=tuple(m.member_id for m in ordered),
            shared_interests=frozenset.intersection(*(m.interests for m in ordered)),
            complementary=complementary(ordered),
            overlap_start=_instant(start) if minutes else None,
            overlap_end=_instant(start + minutes) if minutes else None,
            repeat=any(self.scorer.recent(a, b) for a, b in combinations(ordered, 2)),
        )
