"""Whether a ballot counts, and why not, from the facts its statement answers: every refusal, each acceptance,
and the facts each is read after (voting/acceptance.py)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from resolution_svc.voting.acceptance import (
    NOT_ALLOWED,
    Accepted,
    Facts,
    Need,
    NotAllowed,
    Refused,
    Step,
    verdict,
)

# a named poll, open, the voter on the roster, cast by themselves, not counted (yet)
BASE: dict[str, Any] = {
    "standing": True,
    "open": True,
    "eligible": True,
    "counted": False,
    "voter_removed": False,
    "secret": False,
    "allow_change": False,
    "for_another": False,
    "sealed": False,
}


def facts(**changes: Any) -> Facts:
    return Facts(**{**BASE, **changes})


CASES: list[tuple[str, dict[str, Any], Accepted | Refused | NotAllowed | Need]] = [
    ("counted", {"counted": True}, Accepted(status=201)),
    ("counted secret", {"counted": True, "secret": True, "sealed": True}, Accepted(status=201)),
    ("window read conservatively", {"standing": False}, Need("check_standing")),
    ("counted once the standing is checked", {"standing": True, "counted": True, "standing_checked": True}, Accepted()),
    (
        "standing checked, still refused by the statement: the rest of the tree decides",
        {"standing": False, "standing_checked": True, "open": False, "counted_tag": "none", "status": "closed"},
        Refused(status=409, title="Poll not open", detail="the poll is closed", extra={"current_status": "closed"}),
    ),
    ("principal removed", {"voter_removed": True, "for_another": True, "eligible": False}, NOT_ALLOWED),
    ("not counted: is it the same ballot again?", {}, Need("read_counted")),
    ("the same ballot again", {"counted_tag": "same"}, Accepted(status=200, replayed=True)),
    ("the same ballot again after close", {"open": False, "counted_tag": "same"}, Accepted(status=200, replayed=True)),
    ("closed: which status?", {"open": False, "counted_tag": "none"}, Need("read_status")),
    (
        "closed",
        {"open": False, "counted_tag": "other", "status": "closed"},
        Refused(status=409, title="Poll not open", detail="the poll is closed", extra={"current_status": "closed"}),
    ),
    (
        "still a draft",
        {"open": False, "counted_tag": "none", "status": "draft"},
        Refused(status=409, title="Poll not open", detail="the poll is draft", extra={"current_status": "draft"}),
    ),
    ("not eligible, for another", {"eligible": False, "for_another": True, "counted_tag": "none"}, NOT_ALLOWED),
    ("not eligible: on the roster at all?", {"eligible": False, "counted_tag": "none"}, Need("read_roster")),
    (
        "not on the roster",
        {"eligible": False, "counted_tag": "none", "on_roster": False},
        Refused(status=403, title="Not eligible", detail="you are not on this poll's roster"),
    ),
    (
        "vote handed on",
        {"eligible": False, "counted_tag": "none", "on_roster": True},
        Refused(status=403, title="Vote handed on", detail="your vote is cast by the member you handed it to"),
    ),
    (
        "opened between the key and the cast: nothing written",
        {"counted_tag": "none"},
        Refused(status=503, title="Poll just opened", detail="send the ballot again", headers={"Retry-After": "1"}),
    ),
    (
        "secret poll without its key yet",
        {"secret": True, "sealed": False, "counted_tag": "other"},
        Refused(status=503, title="Poll just opened", detail="send the ballot again", headers={"Retry-After": "1"}),
    ),
    (
        "secret, already voted",
        {"secret": True, "sealed": True, "counted_tag": "other"},
        Refused(
            status=409,
            title="Already voted",
            detail="a ballot was already counted for this voter; send it again with its nonce to get its receipt",
        ),
    ),
    ("named, already voted: its receipt", {"counted_tag": "other"}, Need("read_receipt")),
    (
        "named, already voted",
        {"counted_tag": "other", "receipt": "K7Q2-9XPA"},
        Refused(
            status=409,
            title="Already voted",
            detail="this poll does not allow changing a ballot",
            extra={"receipt": "K7Q2-9XPA"},
        ),
    ),
    ("a change allowed", {"counted_tag": "other", "allow_change": True}, Need("change_ballot")),
    (
        "a change allowed, secret",
        {"counted_tag": "other", "allow_change": True, "secret": True, "sealed": True},
        Need("change_ballot"),
    ),
    ("changed", {"counted_tag": "other", "allow_change": True, "changed": True}, Accepted(status=200, replaced=True)),
    (
        "closed while changing",
        {"counted_tag": "other", "allow_change": True, "changed": False},
        Refused(status=409, title="Poll not open", detail="the poll closed", extra={"current_status": "closed"}),
    ),
]


@pytest.mark.parametrize(("given", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_each_answer_to_a_ballot(given: dict[str, Any], expected: Any) -> None:
    assert verdict(facts(**given)) == expected


FACT_OF: dict[Step, str] = {
    "read_counted": "counted_tag",
    "read_status": "status",
    "read_roster": "on_roster",
    "read_receipt": "receipt",
    "change_ballot": "changed",
}


def steps_to(first: dict[str, Any], learnt: dict[str, Any], cast_again: dict[str, Any] | None = None) -> Any:
    """Ask as the handler does: the statement answered `first`; each step learns its fact from `learnt`, and
    checking the standing casts again, answering `cast_again`. The steps taken and the answer."""
    current, taken = facts(**first), []
    answer = verdict(current)
    while isinstance(answer, Need):
        taken.append(answer.step)
        assert len(taken) < 10
        if answer.step == "check_standing":
            current = msgspec.structs.replace(current, **(cast_again or {}), standing_checked=True)
        else:
            current = msgspec.structs.replace(current, **{FACT_OF[answer.step]: learnt[FACT_OF[answer.step]]})
        answer = verdict(current)
    return taken, answer


def test_a_counted_ballot_reads_nothing_more() -> None:
    assert steps_to({"counted": True}, {}) == ([], Accepted())


def test_a_refusal_reads_only_what_it_depends_on() -> None:
    assert steps_to({"open": False}, {"counted_tag": "none", "status": "closed"}) == (
        ["read_counted", "read_status"],
        Refused(status=409, title="Poll not open", detail="the poll is closed", extra={"current_status": "closed"}),
    )
    assert steps_to({"eligible": False, "for_another": True}, {"counted_tag": "none"}) == (
        ["read_counted"],
        NOT_ALLOWED,
    )
    assert steps_to({"allow_change": True}, {"counted_tag": "other", "changed": True}) == (
        ["read_counted", "change_ballot"],
        Accepted(status=200, replaced=True),
    )


def test_a_standing_refused_on_the_window_is_checked_once_then_cast_again() -> None:
    assert steps_to({"standing": False}, {}, {"standing": True, "counted": True}) == (["check_standing"], Accepted())
    # the second cast is not asked about the standing again
    assert steps_to({"standing": False}, {"counted_tag": "none", "status": "ended"}, {"open": False})[0] == [
        "check_standing",
        "read_counted",
        "read_status",
    ]
