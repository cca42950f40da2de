"""Participant sessions decided on current state, in every service.

A session token says *who* (participant, meeting, organisation) and which generation of their sessions
it belongs to (`epoch`); what they may do comes from the service's own copy of the participant's
current state. The rule is the same everywhere, so it lives here, free of I/O:

- a removed participant has no session;
- revoking or reissuing an invite starts a new generation: tokens of older ones are refused;
- sessions end at midnight, on the meeting's calendar, ending the day `SESSION_GRACE_DAYS` after the
  meeting's current end (moving a meeting into the past ends them), except that a department
  representative keeps *follow-up* access (their department's directives, until done) for
  `FOLLOW_UP_DAYS` after it; revoking their invite ends that too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
import zoneinfo
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

import msgspec

from servicekit.http import Problem
from servicekit.settings import CommonSettings
from servicekit.tokens import Claims

FOLLOW_UP_ROLE = "department_representative"

Access = Literal["full", "follow_up"]


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    """A participant's current state, as one service knows it."""

    meeting_id: uuid.UUID
    role: str | None  # None in a read model that has heard of the participant only through other facts
    department_id: uuid.UUID | None
    removed: bool
    epoch: int
    meeting_ends_at: dt.datetime | None  # None while the meeting's facts have not arrived
    meeting_timezone: str | None = None


def access_until(ends_at: dt.datetime, timezone: str | None, days: float) -> dt.datetime:
    """Midnight on the meeting's calendar ending the day that falls `days` after the meeting ends, so
    "the day after" means the same to everyone at a meeting in Da Nang whatever the server's zone (UTC
    midnight is 07:00 there). A zone nobody knows is read as UTC. No grace ends access with the meeting."""
    if days <= 0:
        return ends_at
    try:
        zone = zoneinfo.ZoneInfo(timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    last_day = (ends_at + dt.timedelta(days=days)).astimezone(zone).date()
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)


class Window(msgspec.Struct, frozen=True):
    grace: dt.timedelta
    follow_up: dt.timedelta

    @classmethod
    def of(cls, settings: CommonSettings) -> Window:
        return cls(dt.timedelta(days=settings.session_grace_days), dt.timedelta(days=settings.follow_up_days))

    def full_until(self, ends_at: dt.datetime, timezone: str | None) -> dt.datetime:
        return access_until(ends_at, timezone, self.grace.total_seconds() / 86_400)

    def follow_up_until(self, ends_at: dt.datetime, timezone: str | None) -> dt.datetime:
        return access_until(ends_at, timezone, max(self.grace, self.follow_up).total_seconds() / 86_400)

    def token_ends(self, role: str, ends_at: dt.datetime, timezone: str | None) -> dt.datetime:
        """When a token issued now for this role stops working at the latest."""
        if role == FOLLOW_UP_ROLE:
            return self.follow_up_until(ends_at, timezone)
        return self.full_until(ends_at, timezone)


def session_access(claims: Claims, standing: Standing | None, window: Window, now: dt.datetime) -> Access | None:
    """What the session may still reach: everything its role allows, only follow-up, or nothing (None)."""
    if standing is None or standing.removed or standing.meeting_id != claims.meeting:
        return None
    if claims.epoch < standing.epoch:  # a newer token may be ahead of this copy; an older one is revoked
        return None
    ends, zone = standing.meeting_ends_at, standing.meeting_timezone
    if ends is None or now < window.full_until(ends, zone):
        return "full"
    if standing.role == FOLLOW_UP_ROLE and now < window.follow_up_until(ends, zone):
        return "follow_up"
    return None


KNOWN_WITHIN_S = 2.0  # how long a request waits for a just-invited participant's event to arrive


async def standing_of(fetch: Callable[[], Awaitable[Mapping[str, Any] | None]]) -> Standing:
    """The participant's standing from a read model fed by meeting_svc's events. A participant meeting_svc
    has just invited may not have arrived yet: wait for them a bounded moment, then answer 503 (never
    a wrong refusal). `fetch` answers None, or a row whose role is None while only other facts arrived."""
    deadline = time.monotonic() + KNOWN_WITHIN_S
    while True:
        row = await fetch()
        if row is not None and (row["role"] is not None or row["removed"]):
            return Standing(**dict(row))
        if time.monotonic() >= deadline:
            raise Problem(503, "Not known yet", "retry in a moment", headers={"Retry-After": "1"})
        await asyncio.sleep(0.05)


def session_ended() -> Problem:
    return Problem(
        401,
        "Session ended",
        "sign in again with your invite link",
        field="Authorization",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_claims(claims: Claims, standing: Standing) -> Claims:
    """The caller as the handlers see it: identity from the token, role and department from current state."""
    return msgspec.structs.replace(claims, role=standing.role, department=standing.department_id)


def not_allowed() -> Problem:
    """The one refusal, in every service, for what a caller may see but not do: the same words whatever
    the reason, so it tells nothing about the target (who is on the roster, whose vote is whose)."""
    return Problem(403, "Not allowed", "this is not yours to do")
