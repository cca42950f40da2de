"""Calendar entries of a meeting: one UID per meeting whatever the email, a sequence that supersedes,
the meeting's own zone, and a cancellation a calendar program applies to the entry it holds."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar

from servicekit.calendar import Entry, due_date_event, invitation, meeting_uid

MEETING = uuid.UUID("0193a4b2-0000-7000-8000-000000000001")
ENTRY = Entry(
    meeting_id=MEETING,
    title="Hội nghị tổng kết",
    starts_at=dt.datetime(2021, 1, 14, 1, 30, tzinfo=dt.UTC),
    ends_at=dt.datetime(2021, 1, 14, 4, 0, tzinfo=dt.UTC),
    timezone="Asia/Ho_Chi_Minh",
    sequence=7,
    stamp=dt.datetime(2021, 1, 10, tzinfo=dt.UTC),
    venue="Hội trường A",
    online_url="https://meet.example.org/room",
    page_url="https://app.example.org/meetings/1",
)


def parsed(ics: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_request_names_the_meeting_its_time_in_its_zone_and_the_attendee() -> None:
    calendar, event = parsed(
        invitation(
            ENTRY, method="REQUEST", organiser="no-reply@example.org", attendee="an@example.org", attendee_name="An"
        )
    )
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == meeting_uid(MEETING) and int(event["sequence"]) == 7
    start = event.decoded("dtstart")
    assert start == ENTRY.starts_at and start.utcoffset() == dt.timedelta(hours=7)  # 08:30 in Hà Nội
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    assert str(event["status"]) == "CONFIRMED" and str(event["location"]) == "Hội trường A"
    assert (
        str(event["attendee"]) == "mailto:an@example.org" and str(event["organizer"]) == "mailto:no-reply@example.org"
    )
    assert "https://meet.example.org/room" in str(event["description"])


def test_a_cancellation_is_the_same_entry_cancelled() -> None:
    calendar, event = parsed(
        invitation(
            ENTRY, method="CANCEL", organiser="no-reply@example.org", attendee="an@example.org", attendee_name="An"
        )
    )
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == meeting_uid(MEETING)


def test_an_address_that_is_not_one_address_is_left_out_rather_than_failing() -> None:
    _, event = parsed(
        invitation(ENTRY, method="REQUEST", organiser="o@example.org", attendee="a@x.org b@y.org", attendee_name="A")
    )
    assert "attendee" not in event


def test_an_unknown_zone_falls_back_to_utc() -> None:
    odd = Entry(**{**ENTRY.__dict__, "timezone": "Not/AZone"})
    _, event = parsed(invitation(odd, method="REQUEST", organiser="o@example.org", attendee="", attendee_name=""))
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)


def test_a_due_date_is_an_all_day_entry_that_makes_nobody_busy() -> None:
    event = due_date_event("d-1@hoinghi", "Báo cáo", dt.date(2021, 12, 31), dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    assert event.decoded("dtstart") == dt.date(2021, 12, 31) and event.decoded("dtend") == dt.date(2022, 1, 1)
    assert str(event["transp"]) == "TRANSPARENT"
