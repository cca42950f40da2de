"""resolution_svc's rules free of HTTP and SQL: who may act, what a poll may become."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import overload

from resolution_svc.voting import PollRules, validate
from resolution_svc.voting.presets import PRESETS

RUNNING_ROOM = frozenset({"chair"})  # participants who open and close polls
DRAFTERS = frozenset({"chair", "secretary"})


def rules_of(rules: PollRules | None, preset: str | None) -> PollRules | tuple[str, str]:
    """The poll's rules from the request: given, a preset's, or the default; (field, problem) otherwise."""
    if preset is None:
        return rules or PollRules()
    if rules is not None:
        return "preset", "give rules or a preset, not both"
    if preset not in PRESETS:
        return "preset", "no such preset (GET /api/v1/poll-presets lists them)"
    return PRESETS[preset].rules


def poll_problem(
    *,
    motion: str,
    has_resolution: bool,
    has_amendment: bool,
    rules: PollRules,
    secret: bool,
    allow_change: bool,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
) -> tuple[str, str] | None:
    """(field, problem) of a poll that cannot be created, or None."""
    if motion == "resolution" and not has_resolution:
        return "resolution_id", "a poll on a resolution names it"
    if motion == "amendment" and not has_amendment:
        return "amendment_id", "a poll on an amendment names it"
    if motion == "procedural" and (has_resolution or has_amendment):
        return "motion", "a procedural motion names neither a resolution nor an amendment"
    problem = validate(rules)
    if problem:
        return problem
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if value is not None and value.tzinfo is None:
            return name, "needs a UTC offset (RFC 3339)"
    if opens_at and closes_at and closes_at <= opens_at:
        return "closes_at", "must be after opens_at"
    return None


@overload
def local(value: dt.datetime, timezone: str | None) -> dt.datetime: ...
@overload
def local(value: None, timezone: str | None) -> None: ...
@overload
def local(value: dt.datetime | None, timezone: str | None) -> dt.datetime | None: ...
def local(value: dt.datetime | None, timezone: str | None) -> dt.datetime | None:
    """The time in the meeting's zone (as it is shown), or as it is when the zone is not known."""
    if value is None or not timezone:
        return value
    return value.astimezone(zoneinfo.ZoneInfo(timezone))


def resolution_status_after(outcome: str) -> str:
    # without a quorum nothing was decided: the resolution can be put to the vote again
    return {"adopted": "adopted", "rejected": "rejected"}.get(outcome, "draft")


def progress_department_problem(
    *, kind: str, own_department: uuid.UUID | None, named: uuid.UUID | None, responsible: list[uuid.UUID]
) -> str | None:
    """Why a progress report cannot be for the department it names, or None. A representative reports
    for their own department (naming none means that one); an organiser for one of the directive's
    departments, or for none (a note of their own)."""
    if kind == "participant":
        return None if named in (None, own_department) else "a representative reports for their own department"
    if named is not None and named not in responsible:
        return "not one of the directive's departments"
    return None
