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


def uids(text: str) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}


async def test_a_feed_ends_with_the_invite_it_was_issued_under_and_with_the_participant(
    client: Client, org: Org
) -> None:
    meeting = await new_meeting(client, org)
    await advance(client, org, meeting["id"], "schedule")
    me = await invite(client, org, meeting["id"], email="an@example.org")
    people = f"/api/v1/meetings/{meeting['id']}/participants/{me['id']}"
    an = await join(client, me)
    issued = await ok(await client.post(f"{people}/calendar-feed", headers=an.auth), 201)
    assert (await client.get(path_of(issued["url"]))).status == 200

    # A new link for the same person (the old one leaked): the feed issued with the old one ends with it.
    reissued = await ok(await client.post(f"{people}/invite", headers=org.organiser.auth), 201)
    assert (await client.get(path_of(issued["url"]))).status == 404
    assert (await client.post(f"{people}/calendar-feed", headers=an.auth)).status == 401  # nor can it issue one
    again = await join(client, {**me, "invite_url": reissued["invite_url"]})
    current = await ok(await client.post(f"{people}/calendar-feed", headers=again.auth), 201)
    assert (await client.get(path_of(current["url"]))).status == 200

    # Revoked: ended; the organiser may give the participant one anew, under the invite's generation now.
    await ok(await client.delete(f"{people}/invite", headers=org.organiser.auth), 204)
    assert (await client.get(path_of(current["url"]))).status == 404
    given = await ok(await client.post(f"{people}/calendar-feed", headers=org.organiser.auth), 201)
    assert (await client.get(path_of(given["url"]))).status == 200

    # Removed from the roster: ended.
    await ok(await client.delete(people, headers=org.organiser.auth), 204)
    assert (await client.get(path_of(given["url"]))).status == 404


async def test_a_feeds_other_meetings_are_those_where_the_person_is_on_the_roster_now(client: Client, org: Org) -> None:
    meetings = [await new_meeting(client, org, title={"vi": f"Họp {n}", "en": f"Meeting {n}"}) for n in range(5)]
    for m in meetings:
        await advance(client, org, m["id"], "schedule")
    first, by_key, revoked, removed, unrelated = meetings
    me = await invite(client, org, first["id"], email="strauß@example.org")
    # the same person by the address's key (full case folding: ß is ss), not by lower()
    await invite(client, org, by_key["id"], email="STRAUSS@example.org")
    gone = await invite(client, org, revoked["id"], email="Strauß@Example.org")
    leaving = await invite(client, org, removed["id"], email="strauss@example.org")
    await invite(client, org, unrelated["id"], email="straus@example.org")  # another address
    an = await join(client, me)
    feed_url = f"/api/v1/meetings/{first['id']}/participants/{me['id']}/calendar-feed"
    issued = await ok(await client.post(feed_url, headers=an.auth), 201)

    def uid(m: dict[str, str]) -> str:
        return meeting_uid(uuid.UUID(m["id"]))

    seen = uids(await (await client.get(path_of(issued["url"]))).text())
    assert seen == {uid(first), uid(by_key), uid(revoked), uid(removed)}

    # Their invite to one meeting revoked, their seat in another removed: those meetings leave the feed.
    await ok(
        await client.delete(
            f"/api/v1/meetings/{revoked['id']}/participants/{gone['id']}/invite", headers=org.organiser.auth
        ),
        204,
    )
    seat = f"/api/v1/meetings/{removed['id']}/participants/{leaving['id']}"
    await ok(await client.delete(seat, headers=org.organiser.auth), 204)
    assert uids(await (await client.get(path_of(issued["url"]))).text()) == {uid(first), uid(by_key)}

    # The owner's own address changed: the feed follows the participant, not the address it once had.
    await ok(
        await client.patch(
            f"/api/v1/meetings/{first['id']}/participants/{me['id']}",
            json={"email": "an.other@example.org"},
            headers=org.organiser.auth,
        )
    )
    assert uids(await (await client.get(path_of(issued["url"]))).text()) == {uid(first)}
