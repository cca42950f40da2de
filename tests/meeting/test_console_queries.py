"""What the organiser console reads: the participant query at 2,000 rows, the CSV preview, a meeting
duplicated as a template, invitation status per person and attendance against the voting roll."""

from __future__ import annotations

import uuid
from typing import Any

from devstack.reference import staff_names
from tests.conftest import EventTap
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok

CSV = {"Content-Type": "text/csv"}


def csv_of(rows: list[str]) -> bytes:
    return ("\ufeffname,email,department,role,weight,language\n" + "\n".join(rows) + "\n").encode()


async def department(client: Client, org: Org, code: str, parent: str | None = None) -> dict[str, Any]:
    body = {"name": {"vi": f"Phòng {code}", "en": f"Department {code}"}, "code": code, "parent_id": parent}
    return await ok(await client.post("/api/v1/departments", json=body, headers=org.organiser.auth), 201)


async def people(client: Client, caller: Any, mid: str, **query: Any) -> dict[str, Any]:
    return await ok(await client.get(f"/api/v1/meetings/{mid}/participants", params=query, headers=caller.auth))


async def test_participant_query_searches_filters_sorts_and_pages_2000_rows(client: Client, org: Org) -> None:
    block = await department(client, org, "DL")
    metrology = await department(client, org, "DL1", block["id"])
    testing = await department(client, org, "TN")
    mid = (await new_meeting(client, org))["id"]
    names = staff_names(2000)
    rows = [
        f"{n},p{i}@quatest2.example.org,{'DL1' if i % 4 == 0 else 'TN'},"
        f"{'observer' if i % 10 == 0 else 'voting_member'},1,vi"
        for i, n in enumerate(names)
    ]
    await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants:import", data=csv_of(rows), headers={**org.organiser.auth, **CSV}
        ),
        201,
    )
    everyone = await people(client, org.organiser, mid)
    assert (everyone["total"], len(everyone["items"])) == (2000, 2000)

    page = await people(client, org.organiser, mid, sort="-name", limit=50, offset=100)
    assert page["total"] == 2000
    assert [p["name"] for p in page["items"]] == sorted(names, reverse=True)[100:150]
    past = await people(client, org.organiser, mid, limit=50, offset=5000)
    assert (past["total"], past["items"]) == (2000, [])
    # the console's table asks for the invitations of the page it shows, with the same query
    invited = await ok(
        await client.get(
            f"/api/v1/meetings/{mid}/invitations",
            params={"sort": "-name", "limit": 50, "offset": 100},
            headers=org.organiser.auth,
        )
    )
    assert invited["total"] == 2000
    assert [i["participant_id"] for i in invited["items"]] == [p["id"] for p in page["items"]]
    everyone_invited = await ok(await client.get(f"/api/v1/meetings/{mid}/invitations", headers=org.organiser.auth))
    assert len(everyone_invited["items"]) == 2000  # without a query: the whole meeting, as before

    target = names[1234]
    found = await people(client, org.organiser, mid, q=target.split()[-1].upper())
    assert target in [p["name"] for p in found["items"]]
    assert all(target.split()[-1].lower() in p["name"].lower() for p in found["items"])
    by_email = await people(client, org.organiser, mid, q="p1234@")
    assert [p["name"] for p in by_email["items"]] == [target]
    wildcard = await people(client, org.organiser, mid, q="%")
    assert wildcard["total"] == 0  # a LIKE wildcard is a character like any other

    in_block = await people(client, org.organiser, mid, department_id=block["id"])
    assert in_block["total"] == 500
    assert {p["department_id"] for p in in_block["items"]} == {metrology["id"]}
    observers_in_testing = await people(client, org.organiser, mid, department_id=testing["id"], role="observer")
    assert observers_in_testing["total"] == 100  # i % 10 == 0 and i % 4 != 0: 200 - 100
    unanswered = await people(client, org.organiser, mid, rsvp="none", present="false", limit=1)
    assert (unanswered["total"], len(unanswered["items"])) == (2000, 1)

    # a member does not see emails, so cannot find people by them either
    member = await join(client, await invite(client, org, mid, name="Phạm Văn Cường", email="cuong@x.example.org"))
    assert (await people(client, member, mid, q="p1234@"))["total"] == 0
    assert (await people(client, member, mid, q="cuong@"))["total"] == 0  # not even their own: one rule for all

    for bad in ({"sort": "email"}, {"limit": "0"}, {"present": "maybe"}, {"rsvp": "perhaps"}, {"offset": "-1"}):
        for listing in ("participants", "invitations"):
            answer = await client.get(f"/api/v1/meetings/{mid}/{listing}", params=bad, headers=org.organiser.auth)
            body = await answer.json()
            assert (answer.status, body["field"]) == (400, next(iter(bad))), body


