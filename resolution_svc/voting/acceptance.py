"""Whether a ballot cast is counted, and when it is not, why: the whole answer to a ballot, from what the
ballot's statement (casting.py) answered about it and what is read after it. Pure, no I/O.

The statement answers five facts per ballot (standing, open, eligible, counted, voter_removed). A refusal
often needs one more (is it the same ballot again? the poll's status? is the voter on the roster at all?),
which only some refusals need and the counted ballot, the hot path, never does. So `verdict` names the step
that learns the missing fact (`Need`); the handler takes it and asks again with the fact in, until the answer
is an `Accepted` or a `Refused`. Changing a counted ballot (where the poll allows it) is such a step too."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

Step = Literal["check_standing", "read_counted", "read_status", "read_roster", "read_receipt", "change_ballot"]
Counted = Literal["none", "same", "other"]


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    # the ballot's statement, for this ballot
    standing: bool  # the caster's session and the meeting's window allow a ballot (conservative reading)
    open: bool
    eligible: bool  # the voter is on the roster, cast by this caster, and (for another) not removed
    counted: bool  # this ballot was written: it counts
    voter_removed: bool  # cast for a principal who was removed since the poll opened
    # the poll and the request
    secret: bool
    allow_change: bool
    for_another: bool  # cast as proxy holder, for a principal
    sealed: bool  # a secret ballot was sealed (the poll's key was there when it was cast)
    # learnt by the steps (UNSET: not yet)
    standing_checked: bool = False  # the standing was decided on the one rule and the ballot cast again
    counted_tag: Counted | UnsetType = UNSET  # the voter's counted ballot: none, this very one again, another
    status: str | UnsetType | None = UNSET  # the poll's status
    on_roster: bool | UnsetType = UNSET  # the voter is on the poll's roster (cast by anyone)
    receipt: str | UnsetType | None = UNSET  # a named poll's receipt of the counted ballot
    changed: bool | UnsetType = UNSET  # the counted ballot was changed to this one (the poll still open)


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    status: int = 201
    replayed: bool = False  # the same ballot again: its receipt, counted once
    replaced: bool = False  # a changed ballot, where the poll allows it


class Refused(msgspec.Struct, frozen=True, kw_only=True):
    """A problem+json answer: status, title, detail, and what it names (`extra` members, headers)."""

    status: int
    title: str
    detail: str | None = None
    headers: dict[str, str] | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class Need(msgspec.Struct, frozen=True):
    step: Step


class NotAllowed(msgspec.Struct, frozen=True):
    """The one refusal that tells nothing about the target (who is on the roster, whose vote is whose):
    servicekit.sessions.not_allowed, the same words in every service."""


NOT_ALLOWED = NotAllowed()


def poll_not_open(status: str | None) -> Refused:
    return Refused(status=409, title="Poll not open", detail=f"the poll is {status}", extra={"current_status": status})


def verdict(f: Facts) -> Accepted | Refused | NotAllowed | Need:
    """The answer to the ballot, or the step that learns what it depends on."""
    if not f.standing and not f.standing_checked:
        # refused on the statement's conservative reading: decide on the one rule, then cast if it allows
        return Need("check_standing")
    if f.counted:
        return Accepted()
    if f.voter_removed:
        return NOT_ALLOWED  # a principal removed since the poll opened has no vote left to hand on
    if isinstance(f.counted_tag, UnsetType):
        return Need("read_counted")
    if f.counted_tag == "same":
        # the same ballot again (its answer was lost): the same receipt, counted once, open poll or closed
        return Accepted(status=200, replayed=True)
    if not f.open:
        return Need("read_status") if isinstance(f.status, UnsetType) else poll_not_open(f.status)
    if not f.eligible:
        if f.for_another:
            return NOT_ALLOWED  # the same words whether the principal is on the roster or not, whoever holds it
        if isinstance(f.on_roster, UnsetType):
            return Need("read_roster")
        if not f.on_roster:
            return Refused(status=403, title="Not eligible", detail="you are not on this poll's roster")
        return Refused(status=403, title="Vote handed on", detail="your vote is cast by the member you handed it to")
    if f.counted_tag == "none" or (f.secret and not f.sealed):
        # the poll opened between reading its key and casting (or its key was being stored): nothing was written
        return Refused(
            status=503, title="Poll just opened", detail="send the ballot again", headers={"Retry-After": "1"}
        )
    if not f.allow_change:
        if f.secret:
            return Refused(
                status=409,
                title="Already voted",
                detail="a ballot was already counted for this voter; send it again with its nonce to get its receipt",
            )
        if isinstance(f.receipt, UnsetType):
            return Need("read_receipt")
        return Refused(
            status=409,
            title="Already voted",
            detail="this poll does not allow changing a ballot",
            extra={"receipt": f.receipt},
        )
    if isinstance(f.changed, UnsetType):
        return Need("change_ballot")
    if not f.changed:
        return Refused(status=409, title="Poll not open", detail="the poll closed", extra={"current_status": "closed"})
    return Accepted(status=200, replaced=True)
