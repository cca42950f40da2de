"""Participants: CSV import, invitations and sessions, RSVP, attendance and proxies."""

from __future__ import annotations

import uuid

from devstack.reference import staff_names
from schemas.codec import encode
from tests.conftest import EventTap, wait_for
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


def csv_of(rows: list[str]) -> bytes:
    return ("\ufeffname,email,department,role,weight,language\n" + "\n".join(rows) + "\n").encode()


async def test_csv_import_is_all_or_nothing_and_keeps_names_byte_exact(client: Client, org: Org, tap: EventTap) -> None:
    dep = await ok(
        await client.post(
            "/api/v1/departments",
            json={"name": {"vi": "Khối Đo lường", "en": "Metrology"}, "code": "DL"},
            headers=org.organiser.auth,
        ),
        201,
    )
    meeting = await new_meeting(client, org)
    url = f"/api/v1/meetings/{meeting['id']}/participants:import"
    names = staff_names(200)
    rows = [
        f"{n},vc{i}@quatest2.example.org,{'DL' if i % 2 else 'Khối Đo lường'},voting_member,1,vi"
        for i, n in enumerate(names)
    ]
    broken = rows.copy()
    broken[137] = f"{names[137]},vc137@quatest2.example.org,DL,president,1,vi"
    response = await client.post(url, data=csv_of(broken), headers={**org.organiser.auth, "Content-Type": "text/csv"})
    body = await response.json()
    assert response.status == 422, body
    assert body["errors"] == [{"row": 138, "field": "role", "detail": body["errors"][0]["detail"]}]
    assert "president" in body["errors"][0]["detail"]
    listed = await ok(await client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=org.organiser.auth))
    assert listed["items"] == []

    done = await ok(
        await client.post(url, data=csv_of(rows), headers={**org.organiser.auth, "Content-Type": "text/csv"}), 201
    )
    assert done["created"] == 200
    listed = await ok(await client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=org.organiser.auth))
    assert sorted(p["name"] for p in listed["items"]) == sorted(names)
    assert {p["department_id"] for p in listed["items"]} == {dep["id"]}
    assert all(p["name"].encode() in csv_of(rows) for p in listed["items"])

    async def all_invited() -> bool:
        return len(tap.of_type("participant.invited")) == 200

    await wait_for(all_invited, what="200 participant.invited")
    event = tap.of_type("participant.invited")[0]
    assert b"/join/" not in encode(event)  # the personal link never travels in clear
    assert event.email.endswith("@quatest2.example.org")  # type: ignore[attr-defined]
    again = await client.post(url, data=csv_of(rows[:1]), headers={**org.organiser.auth, "Content-Type": "text/csv"})
    assert (again.status, (await again.json())["errors"][0]["field"]) == (422, "email")


async def test_invite_link_yields_a_session_scoped_to_its_meeting(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    other = await new_meeting(client, org)
    person = await invite(client, org, meeting["id"], email="an@quatest2.example.org")
    me = await join(client, person)
    read = await client.get(f"/api/v1/meetings/{meeting['id']}", headers=me.auth)
    assert read.status == 200
    elsewhere = await client.get(f"/api/v1/meetings/{other['id']}", headers=me.auth)
    assert elsewhere.status == 404
    revoked = await client.delete(
        f"/api/v1/meetings/{meeting['id']}/participants/{me.id}/invite", headers=org.organiser.auth
    )
    assert revoked.status == 204
    code = person["invite_url"].rsplit("/", 1)[1]
    gone = await client.post("/api/v1/sessions", json={"invite_code": code})
    assert (gone.status, (await gone.json())["field"]) == (404, "invite_code")
    removed = await client.delete(f"/api/v1/meetings/{meeting['id']}/participants/{me.id}", headers=org.organiser.auth)
    assert removed.status == 204
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=me.auth)).status == 401