async def test_csv_preview_reports_every_row_and_writes_nothing(client: Client, org: Org) -> None:
    await department(client, org, "DL")
    mid = (await new_meeting(client, org))["id"]
    await invite(client, org, mid, name="Đã Mời", email="taken@quatest2.example.org")
    rows = [
        "Nguyễn Văn An,an@quatest2.example.org,DL,voting_member,2,vi",
        "Trần Thị Bình,taken@quatest2.example.org,DL,voting_member,1,en",
        "Lê Văn Cường,cuong@quatest2.example.org,XX,president,1,vi",
        "Phạm Thị Dung,,DL,observer,,vi",
    ]
    url = f"/api/v1/meetings/{mid}/participants"
    preview = await ok(await client.post(url + ":preview", data=csv_of(rows), headers={**org.organiser.auth, **CSV}))
    assert [r["row"] for r in preview["rows"]] == [1, 2, 4]
    assert preview["rows"][0] == {
        "row": 1,
        "name": "Nguyễn Văn An",
        "email": "an@quatest2.example.org",
        "department_id": preview["rows"][0]["department_id"],
        "role": "voting_member",
        "weight": 2,
        "language": "vi",
    }
    assert [(e["row"], e["field"]) for e in preview["errors"]] == [(2, "email"), (3, "department"), (3, "role")]
    assert preview["importable"] is False
    assert (await people(client, org.organiser, mid))["total"] == 1  # nothing written

    fixed = [rows[0], rows[3]]
    clean = await ok(await client.post(url + ":preview", data=csv_of(fixed), headers={**org.organiser.auth, **CSV}))
    assert (clean["errors"], clean["importable"]) == ([], True)
    done = await ok(await client.post(url + ":import", data=csv_of(fixed), headers={**org.organiser.auth, **CSV}), 201)
    assert done["created"] == 2
    header = await ok(await client.post(url + ":preview", data=b"who,what\n", headers={**org.organiser.auth, **CSV}))
    assert [(e["row"], e["field"]) for e in header["errors"]] == [(0, "header")]
    member = await join(client, await invite(client, org, mid, name="Võ Văn Em"))
    refused = await client.post(url + ":preview", data=csv_of(fixed), headers={**member.auth, **CSV})
    assert refused.status == 403


