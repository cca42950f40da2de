"""Calendar entries (RFC 5545, iTIP RFC 5546) that travel with invitation, reschedule and cancel emails.

One meeting is one calendar event everywhere: its UID is derived from the meeting id alone, so a
calendar program replaces the entry it holds when a later email carries the same UID with a higher
SEQUENCE. The sequence is meeting_svc's number of the event that caused the email (docs/consistency.md),
which only grows, so whatever arrives later supersedes what came before it. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

Method = Literal["REQUEST", "CANCEL"]

PRODID = "-//Hoi nghi//Meetings//VI"

_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def meeting_uid(meeting_id: uuid.UUID) -> str:
    return f"meeting-{meeting_id}@hoinghi"


@dataclass(frozen=True)
class Entry:
    """What a calendar entry says about a meeting, in one reader's language."""

    meeting_id: uuid.UUID
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    sequence: int
    stamp: dt.datetime
    venue: str = ""
    online_url: str = ""
    page_url: str = ""  # the meeting's page in the web client (never a personal link)
    description: str = ""


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def event_of(entry: Entry, *, cancelled: bool = False) -> icalendar.Event:
    zone = _zone(entry.timezone)
    event = icalendar.Event()
    event.add("uid", meeting_uid(entry.meeting_id))
    event.add("sequence", entry.sequence)
    event.add("dtstamp", entry.stamp.astimezone(dt.UTC))
    # in the meeting's own zone, with its VTIMEZONE, so the entry moves with the zone's rules
    event.add("dtstart", entry.starts_at.astimezone(zone))
    event.add("dtend", entry.ends_at.astimezone(zone))
    event.add("summary", entry.title)
    if entry.venue:
        event.add("location", entry.venue)
    if entry.page_url:
        event.add("url", entry.page_url)
    description = "\n".join(x for x in (entry.description, entry.online_url) if x)
    if description:
        event.add("description", description)
    if entry.online_url:
        # RFC 7986: the online meeting's address, which newer calendar programs show as a join button
        event.add("conference", entry.online_url, parameters={"value": "URI", "feature": "VIDEO"})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


@functools.lru_cache(maxsize=64)
def _vtimezone(zone: str) -> icalendar.Timezone:
    """A zone's VTIMEZONE (its transitions 1970-2038): computed once per zone, as it costs ~15 ms."""
    return icalendar.Timezone.from_tzid(zone)


def _zones_of(events: list[icalendar.Event]) -> list[str]:
    found = []
    for event in events:
        for prop in ("dtstart", "dtend"):
            value = event.get(prop)
            tz = getattr(getattr(value, "dt", None), "tzinfo", None)
            key = getattr(tz, "key", None)
            if key and key not in found:
                found.append(key)
    return found


def calendar_of(events: list[icalendar.Event], *, method: Method | None = None, name: str = "") -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    for zone in _zones_of(events):
        cal.add_component(_vtimezone(zone))
    for event in events:
        cal.add_component(event)
    return cal


def invitation(entry: Entry, *, method: Method, organiser: str, attendee: str, attendee_name: str) -> str:
    """The iTIP message for one recipient: a request (new or changed meeting) or a cancellation."""
    event = event_of(entry, cancelled=method == "CANCEL")
    event.add("organizer", f"mailto:{organiser}")
    # An address with spaces or line breaks is not one address: the email itself is refused when it is
    # built (and fails alone); the calendar entry leaves it out rather than fail the event's handling.
    if attendee and not _SPACE.search(attendee):
        event.add(
            "attendee",
            f"mailto:{attendee}",
            parameters={
                "cn": _SPACE.sub(" ", attendee_name).strip(),
                "role": "REQ-PARTICIPANT",
                "partstat": "NEEDS-ACTION",
                "rsvp": "FALSE",
            },
        )
    return calendar_of([event], method=method).to_ical().decode()


def deadline_event(uid: str, title: str, at: dt.datetime, timezone: str, stamp: dt.datetime, url: str = "") -> Any:
    """A moment something is due (a contribution deadline): an entry with no length, in the meeting's zone."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", at.astimezone(_zone(timezone)))
    event.add("summary", title)
    if url:
        event.add("url", url)
    return event


def due_date_event(uid: str, title: str, day: dt.date, stamp: dt.datetime, description: str = "") -> Any:
    """A day something is due (a directive): an all-day entry on that date."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", title)
    event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
    if description:
        event.add("description", description)
    return event