async def test_rsvp_and_idempotent_check_in_while_in_progress(client: Client, org: Org, tap: EventTap) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    heavy = await join(client, await invite(client, org, mid, name="Trần Thị Bình", weight=3))
    secretary = await join(client, await invite(client, org, mid, name="Lê Thị Thanh Minh", role="secretary"))
    member = await join(client, await invite(client, org, mid, name="Phạm Văn Cường"))
    rsvp = await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants/{heavy.id}/rsvp", json={"response": "attending"}, headers=heavy.auth
        )
    )
    assert rsvp["rsvp"] == "attending"
    for_other = await client.post(
        f"/api/v1/meetings/{mid}/participants/{heavy.id}/rsvp", json={"response": "declined"}, headers=member.auth
    )
    assert for_other.status == 403
    early = await client.post(f"/api/v1/meetings/{mid}/participants/{heavy.id}/check-in", headers=secretary.auth)
    assert (early.status, (await early.json())["current_status"]) == (409, "draft")
    await advance(client, org, mid, "schedule", "start")
    by_member = await client.post(f"/api/v1/meetings/{mid}/participants/{heavy.id}/check-in", headers=member.auth)
    assert by_member.status == 403
    for _ in range(2):
        await ok(await client.post(f"/api/v1/meetings/{mid}/participants/{heavy.id}/check-in", headers=secretary.auth))
    await ok(await client.post(f"/api/v1/meetings/{mid}/participants/{member.id}/check-in", headers=member.auth))
    attendance = await ok(await client.get(f"/api/v1/meetings/{mid}/attendance", headers=member.auth))
    assert (attendance["present_count"], attendance["present_weight"]) == (2, 4)
    last = await tap.wait("participant.checked_in", participant_id=member.id)
    assert (last.present_count, last.present_weight) == (2, 4)  # type: ignore[attr-defined]
    assert len(tap.of_type("participant.checked_in")) == 2  # the repeated check-in emitted nothing
    await ok(await client.post(f"/api/v1/meetings/{mid}/participants/{heavy.id}/check-out", headers=heavy.auth))
    out = await tap.wait("participant.checked_out", participant_id=heavy.id)
    assert (out.present_count, out.present_weight) == (1, 1)  # type: ignore[attr-defined]


async def test_proxies_one_per_holder_no_chains_no_observers(client: Client, org: Org, tap: EventTap) -> None:
    mid = (await new_meeting(client, org))["id"]
    a, b, c = [await join(client, await invite(client, org, mid, name=n)) for n in ("Võ Văn A", "Võ Văn B", "Võ Văn C")]
    observer = await join(client, await invite(client, org, mid, name="Hà Minh Hiệp", role="observer"))

    async def grant(principal: object, holder: uuid.UUID | None, who: object) -> tuple[int, dict[str, object]]:
        response = await client.post(
            f"/api/v1/meetings/{mid}/participants/{principal.id}/proxy",  # type: ignore[attr-defined]
            json={"holder_id": str(holder)},
            headers=who.auth,  # type: ignore[attr-defined]
        )
        return response.status, await response.json()

    assert (await grant(a, b.id, a))[0] == 201
    granted = await tap.wait("proxy.granted", principal_id=a.id)
    assert granted.holder_id == b.id  # type: ignore[attr-defined]
    status, body = await grant(c, b.id, c)
    assert (status, body["field"]) == (422, "holder_id") and "limit 1" in body["detail"]
    status, body = await grant(b, c.id, b)
    assert status == 422 and "chains" in body["detail"]
    status, body = await grant(c, a.id, c)
    assert status == 422 and "chains" in body["detail"]
    status, body = await grant(c, observer.id, c)
    assert status == 422 and "observer" in body["detail"]
    status, body = await grant(observer, c.id, observer)
    assert status == 422 and "observer" in body["detail"]
    assert (await grant(c, a.id, b))[0] == 403  # only the principal (or the organiser) hands on a vote
    revoke = await client.delete(f"/api/v1/meetings/{mid}/participants/{a.id}/proxy", headers=a.auth)
    assert revoke.status == 204
    await tap.wait("proxy.revoked", principal_id=a.id, holder_id=b.id)
    assert (await grant(c, b.id, c))[0] == 201
    demoted = await client.patch(
        f"/api/v1/meetings/{mid}/participants/{b.id}", json={"role": "observer"}, headers=org.organiser.auth
    )
    assert demoted.status == 200
    await tap.wait("proxy.revoked", principal_id=c.id, holder_id=b.id)
    listed = await ok(await client.get(f"/api/v1/meetings/{mid}/participants", headers=org.organiser.auth))
    assert all(p["proxy_holder_id"] is None for p in listed["items"])


