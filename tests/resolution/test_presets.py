"""Poll presets named in plain words: their rule text comes from the rules the tally applies, and a poll
created from a preset carries exactly that preset's rules."""

from __future__ import annotations

import uuid
from fractions import Fraction
from typing import Any

import pytest

from resolution_svc.voting import CountedBallot, PollRules, QuorumRule, Roster, tally
from resolution_svc.voting.presets import PRESETS
from resolution_svc.voting.tally import THRESHOLDS
from resolution_svc.voting.wording import BASES, rule_text
from tests.conftest import EventTap
from tests.resolution.conftest import Client, ok, poll

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


async def test_presets_listed_without_a_token(client: Client) -> None:
    listed = await ok(await client.get("/api/v1/poll-presets"))
    by_id = {p["id"]: p for p in listed["items"]}
    assert set(by_id) == set(PRESETS)
    two_thirds = by_id["two_thirds_present"]
    assert two_thirds["name"] == {"vi": "Hai phần ba số thành viên có mặt", "en": "Two thirds of members present"}
    assert (two_thirds["rules"]["base"], two_thirds["rules"]["threshold"]) == ("present", "two_thirds")
    vi, en = rule_text(PRESETS["two_thirds_present"].rules)
    assert two_thirds["rule_text"] == {"vi": vi, "en": en}


async def test_poll_created_from_a_preset(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    await m.add(3)
    created = await poll(m, open_=False, preset="absolute_majority_members_quorum")
    expected = PRESETS["absolute_majority_members_quorum"].rules
    assert (created["rules"]["base"], created["rules"]["threshold"]) == (expected.base, expected.threshold)
    assert created["rules"]["quorum"]["fraction"] == "1/2"
    assert created["rule_text"]["en"] == rule_text(expected)[1]
    shown = await ok(await client.get(f"/api/v1/polls/{created['id']}", headers=m.organiser))
    assert shown["rule_text"] == created["rule_text"]
    event = await tap.wait("poll.created", poll_id=uuid.UUID(created["id"]))
    assert event.options == ["yes", "no", "abstain"]  # type: ignore[attr-defined]
    plain = await poll(m, open_=False)  # neither rules nor preset: a simple majority of votes cast
    assert plain["rule_text"]["en"] == rule_text(PRESETS["simple_majority_cast"].rules)[1]


@pytest.mark.parametrize(
    "fields",
    [
        {"preset": "two_thirds_of_the_moon"},
        {"preset": "unanimous", "rules": {"threshold": "simple"}},
        {"preset": ""},
        {"preset": 3},
        {"preset": "x" * 65},
    ],
)
async def test_a_bad_preset_is_a_problem_naming_it(client: Client, meeting: Any, fields: dict[str, Any]) -> None:
    m = await meeting()
    body = {"motion": "procedural", "question": {"vi": "Biểu quyết"}, **fields}
    answer = await client.post(f"/api/v1/meetings/{m.id}/polls", json=body, headers=m.organiser)
    problem = await answer.json()
    assert answer.status in (400, 422) and answer.content_type == "application/problem+json"
    assert "preset" in str(problem), problem
    listed = await ok(await client.get(f"/api/v1/meetings/{m.id}/polls", headers=m.organiser))
    assert listed["items"] == []  # nothing half-written
