"""A participant's calendar feed: a secret URL that lists their meetings across the organisation and their
department's contribution deadlines, parses as iCalendar, and stops working when reissued or revoked."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar

from servicekit.calendar import meeting_uid
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_a_feed_lists_the_persons_meetings_and_deadlines_until_revoked(client: Client, org: Org) -> None:
    block = await ok(
        await client.post(
            "/api/v1/departments", json={"name": {"vi": "Khối Đo lường", "en": "Metrology"}}, headers=org.organiser.auth
        ),
        201,
    )
    lab = await ok(
        await client.post(
            "/api/v1/departments",
            json={"name": {"vi": "Phòng Đo lường 1", "en": "Metrology lab 1"}, "parent_id": block["id"]},
            headers=org.organiser.auth,
        ),
        201,
    )
    first = await new_meeting(client, org)
    second = await new_meeting(
        client,
        org,
        title={"vi": "Hội nghị sơ kết 6 tháng", "en": "Mid-year review"},
        starts_at="2030-07-10T08:00:00+07:00",
        ends_at="2030-07-10T11:30:00+07:00",
    )
    unrelated = await new_meeting(client, org, title={"vi": "Họp khác", "en": "Other meeting"})
    draft = await new_meeting(client, org, title={"vi": "Bản nháp", "en": "Draft"})
    for m in (first, second, unrelated):
        await advance(client, org, m["id"], "schedule")
    me = await invite(
        client,
        org,
        first["id"],
        name="Nguyễn Văn An",
        email="an@example.org",
        language="en",
        role="department_representative",
        department_id=lab["id"],
    )
    await invite(client, org, second["id"], name="Nguyễn Văn An", email="AN@example.org")
    await invite(client, org, draft["id"], name="Nguyễn Văn An", email="an@example.org")
    await invite(client, org, unrelated["id"], name="Someone else", email="other@example.org")
    deadline = dt.datetime(2030, 1, 10, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    request = await ok(
        await client.post(
            f"/api/v1/meetings/{first['id']}/contribution-requests",
            json={
                "topic": {"vi": "Tham luận khối Đo lường", "en": "Metrology report"},
                "department_ids": [block["id"]],
                "deadline": deadline.isoformat(),
            },
            headers=org.organiser.auth,
        ),
        201,
    )
    an = await join(client, me)

    feed_url = f"/api/v1/meetings/{first['id']}/participants/{me['id']}/calendar-feed"
    someone = await join(client, await invite(client, org, first["id"], name="Trần B", email="b@example.org"))
    assert (await client.post(feed_url, headers=someone.auth)).status == 403  # not theirs
    issued = await ok(await client.post(feed_url, headers=an.auth), 201)
    feed = await client.get(path_of(issued["url"]))
    assert feed.status == 200 and feed.content_type == "text/calendar"
    assert feed.headers["Cache-Control"] == "no-store"
    cal = icalendar.Calendar.from_ical(await feed.text())
    entries = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(entries) == {
        meeting_uid(uuid.UUID(first["id"])),
        meeting_uid(uuid.UUID(second["id"])),
        f"contribution-{request['id']}@hoinghi",
    }  # not the draft, not someone else's
    assert str(entries[meeting_uid(uuid.UUID(second["id"]))]["SUMMARY"]) == "Mid-year review"
    due = entries[f"contribution-{request['id']}@hoinghi"]
    assert due.decoded("DTSTART") == deadline and due["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(due["SUMMARY"]) == "Contribution due: Metrology report (2020 year-end review)"

    await ok(
        await client.post(f"/api/v1/meetings/{first['id']}/cancel", headers=org.organiser.auth),
    )
    cal = icalendar.Calendar.from_ical(await (await client.get(path_of(issued["url"]))).text())
    [cancelled] = [e for e in cal.walk("VEVENT") if str(e["UID"]) == meeting_uid(uuid.UUID(first["id"]))]
    assert str(cancelled["STATUS"]) == "CANCELLED"

    again = await ok(await client.post(feed_url, headers=org.organiser.auth), 201)
    assert again["url"] != issued["url"]
    assert (await client.get(path_of(issued["url"]))).status == 404  # reissuing revokes the old URL
    assert (await client.get(path_of(again["url"]))).status == 200
    assert (await client.delete(feed_url, headers=an.auth)).status == 204
    assert (await client.get(path_of(again["url"]))).status == 404
    assert (await client.delete(feed_url, headers=an.auth)).status == 404
    assert (await client.get("/calendar/not-a-feed.ics")).status == 404