async def test_duplicate_copies_agenda_and_people_but_nothing_that_happened(
    client: Client, org: Org, new_org: Any, tap: EventTap
) -> None:
    dep = await department(client, org, "NV")
    source = await new_meeting(client, org, online_url="https://meet.example.org/room")
    mid = source["id"]
    for n, kind in enumerate(("report", "discussion", "vote"), start=1):
        await ok(
            await client.post(
                f"/api/v1/meetings/{mid}/agenda",
                json={"title": {"vi": f"Mục {n}", "en": f"Item {n}"}, "kind": kind, "planned_minutes": 10 * n},
                headers=org.organiser.auth,
            ),
            201,
        )
    chair = await invite(client, org, mid, name="Chủ Tọa", role="chair", email="chair@quatest2.example.org")
    member = await invite(client, org, mid, name="Thành Viên", department_id=dep["id"], weight=3)
    await advance(client, org, mid, "schedule")
    await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants/{member['id']}/rsvp",
            json={"response": "attending"},
            headers=org.organiser.auth,
        )
    )
    body = {
        "title": {"vi": "Hội nghị tổng kết 2021", "en": "2021 year-end review"},
        "starts_at": "2031-01-13T13:30:00+07:00",
        "ends_at": "2031-01-13T17:30:00+07:00",
    }
    headers = {**org.organiser.auth, "Idempotency-Key": "dup-2021"}
    copy = await ok(await client.post(f"/api/v1/meetings/{mid}/duplicate", json=body, headers=headers), 201)
    again = await ok(await client.post(f"/api/v1/meetings/{mid}/duplicate", json=body, headers=headers), 201)
    assert again["id"] == copy["id"]
    assert (copy["status"], copy["title"]["en"], copy["online_url"]) == (
        "draft",
        "2021 year-end review",
        source["online_url"],
    )
    assert copy["venue"] == source["venue"]
    assert [(a["title"]["en"], a["kind"], a["planned_minutes"]) for a in copy["agenda"]] == [
        ("Item 1", "report", 10),
        ("Item 2", "discussion", 20),
        ("Item 3", "vote", 30),
    ]
    copied = {p["name"]: p for p in (await people(client, org.organiser, copy["id"]))["items"]}
    assert set(copied) == {"Chủ Tọa", "Thành Viên"}
    assert (copied["Chủ Tọa"]["role"], copied["Chủ Tọa"]["email"]) == ("chair", chair["email"])
    assert (copied["Thành Viên"]["department_id"], copied["Thành Viên"]["weight"]) == (dep["id"], 3)
    assert copied["Thành Viên"]["rsvp"] is None and copied["Thành Viên"]["id"] != member["id"]
    invitations = await ok(await client.get(f"/api/v1/meetings/{copy['id']}/invitations", headers=org.organiser.auth))
    assert {i["status"] for i in invitations["items"]} == {"not_sent"}  # a draft sends nothing
    await tap.wait("agenda.item_added", meeting_id=uuid.UUID(copy["id"]))
    original = await people(client, org.organiser, mid)
    assert {p["id"] for p in original["items"]} == {chair["id"], member["id"]}

    bare = await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/duplicate", json={**body, "participants": False}, headers=org.organiser.auth
        ),
        201,
    )
    assert (await people(client, org.organiser, bare["id"]))["total"] == 0
    past = await client.post(
        f"/api/v1/meetings/{mid}/duplicate",
        json={**body, "starts_at": "2020-01-13T13:30:00+07:00"},
        headers=org.organiser.auth,
    )
    assert (past.status, (await past.json())["field"]) == (422, "starts_at")
    stranger = await new_org("Other")
    foreign = await client.post(f"/api/v1/meetings/{mid}/duplicate", json=body, headers=stranger.organiser.auth)
    assert foreign.status == 404


async def test_invitation_status_and_the_voting_roll(client: Client, org: Org) -> None:
    mid = (await new_meeting(client, org))["id"]
    opened = await invite(client, org, mid, name="Mở Link", email="open@quatest2.example.org", weight=2)
    silent = await invite(client, org, mid, name="Im Lặng", email="silent@quatest2.example.org")
    await invite(client, org, mid, name="Quan Sát", role="observer")
    me = await join(client, opened)
    await join(client, opened)  # a second session keeps the first opening time
    await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants/{me.id}/rsvp", json={"response": "attending"}, headers=me.auth
        )
    )
    await ok(
        await client.delete(f"/api/v1/meetings/{mid}/participants/{silent['id']}/invite", headers=org.organiser.auth),
        204,
    )
    status = {
        i["name"]: i
        for i in (await ok(await client.get(f"/api/v1/meetings/{mid}/invitations", headers=org.organiser.auth)))[
            "items"
        ]
    }
    assert status["Mở Link"]["opened_at"] is not None and status["Mở Link"]["rsvp"] == "attending"
    assert (status["Im Lặng"]["opened_at"], status["Im Lặng"]["link_active"]) == (None, False)
    # the participant list filters by the status as the console shows it (a draft has sent nothing)
    people = f"/api/v1/meetings/{mid}/participants"
    for state, names in (("opened", ["Mở Link"]), ("revoked", ["Im Lặng"]), ("not_sent", ["Quan Sát"]), ("sent", [])):
        found = await ok(await client.get(people, params={"invitation": state}, headers=org.organiser.auth))
        assert [p["name"] for p in found["items"]] == names, state
    refused = await client.get(people, params={"invitation": "opened"}, headers=me.auth)
    assert (refused.status, (await refused.json())["field"]) == (403, "invitation")  # organisers only

    await advance(client, org, mid, "schedule", "start")
    await ok(await client.post(f"/api/v1/meetings/{mid}/participants/{me.id}/check-in", headers=org.organiser.auth))
    roll = await ok(await client.get(f"/api/v1/meetings/{mid}/attendance", headers=me.auth))
    assert (roll["eligible_count"], roll["eligible_weight"]) == (2, 3)  # the observer is not on the roll
    assert (roll["present_voting_count"], roll["present_voting_weight"]) == (1, 2)
