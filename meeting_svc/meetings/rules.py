"""The meeting's rules, free of HTTP and SQL: the lifecycle (which action leads from which status) and
the checks of a meeting's times."""

from __future__ import annotations

import datetime as dt
import zoneinfo

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "schedule": (frozenset({"draft"}), "scheduled"),
    "start": (frozenset({"scheduled"}), "in_progress"),
    "end": (frozenset({"in_progress"}), "ended"),
    "cancel": (frozenset({"draft", "scheduled"}), "cancelled"),
}


STATUSES = ("draft", "scheduled", "in_progress", "ended", "cancelled")


EDITABLE = frozenset({"draft", "scheduled", "in_progress"})


def next_status(current: str, action: str) -> str | None:
    """The status `action` leads to from `current`, or None when the lifecycle forbids it."""
    sources, target = TRANSITIONS[action]
    return target if current in sources else None


def time_problem(starts_at: dt.datetime, ends_at: dt.datetime, timezone: str) -> tuple[str, str] | None:
    """(field, message) of what is wrong with a meeting's times, or None."""
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.tzinfo is None:
            return name, "needs a UTC offset (RFC 3339)"
    if ends_at <= starts_at:
        return "ends_at", "must be after starts_at"
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "timezone", f"{timezone!r} is not an IANA time zone"
    return None


def past_problem(field: str, value: dt.datetime, now: dt.datetime, record_only: bool) -> tuple[str, str] | None:
    """(field, message) when `value` is already past and the meeting is not recorded after the fact."""
    if record_only or value > now:
        return None
    return field, "is in the past; to record a meeting held before, create it with record_only: true"


def local(value: dt.datetime, timezone: str) -> dt.datetime:
    return value.astimezone(zoneinfo.ZoneInfo(timezone))