async def test_invite_link_opens_a_page_in_the_participants_language(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    await ok(
        await client.post(
            f"/api/v1/meetings/{meeting['id']}/agenda",
            json={"title": {"vi": "Khai mạc hội nghị", "en": "Opening"}, "kind": "other", "planned_minutes": 10},
            headers=org.organiser.auth,
        ),
        201,
    )
    vi = await invite(client, org, meeting["id"], email="an@quatest2.example.org", name="Nguyễn <b>Văn</b> An")
    en = await invite(client, org, meeting["id"], email="beth@example.org", name="Beth Jones", language="en")

    page = await client.get("/join/" + vi["invite_url"].rsplit("/", 1)[1])
    html = await page.text()
    assert page.status == 200 and page.content_type == "text/html"
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Kính gửi Nguyễn &lt;b&gt;Văn&lt;/b&gt; An" in html  # escaped, never markup
    assert "Hội nghị tổng kết công tác năm 2020" in html and "Khai mạc hội nghị" in html
    assert "14/01/2030 13:30–17:30, giờ Việt Nam (GMT+7)" in html

    english = await (await client.get("/join/" + en["invite_url"].rsplit("/", 1)[1])).text()
    assert "Dear Beth Jones" in english and "Opening" in english and "2020 year-end review" in english
    assert "14/01/2030 13:30–17:30, Vietnam time (GMT+7)" in english

    assert (await client.get("/join/not-a-real-invite-code")).status == 404
    pid = en["id"]
    await ok(
        await client.delete(f"/api/v1/meetings/{meeting['id']}/participants/{pid}/invite", headers=org.organiser.auth),
        204,
    )
    assert (await client.get("/join/" + en["invite_url"].rsplit("/", 1)[1])).status == 404


async def test_a_csv_import_retried_with_its_idempotency_key_gets_the_stored_answer(
    client: Client, org: Org, tap: EventTap
) -> None:
    meeting = await new_meeting(client, org)
    url = f"/api/v1/meetings/{meeting['id']}/participants:import"
    data = "name,email\nNguyễn Văn An,an@quatest2.example.org\nTrần Thị Bình,binh@quatest2.example.org\n".encode()
    headers = {**org.organiser.auth, "Content-Type": "text/csv", "Idempotency-Key": f"import-{uuid.uuid4()}"}
    first = await ok(await client.post(url, data=data, headers=headers), 201)
    # the answer was lost on the way: the client sends the same file with the same key
    retried = await client.post(url, data=data, headers=headers)
    assert retried.status == 201, await retried.text()
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert await retried.json() == first
    listed = await ok(await client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=org.organiser.auth))
    assert len(listed["items"]) == 2
    await tap.wait("participant.invited", participant_id=uuid.UUID(first["items"][1]["id"]))
    assert len(tap.of_type("participant.invited")) == 2  # invited once each
    # the same key with another file is a mistake, not a retry
    other = await client.post(url, data=data.replace(b"An", b"Anh"), headers=headers)
    assert other.status == 422
    assert (await other.json())["field"] == "Idempotency-Key"


async def test_one_address_is_one_participant_of_a_meeting_however_it_is_typed(client: Client, org: Org) -> None:
    """Added, imported or edited: an address that is another participant's in another spelling (full width,
    the Kelvin sign, case) is that participant's."""
    meeting = await new_meeting(client, org)
    people = f"/api/v1/meetings/{meeting['id']}/participants"
    await ok(
        await client.post(
            people, json={"name": "Kim", "email": "kim@quatest2.example.org"}, headers=org.organiser.auth
        ),
        201,
    )
    for typed in ("ｋｉｍ@quatest2.example.org", "\u212aIM@QUATEST2.example.org"):
        twin = await client.post(people, json={"name": "Kim again", "email": typed}, headers=org.organiser.auth)
        assert (twin.status, (await twin.json())["field"]) == (409, "email"), typed
        imported = await client.post(
            f"{people}:import",
            data=csv_of([f"Kim again,{typed},,,,"]),
            headers={**org.organiser.auth, "Content-Type": "text/csv"},
        )
        assert (imported.status, (await imported.json())["errors"][0]["field"]) == (422, "email"), typed
    other = await ok(
        await client.post(
            people, json={"name": "Lan", "email": "lan@quatest2.example.org"}, headers=org.organiser.auth
        ),
        201,
    )
    moved = await client.patch(
        f"{people}/{other['id']}", json={"email": "ＫＩＭ@quatest2.example.org"}, headers=org.organiser.auth
    )
    assert (moved.status, (await moved.json())["field"]) == (409, "email")
