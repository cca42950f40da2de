"""Calendar entries and QR codes in the emails, against a real SMTP server: the invitation carries the
meeting as an .ics (its zone, venue, online link) and the personal link as an inline QR image; a
reschedule and a cancellation carry the same UID with a higher SEQUENCE."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import zxingcpp
from PIL import Image

from schemas import events as ev
from schemas.codec import new_event
from servicekit.calendar import meeting_uid
from tests.conftest import Inbox
from tests.notifier.conftest import invitation_sent, meeting_created, organiser

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def calendar_of(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "meeting.ics"
    return str(part.get_param("method")), icalendar.Calendar.from_ical(part.get_content())


def vevent(cal: icalendar.Calendar) -> icalendar.Event:
    [event] = cal.walk("VEVENT")
    return event


def decoded_qr(message: EmailMessage) -> str:
    html = message.get_body(("related", "html"))
    assert html is not None
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<invite-qr@hoinghi>"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    return str(code.text)


async def test_invitation_carries_the_meeting_and_the_link_as_qr_and_changes_replace_it(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    org = organiser(signer)
    starts = dt.datetime(2031, 1, 14, 6, 30, tzinfo=dt.UTC)  # 13:30 in Da Nang
    created = meeting_created(org.id)
    meeting = await publish(
        new_event(
            ev.MeetingScheduled,
            meeting_id=created.meeting_id,
            organisation_id=org.id,
            title=ev.Bilingual(vi="Hội nghị tổng kết năm 2030", en="2030 year-end review"),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            timezone="Asia/Ho_Chi_Minh",
            status="scheduled",
            venue=ev.Venue(name="Khách sạn Mường Thanh", address="Đà Nẵng"),
            online_url="https://video.example.org/room-7",
            meeting_seq=1,
        )
    )
    mid = meeting.meeting_id
    invited = await publish(
        new_event(
            ev.ParticipantInvited,
            meeting_id=mid,
            participant_id=uuid.uuid4(),
            name="Nguyễn Văn An",
            email="an@example.org",
            role="voting_member",
            language="vi",
            meeting_seq=2,
        )
    )
    link = "https://meet.example.org/join/an-personal-code"
    sent = invitation_sent(env, invited, link)
    await publish(
        ev.InvitationSent(
            id=sent.id,
            occurred_at=sent.occurred_at,
            meeting_id=mid,
            participant_id=invited.participant_id,
            sealed_link=sent.sealed_link,
            meeting_seq=3,
        )
    )
    await inbox.count(1)
    [invitation] = inbox.to("an@example.org")

    method, cal = calendar_of(invitation)
    assert method == "REQUEST" and str(cal["METHOD"]) == "REQUEST"
    entry = vevent(cal)
    assert str(entry["UID"]) == meeting_uid(mid)
    assert int(entry["SEQUENCE"]) == 3
    assert entry.decoded("DTSTART") == starts and entry.decoded("DTSTART").tzinfo.key == "Asia/Ho_Chi_Minh"
    assert entry["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    assert str(entry["SUMMARY"]) == "Hội nghị tổng kết năm 2030"  # in the participant's language
    assert str(entry["LOCATION"]) == "Khách sạn Mường Thanh, Đà Nẵng"
    assert "https://video.example.org/room-7" in str(entry["DESCRIPTION"])
    assert str(entry["URL"]) == f"http://127.0.0.1:8081/meetings/{mid}"
    assert str(entry["ATTENDEE"]) == "mailto:an@example.org"
    # the calendar entry is no way around the personal link: only the email's own body holds it
    assert "an-personal-code" not in cal.to_ical().decode()
    assert decoded_qr(invitation) == link

    later = starts + dt.timedelta(days=1, hours=1)
    await publish(
        new_event(
            ev.MeetingRescheduled,
            meeting_id=mid,
            organisation_id=org.id,
            title=meeting.title,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=4),
            timezone="Asia/Ho_Chi_Minh",
            status="scheduled",
            venue=meeting.venue,
            online_url=meeting.online_url,
            previous_starts_at=starts,
            previous_ends_at=starts + dt.timedelta(hours=4),
            meeting_seq=4,
        )
    )
    await inbox.count(2)
    rescheduled = inbox.to("an@example.org")[-1]
    assert rescheduled["Subject"] == "Thay đổi thời gian: Hội nghị tổng kết năm 2030"
    assert "14:30, Thứ Tư 15/01/2031" in str(rescheduled.get_body(("plain",)).get_content())
    method, cal = calendar_of(rescheduled)
    moved = vevent(cal)
    assert method == "REQUEST"
    assert str(moved["UID"]) == meeting_uid(mid) and int(moved["SEQUENCE"]) == 4
    assert moved.decoded("DTSTART") == later

    await publish(new_event(ev.MeetingCancelled, meeting_id=mid, reason="Bão số 9", meeting_seq=5))
    await inbox.count(3)
    cancelled = inbox.to("an@example.org")[-1]
    assert cancelled["Subject"] == "Hủy cuộc họp: Hội nghị tổng kết năm 2030"
    assert "Bão số 9" in str(cancelled.get_body(("plain",)).get_content())
    method, cal = calendar_of(cancelled)
    gone = vevent(cal)
    assert method == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
    assert str(gone["UID"]) == meeting_uid(mid) and int(gone["SEQUENCE"]) == 5
    assert str(gone["STATUS"]) == "CANCELLED"
    assert not [p for p in cancelled.walk() if p.get_content_type() == "image/png"]


async def test_a_cancellation_reaches_each_participant_in_their_language_with_the_entry_to_remove(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    org = organiser(signer)
    meeting = await publish(meeting_created(org.id))
    mid = meeting.meeting_id
    await publish(
        new_event(
            ev.ParticipantInvited,
            meeting_id=mid,
            participant_id=uuid.uuid4(),
            name="Beth Jones",
            email="beth@example.org",
            role="voting_member",
            language="en",
        )
    )
    cancel = new_event(ev.MeetingCancelled, meeting_id=mid)
    await publish(cancel)
    await inbox.count(1)
    [only] = inbox.to("beth@example.org")
    assert only["Subject"] == "Cancelled: 2020 year-end review conference"
    method, cal = calendar_of(only)
    assert method == "CANCEL" and str(vevent(cal)["UID"]) == meeting_uid(mid)
    assert vevent(cal).decoded("DTSTART") == meeting.starts_at.astimezone(HCM).replace(microsecond=0)


async def test_approved_minutes_are_announced_to_every_participant(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    org = organiser(signer)
    meeting = await publish(meeting_created(org.id))
    for address, language in (("an@example.org", "vi"), ("beth@example.org", "en")):
        await publish(
            new_event(
                ev.ParticipantInvited,
                meeting_id=meeting.meeting_id,
                participant_id=uuid.uuid4(),
                name=address,
                email=address,
                role="voting_member",
                language=language,
            )
        )
    await publish(new_event(ev.MinutesPublished, meeting_id=meeting.meeting_id, version=2, content_hash="ab" * 32))
    await inbox.count(2)
    [vi] = inbox.to("an@example.org")
    [en] = inbox.to("beth@example.org")
    assert vi["Subject"] == "Biên bản đã được phê duyệt: Hội nghị tổng kết năm 2020"
    assert en["Subject"] == "Minutes approved: 2020 year-end review conference"
    assert "(version 2)" in str(en.get_body(("plain",)).get_content())
    assert f"/meetings/{meeting.meeting_id}" in str(en.get_body(("plain",)).get_content())
