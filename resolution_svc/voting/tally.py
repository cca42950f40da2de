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


class Quorum(NamedTuple):
    met: bool
    rule: str | None  # the rule applied, in words, e.g. "present weight >= 1/2 of eligible weight (50)"
    figures: list[str]  # what it was compared with, e.g. ["present weight 61"]


def quorum_of(rules: PollRules, roster: Roster, cast_weight: int, cast_count: int) -> Quorum:
    quorum = rules.quorum
    if quorum is None:
        return Quorum(True, None, [])
    what = quorum.of
    weight, count = (roster.present_weight, roster.present_count) if what == "present" else (cast_weight, cast_count)
    met, rule, figures = True, [], []
    if quorum.minimum_weight is not None:
        met = met and weight >= quorum.minimum_weight
        rule.append(f"{what} weight >= {quorum.minimum_weight}")
    if quorum.fraction is not None:
        share = parse_fraction(quorum.fraction)
        needed = share * roster.eligible_weight if share is not None else None
        met = met and needed is not None and weight >= needed
        rule.append(f"{what} weight >= {quorum.fraction} of eligible weight ({needed})")
    if quorum.minimum_weight is not None or quorum.fraction is not None:
        figures.append(f"{what} weight {weight}")
    if quorum.minimum_count is not None:
        met = met and count >= quorum.minimum_count
        rule.append(f"{what} count >= {quorum.minimum_count}")
        figures.append(f"{what} count {count}")
    return Quorum(met, " and ".join(rule), figures)


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
    if rules.threshold == "unanimous":
        # every counted ballot yes: a voter who left before close still counts against, whatever the base
        against = weights["no"] + (0 if rules.base == "yes_no" else cast - yes - weights["no"])
        passes = passes and against == 0
    cast_count = sum(counts.values())
    quorum = quorum_of(rules, roster, cast, cast_count)
    met = quorum.met
    return PollResult(
        tallies=[OptionTally(option=o, count=counts[o], weight=weights[o]) for o in rules.options],
        base=rules.base,
        base_weight=base,
        threshold=rules.threshold,
        required_weight=str(required),
        quorum_met=met,
        outcome="no_quorum" if not met else "adopted" if passes else "rejected",
        eligible_count=roster.eligible_count,
        eligible_weight=roster.eligible_weight,
        present_count=roster.present_count,
        present_weight=roster.present_weight,
        participating_count=cast_count,
        participating_weight=cast,
        quorum_rule=quorum.rule,
        quorum_figures=quorum.figures,
    )
