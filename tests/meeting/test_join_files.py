"""What the page of a personal invite link offers: the link as a QR code that decodes back to it, and the
meeting as a calendar file with the same UID the invitation emails carry; both end with the link."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import icalendar
import zxingcpp
from PIL import Image

from servicekit.calendar import meeting_uid
from tests.meeting.conftest import Client, Org, invite, new_meeting, ok


async def test_the_invite_page_offers_its_link_as_qr_and_the_meeting_as_a_calendar_entry(
    client: Client, org: Org
) -> None:
    meeting = await new_meeting(client, org, online_url="https://video.example.org/room-7")
    en = await invite(client, org, meeting["id"], email="beth@example.org", name="Beth Jones", language="en")
    code = en["invite_url"].rsplit("/", 1)[1]

    page = await (await client.get(f"/join/{code}")).text()
    assert f'src="/join/{code}/qr.svg"' in page and f'href="/join/{code}/meeting.ics"' in page
    assert f'href="/join/{code}/qr.png"' in page and "Add to your calendar" in page

    png = await client.get(f"/join/{code}/qr.png")
    assert png.status == 200 and png.content_type == "image/png"
    assert png.headers["Cache-Control"] == "no-store" and png.headers["Referrer-Policy"] == "no-referrer"
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(await png.read())))
    assert decoded.text == en["invite_url"]

    svg = await client.get(f"/join/{code}/qr.svg")
    assert svg.status == 200 and svg.content_type == "image/svg+xml"
    assert (await svg.text()).startswith("<svg")

    ics = await client.get(f"/join/{code}/meeting.ics")
    assert ics.status == 200 and ics.content_type == "text/calendar"
    cal = icalendar.Calendar.from_ical(await ics.text())
    [entry] = cal.walk("VEVENT")
    assert str(entry["UID"]) == meeting_uid(uuid.UUID(meeting["id"]))
    assert str(entry["SUMMARY"]) == "2020 year-end review"  # the participant's language
    assert entry.decoded("DTSTART") == dt.datetime.fromisoformat(meeting["starts_at"])
    assert entry["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(entry["LOCATION"]) == "Khách sạn Minh Toan Galaxy, 306 Đường 2/9, Đà Nẵng"
    assert "https://video.example.org/room-7" in str(entry["DESCRIPTION"])
    assert int(entry["SEQUENCE"]) >= 1 and str(entry["STATUS"]) == "CONFIRMED"
    assert code not in (await ics.text())  # the file can be shared; the link stays personal

    moved = dict(starts_at="2030-01-15T14:30:00+07:00", ends_at="2030-01-15T18:30:00+07:00")
    current = await client.get(f"/api/v1/meetings/{meeting['id']}", headers=org.organiser.auth)
    await ok(
        await client.patch(
            f"/api/v1/meetings/{meeting['id']}",
            json=moved,
            headers={**org.organiser.auth, "If-Match": current.headers["ETag"]},
        )
    )
    [later] = icalendar.Calendar.from_ical(await (await client.get(f"/join/{code}/meeting.ics")).text()).walk("VEVENT")
    assert int(later["SEQUENCE"]) > int(entry["SEQUENCE"])
    assert later.decoded("DTSTART") == dt.datetime.fromisoformat(moved["starts_at"])

    await ok(
        await client.delete(
            f"/api/v1/meetings/{meeting['id']}/participants/{en['id']}/invite", headers=org.organiser.auth
        ),
        204,
    )
    for path in ("qr.png", "qr.svg", "meeting.ics"):
        gone = await client.get(f"/join/{code}/{path}")
        assert gone.status == 404 and gone.content_type == "text/html"
    assert (await client.get("/join/not-a-code/qr.png")).status == 404
