"""A poll's rules as data (voting/rules.py) and what a poll may be created with (service.py): each refusal
names the field it is about, a quorum's share is exact and bounded, and only an adoption or a rejection
decides a resolution."""

from __future__ import annotations

import datetime as dt
import uuid
from fractions import Fraction
from typing import Any

import pytest

from resolution_svc import service
from resolution_svc.voting import PollRules, QuorumRule, validate
from resolution_svc.voting.presets import PRESETS
from resolution_svc.voting.rules import parse_fraction


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("1/2", Fraction(1, 2)),
        (" 2/3 ", Fraction(2, 3)),
        ("0.5", Fraction(1, 2)),
        (".75", Fraction(3, 4)),
        ("1", Fraction(1)),
        ("0", None),  # nothing is no quorum
        ("3/2", None),  # more than everyone
        ("1/0", None),
        ("1e-10000000", None),  # exponents are outside the grammar: they would take seconds to build
        ("-1/2", None),
        ("1234567/2", None),
        ("x", None),
        ("", None),
    ],
)
def test_a_quorum_share_is_a_short_exact_fraction_in_zero_to_one(text: str, share: Fraction | None) -> None:
    assert parse_fraction(text) == share


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (PollRules(options=["yes", "abstain"]), "rules.options"),
        (PollRules(options=["yes", "no", "no"]), "rules.options"),
        (PollRules(options=["yes", "no", ""]), "rules.options"),
        (PollRules(options=["yes", "no", "x" * 101]), "rules.options"),
        (PollRules(options=["yes", "no", "a\nb"]), "rules.options"),
        (PollRules(options=["yes", "no", *(f"o{i}" for i in range(19))]), "rules.options"),
        (PollRules(quorum=QuorumRule()), "rules.quorum"),
        (PollRules(quorum=QuorumRule(minimum_weight=0)), "rules.quorum.minimum_weight"),
        (PollRules(quorum=QuorumRule(minimum_count=0)), "rules.quorum.minimum_count"),
        (PollRules(quorum=QuorumRule(fraction="0")), "rules.quorum.fraction"),
    ],
)
def test_rules_that_cannot_be_applied_name_their_field(rules: PollRules, field: str) -> None:
    problem = validate(rules)
    assert problem is not None and problem[0] == field


def test_rules_that_can_be_applied() -> None:
    assert validate(PollRules()) is None
    assert validate(PollRules(options=["yes", "no", *(f"o{i}" for i in range(18))])) is None  # 20 options
    assert validate(PollRules(quorum=QuorumRule(minimum_weight=1, minimum_count=1, fraction="1/2"))) is None
    assert all(validate(p.rules) is None for p in PRESETS.values())


def test_the_rules_of_a_poll_come_from_its_rules_or_its_preset() -> None:
    given = PollRules(threshold="two_thirds")
    assert service.rules_of(given, None) == given
    assert service.rules_of(None, None) == PollRules()  # a simple majority of votes cast
    assert service.rules_of(None, "two_thirds_present") == PRESETS["two_thirds_present"].rules
    assert service.rules_of(given, "two_thirds_present") == ("preset", "give rules or a preset, not both")
    assert service.rules_of(None, "nonsense")[0] == "preset"  # type: ignore[index]


AT = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
POLL: dict[str, Any] = {
    "motion": "resolution",
    "has_resolution": True,
    "has_amendment": False,
    "rules": PollRules(),
    "secret": False,
    "allow_change": False,
    "opens_at": None,
    "closes_at": None,
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, None),
        ({"motion": "procedural", "has_resolution": False}, None),
        ({"motion": "amendment", "has_amendment": True}, None),
        ({"opens_at": AT, "closes_at": AT + dt.timedelta(minutes=5)}, None),
        ({"has_resolution": False}, "resolution_id"),
        ({"motion": "amendment"}, "amendment_id"),
        ({"motion": "procedural"}, "motion"),
        ({"rules": PollRules(options=["yes"])}, "rules.options"),
        ({"opens_at": AT.replace(tzinfo=None)}, "opens_at"),
        ({"closes_at": AT.replace(tzinfo=None)}, "closes_at"),
        ({"opens_at": AT, "closes_at": AT}, "closes_at"),
    ],
)
def test_a_poll_that_cannot_be_created_names_the_field(changes: dict[str, Any], field: str | None) -> None:
    problem = service.poll_problem(**{**POLL, **changes})
    assert (problem[0] if problem else None) == field


@pytest.mark.parametrize(
    ("outcome", "status"), [("adopted", "adopted"), ("rejected", "rejected"), ("no_quorum", "draft")]
)
def test_without_a_quorum_a_resolution_can_be_put_to_the_vote_again(outcome: str, status: str) -> None:
    assert service.resolution_status_after(outcome) == status


def test_times_are_shown_in_the_meetings_zone() -> None:
    shown = service.local(AT, "Asia/Ho_Chi_Minh")
    assert shown == AT and shown is not None and shown.utcoffset() == dt.timedelta(hours=7)
    assert service.local(None, "Asia/Ho_Chi_Minh") is None
    assert service.local(AT, None) is AT


def test_a_progress_report_is_for_a_department_the_reporter_answers_for() -> None:
    own, other = uuid.uuid4(), uuid.uuid4()
    rep: dict[str, Any] = {"kind": "participant", "own_department": own, "responsible": [own, other]}
    assert service.progress_department_problem(**rep, named=None) is None
    assert service.progress_department_problem(**rep, named=own) is None
    assert service.progress_department_problem(**rep, named=other) is not None
    organiser: dict[str, Any] = {"kind": "organiser", "own_department": None, "responsible": [own]}
    assert service.progress_department_problem(**organiser, named=own) is None
    assert service.progress_department_problem(**organiser, named=None) is None
    assert service.progress_department_problem(**organiser, named=other) == "not one of the directive's departments"
