"""Poll presets named in plain words: their rule text comes from the rules the tally applies."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from resolution_svc.voting import CountedBallot, PollRules, QuorumRule, Roster, tally
from resolution_svc.voting.presets import PRESETS
from resolution_svc.voting.tally import THRESHOLDS
from resolution_svc.voting.wording import BASES, rule_text

ROSTER = Roster(eligible_count=12, eligible_weight=12, present_count=12, present_weight=12)


def ballots(yes: int, no: int, abstain: int = 0) -> list[CountedBallot]:
    return [CountedBallot("yes", 1)] * yes + [CountedBallot("no", 1)] * no + [CountedBallot("abstain", 1)] * abstain


@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=list(PRESETS))
def test_each_preset_text_states_the_threshold_and_base_the_tally_applies(preset: Any) -> None:
    vi, en = rule_text(preset.rules)
    share, inclusive = THRESHOLDS[preset.rules.threshold]
    fraction = f"{share.numerator}/{share.denominator}"
    if share != 1:
        assert f"{'at least' if inclusive else 'more than'} {fraction}" in en
        assert f"{'từ' if inclusive else 'quá'} {fraction}" in vi
    assert BASES[preset.rules.base][1] in en and BASES[preset.rules.base][0] in vi
    assert ("quorum" in en) == (preset.rules.quorum is not None)
    assert ("túc số" in vi) == (preset.rules.quorum is not None)
    assert preset.name_vi and preset.name_en and preset.name_vi != preset.name_en


@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=list(PRESETS))
def test_the_boundary_the_text_names_is_the_boundary_the_tally_draws(preset: Any) -> None:
    """Exactly at the share: adopted iff the text says "at least"; one yes more always adopts (all present)."""
    share, inclusive = THRESHOLDS[preset.rules.threshold]
    if share == 1:
        assert tally(ballots(12, 0), preset.rules, ROSTER).outcome == "adopted"
        assert tally(ballots(11, 1), preset.rules, ROSTER).outcome == "rejected"
        return
    at = share * 12
    assert at.denominator == 1
    yes = int(at)
    exactly = tally(ballots(yes, 12 - yes), preset.rules, ROSTER)
    assert (exactly.outcome == "adopted") == inclusive, (rule_text(preset.rules)[1], exactly)
    assert tally(ballots(yes + 1, 11 - yes), preset.rules, ROSTER).outcome == "adopted"


def test_quorum_presets_say_no_quorum_when_half_are_not_present() -> None:
    rules = PRESETS["simple_majority_cast_quorum"].rules
    few = Roster(eligible_count=12, eligible_weight=12, present_count=5, present_weight=5)
    assert tally(ballots(5, 0), rules, few).outcome == "no_quorum"
    assert "reach at least 1/2 of all voting weight" in rule_text(rules)[1]
    assert tally(ballots(5, 0), PRESETS["simple_majority_cast"].rules, few).outcome == "adopted"


def test_custom_rules_are_written_out_too() -> None:
    vi, en = rule_text(
        PollRules(base="yes_no", threshold="three_quarters", quorum=QuorumRule(of="participating", minimum_count=7))
    )
    assert "at least 3/4 of the yes and no votes" in en and "at least 7 people" in en
    assert "từ 3/4 trở lên" in vi and "ít nhất 7 người" in vi
    assert Fraction(3, 4) == THRESHOLDS["three_quarters"][0]
