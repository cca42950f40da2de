"""Time to tally 100,000 weighted ballots under each base (the pure function, no I/O)."""

from __future__ import annotations

import random
import time

from resolution_svc.voting import CountedBallot, PollRules, QuorumRule, Roster, tally

NEEDS_STACK = False
BALLOTS = 100_000


async def run(_: None) -> dict[str, float | int]:
    rng = random.Random(2021)
    ballots = [CountedBallot(rng.choice(("yes", "no", "abstain")), rng.randint(1, 5)) for _ in range(BALLOTS)]
    weight = sum(b.weight for b in ballots)
    roster = Roster(eligible_count=BALLOTS, eligible_weight=weight, present_count=BALLOTS, present_weight=weight)
    rules = PollRules(base="cast", threshold="two_thirds", quorum=QuorumRule(fraction="1/2"))
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        result = tally(ballots, rules, roster)
        best = min(best, time.perf_counter() - started)
    assert sum(t.count for t in result.tallies) == BALLOTS
    return {"tally.ballots": BALLOTS, "tally.100k_ms": round(best * 1000, 2)}
