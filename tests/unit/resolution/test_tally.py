"""The tally rule table (DESIGN §5) and properties checked against an independent reference."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution_svc.voting import CountedBallot, PollRules, QuorumRule, Roster, tally, validate

ROSTER = Roster(eligible_count=40, eligible_weight=40, present_count=36, present_weight=36)


def ballots(yes: int = 0, no: int = 0, abstain: int = 0, weight: int = 1) -> list[CountedBallot]:
    return (
        [CountedBallot("yes", weight)] * yes
        + [CountedBallot("no", weight)] * no
        + [CountedBallot("abstain", weight)] * abstain
    )


# (yes, no, abstain, base, threshold, outcome, required_weight)
TABLE = [
    # simple majority: more than half, a tie never passes
    (11, 10, 0, "cast", "simple", "adopted", "21/2"),
    (10, 10, 0, "cast", "simple", "rejected", "10"),
    (10, 5, 6, "cast", "simple", "rejected", "21/2"),  # abstentions count against under `cast`
    (10, 5, 6, "yes_no", "simple", "adopted", "15/2"),  # ...and not under `yes_no`
    (18, 0, 0, "present", "simple", "rejected", "18"),  # 18 of 36 present is not more than half
    (19, 0, 0, "present", "simple", "adopted", "18"),
    (20, 0, 0, "eligible", "simple", "rejected", "20"),
    (21, 0, 0, "eligible", "simple", "adopted", "20"),
    # two thirds: at least
    (20, 10, 0, "yes_no", "two_thirds", "adopted", "20"),
    (19, 10, 0, "yes_no", "two_thirds", "rejected", "58/3"),
    (20, 10, 3, "cast", "two_thirds", "rejected", "22"),
    (24, 0, 0, "present", "two_thirds", "adopted", "24"),
    (23, 0, 0, "present", "two_thirds", "rejected", "24"),
    (27, 0, 0, "eligible", "two_thirds", "adopted", "80/3"),
    (26, 0, 0, "eligible", "two_thirds", "rejected", "80/3"),
    # three quarters: at least
    (3, 1, 0, "yes_no", "three_quarters", "adopted", "3"),
    (2, 1, 0, "yes_no", "three_quarters", "rejected", "9/4"),
    (30, 10, 0, "eligible", "three_quarters", "adopted", "30"),
    (29, 10, 0, "eligible", "three_quarters", "rejected", "30"),
    (27, 0, 9, "present", "three_quarters", "adopted", "27"),
    # unanimous: every counted vote yes
    (5, 0, 0, "cast", "unanimous", "adopted", "5"),
    (5, 0, 1, "cast", "unanimous", "rejected", "6"),
    (5, 0, 1, "yes_no", "unanimous", "adopted", "5"),
    (5, 1, 0, "yes_no", "unanimous", "rejected", "6"),
    (36, 0, 0, "present", "unanimous", "adopted", "36"),
    (35, 0, 0, "present", "unanimous", "rejected", "36"),
    # nothing passes on nothing
    (0, 0, 0, "cast", "simple", "rejected", "0"),
    (0, 0, 3, "yes_no", "unanimous", "rejected", "0"),
]


@pytest.mark.parametrize(("yes", "no", "abstain", "base", "threshold", "outcome", "required"), TABLE)
def test_rule_table(yes: int, no: int, abstain: int, base: str, threshold: str, outcome: str, required: str) -> None:
    rules = PollRules(base=base, threshold=threshold)  # type: ignore[arg-type]
    result = tally(ballots(yes, no, abstain), rules, ROSTER)
    assert (result.outcome, result.required_weight) == (outcome, required)
    assert [(t.option, t.count) for t in result.tallies] == [("yes", yes), ("no", no), ("abstain", abstain)]
    assert result.quorum_met


def test_weights_count_not_heads() -> None:
    # the Director's weight of 5 outweighs three members
    votes = [CountedBallot("yes", 5), *ballots(no=3)]
    result = tally(votes, PollRules(base="yes_no"), ROSTER)
    assert result.outcome == "adopted"
    assert [(t.option, t.count, t.weight) for t in result.tallies][:2] == [("yes", 1, 5), ("no", 3, 3)]


@pytest.mark.parametrize(
    ("quorum", "present", "cast", "met"),
    [
        (QuorumRule(of="present", minimum_weight=21), 21, 5, True),
        (QuorumRule(of="present", minimum_weight=21), 20, 20, False),
        (QuorumRule(of="present", fraction="1/2"), 20, 1, True),  # exactly half of 40 eligible
        (QuorumRule(of="present", fraction="1/2"), 19, 19, False),
        (QuorumRule(of="participating", fraction="2/3"), 40, 26, False),
        (QuorumRule(of="participating", fraction="2/3"), 40, 27, True),
        (QuorumRule(of="participating", minimum_weight=10, fraction="1/4"), 40, 10, True),
        (QuorumRule(of="participating", minimum_weight=11, fraction="1/4"), 40, 10, False),
    ],
)
def test_quorum(quorum: QuorumRule, present: int, cast: int, met: bool) -> None:
    roster = Roster(eligible_count=40, eligible_weight=40, present_count=present, present_weight=present)
    result = tally(ballots(yes=cast), PollRules(quorum=quorum), roster)
    assert result.quorum_met is met
    assert result.outcome == ("adopted" if met else "no_quorum")  # never "rejected" for a missing quorum


@pytest.mark.parametrize(
    ("quorum", "present_count", "ballots_cast", "met", "rule", "figures"),
    [
        (QuorumRule(of="present", minimum_count=30), 30, 1, True, "present count >= 30", ["present count 30"]),
        (QuorumRule(of="present", minimum_count=30), 29, 29, False, "present count >= 30", ["present count 29"]),
        (
            QuorumRule(of="participating", minimum_count=3, fraction="1/2"),
            40,
            3,
            False,  # three voters of weight 5 are 15 of 40: the count is met, the weight is not
            "participating weight >= 1/2 of eligible weight (20) and participating count >= 3",
            ["participating weight 15", "participating count 3"],
        ),
    ],
)
def test_quorum_by_head_count_and_what_the_result_says_it_compared(
    quorum: QuorumRule, present_count: int, ballots_cast: int, met: bool, rule: str, figures: list[str]
) -> None:
    # weights differ from heads: present people carry weight 2 each, voters 5
    roster = Roster(
        eligible_count=40, eligible_weight=40, present_count=present_count, present_weight=2 * present_count
    )
    result = tally(ballots(yes=ballots_cast, weight=5), PollRules(quorum=quorum), roster)
    assert (result.quorum_met, result.quorum_rule, result.quorum_figures) == (met, rule, figures)
    assert (result.present_count, result.present_weight) == (present_count, 2 * present_count)
    assert (result.participating_count, result.participating_weight) == (ballots_cast, 5 * ballots_cast)
    assert (result.eligible_count, result.eligible_weight) == (40, 40)


@pytest.mark.parametrize(
    ("yes", "no", "present", "outcome"),
    [
        (3, 0, 1, "adopted"),  # two yes voters left before close: still every ballot yes
        (5, 1, 4, "rejected"),  # yes outweighs those present, but one ballot said no
        (4, 0, 4, "adopted"),
    ],
)
def test_unanimous_means_every_counted_ballot_yes(yes: int, no: int, present: int, outcome: str) -> None:
    roster = Roster(eligible_count=10, eligible_weight=10, present_count=present, present_weight=present)
    result = tally(ballots(yes=yes, no=no), PollRules(base="present", threshold="unanimous"), roster)
    assert result.outcome == outcome


def test_invalid_rules_name_the_field() -> None:
    assert validate(PollRules(options=["yes", "abstain"])) == ("rules.options", "a motion needs the options yes and no")
    assert validate(PollRules(quorum=QuorumRule()))[0] == "rules.quorum"  # type: ignore[index]
    assert validate(PollRules(quorum=QuorumRule(fraction="3/2")))[0] == "rules.quorum.fraction"  # type: ignore[index]
    assert validate(PollRules(quorum=QuorumRule(fraction="x")))[0] == "rules.quorum.fraction"  # type: ignore[index]
    assert validate(PollRules(options=["yes", "no", "abstain", "postpone"])) is None


# --- an independent reference: loops and cross-multiplication, no Fractions ----------------------------


def reference(
    votes: list[tuple[str, int]], base: str, threshold: str, roster: Roster, quorum: QuorumRule | None
) -> str:
    yes = no = other = 0
    for choice, weight in votes:
        if choice == "yes":
            yes += weight
        elif choice == "no":
            no += weight
        else:
            other += weight
    cast = yes + no + other
    if quorum is not None:
        w = roster.present_weight if quorum.of == "present" else cast
        if quorum.minimum_weight is not None and w < quorum.minimum_weight:
            return "no_quorum"
        if quorum.fraction is not None:
            num, den = (int(x) for x in quorum.fraction.split("/"))
            if w * den < num * roster.eligible_weight:
                return "no_quorum"
    b = {"cast": cast, "yes_no": yes + no, "present": roster.present_weight, "eligible": roster.eligible_weight}[base]
    if b == 0 or yes == 0:
        return "rejected"
    ok = {
        "simple": 2 * yes > b,
        "two_thirds": 3 * yes >= 2 * b,
        "three_quarters": 4 * yes >= 3 * b,
        "unanimous": yes >= b and no == 0 and (base == "yes_no" or other == 0),
    }[threshold]
    return "adopted" if ok else "rejected"


votes_st = st.lists(st.tuples(st.sampled_from(["yes", "no", "abstain"]), st.integers(0, 7)), max_size=60)
quorum_st = st.none() | st.builds(
    QuorumRule,
    of=st.sampled_from(["present", "participating"]),
    minimum_weight=st.none() | st.integers(1, 200),
    fraction=st.none() | st.sampled_from(["1/2", "2/3", "1/3", "3/4", "1/1"]),
).filter(lambda q: q.minimum_weight is not None or q.fraction is not None)


@st.composite
def rosters(draw: st.DrawFn, votes: list[tuple[str, int]]) -> Roster:
    cast = sum(w for _, w in votes)
    eligible = cast + draw(st.integers(0, 100))
    present = draw(st.integers(0, eligible))
    return Roster(eligible_count=eligible, eligible_weight=eligible, present_count=present, present_weight=present)


@given(
    votes=votes_st,
    base=st.sampled_from(["cast", "yes_no", "present", "eligible"]),
    threshold=st.sampled_from(["simple", "two_thirds", "three_quarters", "unanimous"]),
    quorum=quorum_st,
    data=st.data(),
)
def test_tally_agrees_with_the_reference(
    votes: list[tuple[str, int]], base: str, threshold: str, quorum: QuorumRule | None, data: st.DataObject
) -> None:
    roster = data.draw(rosters(votes))
    rules = PollRules(base=base, threshold=threshold, quorum=quorum)  # type: ignore[arg-type]
    result = tally([CountedBallot(*v) for v in votes], rules, roster)
    assert result.outcome == reference(votes, base, threshold, roster, quorum)
    assert sum(t.count for t in result.tallies) == len(votes)
    assert sum(t.weight for t in result.tallies) == sum(w for _, w in votes)
    shuffled = votes.copy()
    random.Random(len(votes)).shuffle(shuffled)
    assert tally([CountedBallot(*v) for v in shuffled], rules, roster) == result


@given(
    votes=votes_st,
    base=st.sampled_from(["cast", "yes_no"]),
    threshold=st.sampled_from(["simple", "two_thirds", "three_quarters"]),
)
def test_one_more_yes_never_turns_adoption_into_rejection(
    votes: list[tuple[str, int]], base: str, threshold: str
) -> None:
    roster = Roster(eligible_count=10_000, eligible_weight=10_000, present_count=10_000, present_weight=10_000)
    rules = PollRules(base=base, threshold=threshold)  # type: ignore[arg-type]
    before = tally([CountedBallot(*v) for v in votes], rules, roster)
    after = tally([CountedBallot(*v) for v in [*votes, ("yes", 1)]], rules, roster)
    if before.outcome == "adopted":
        assert after.outcome == "adopted"
