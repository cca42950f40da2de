"""The tally: counted ballots and the poll's rules in, the result out. Integers and Fractions only."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

import msgspec

from resolution_svc.voting.rules import PollRules, parse_fraction
from schemas.events import OptionTally, PollResult

# The share of the base that adopts, and whether reaching it exactly is enough.
THRESHOLDS: dict[str, tuple[Fraction, bool]] = {
    "simple": (Fraction(1, 2), False),  # more than half: a tie never passes
    "two_thirds": (Fraction(2, 3), True),
    "three_quarters": (Fraction(3, 4), True),
    "unanimous": (Fraction(1), True),
}


class CountedBallot(NamedTuple):
    choice: str
    weight: int


class Roster(msgspec.Struct, frozen=True, kw_only=True):
    eligible_count: int
    eligible_weight: int
    present_count: int  # eligible voters checked in when the poll closes
    present_weight: int


def quorum_met(rules: PollRules, roster: Roster, cast_weight: int) -> bool:
    quorum = rules.quorum
    if quorum is None:
        return True
    weight = roster.present_weight if quorum.of == "present" else cast_weight
    if quorum.minimum_weight is not None and weight < quorum.minimum_weight:
        return False
    if quorum.fraction is not None:
        share = parse_fraction(quorum.fraction)
        if share is None or weight < share * roster.eligible_weight:
            return False
    return True


def tally(ballots: Iterable[CountedBallot], rules: PollRules, roster: Roster) -> PollResult:
    counts = dict.fromkeys(rules.options, 0)
    weights = dict.fromkeys(rules.options, 0)
    for choice, weight in ballots:
        counts[choice] += 1
        weights[choice] += weight
    cast = sum(weights.values())
    yes = weights["yes"]
    base = {
        "cast": cast,
        "yes_no": yes + weights["no"],
        "present": roster.present_weight,
        "eligible": roster.eligible_weight,
    }[rules.base]
    share, inclusive = THRESHOLDS[rules.threshold]
    required = share * base
    passes = base > 0 and yes > 0 and (yes >= required if inclusive else yes > required)
    met = quorum_met(rules, roster, cast)
    return PollResult(
        tallies=[OptionTally(option=o, count=counts[o], weight=weights[o]) for o in rules.options],
        base=rules.base,
        base_weight=base,
        threshold=rules.threshold,
        required_weight=str(required),
        quorum_met=met,
        outcome="no_quorum" if not met else "adopted" if passes else "rejected",
    )
