"""The participant page's first screen in one request: meeting_svc's part always, resolution_svc's part
null when resolution_svc does not answer (the page then asks it itself), and only for participants."""

from __future__ import annotations

from typing import Any

from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


async def test_the_first_screen_in_one_answer(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    member = await join(client, await invite(client, org, mid, name="Phạm Văn Cường"))
    first = await ok(await client.get(f"/api/v1/meetings/{mid}/bootstrap", headers=member.auth))
    assert first["meeting"]["id"] == mid and first["meeting"]["agenda"] == []
    assert first["participant"]["id"] == str(member.id) and first["participant"]["name"] == "Phạm Văn Cường"
    assert (first["contribution_requests"], first["contributions"], first["submissions"]) == ([], [], [])
    assert (first["room"]["status"], first["room"]["current_item_id"], first["motions"]) == ("draft", None, [])
    # no resolution_svc behind this meeting_svc: its part is left to the page
    assert (first["polls"], first["results"], first["directives"]) == (None, None, None)

    by_organiser = await client.get(f"/api/v1/meetings/{mid}/bootstrap", headers=org.organiser.auth)
    assert by_organiser.status == 403
    anonymous = await client.get(f"/api/v1/meetings/{mid}/bootstrap")
    assert anonymous.status == 401


def untimed(room: dict[str, Any]) -> dict[str, Any]:
    speakers = room["speakers"] and {**room["speakers"], "server_time": None}
    return {**room, "server_time": None, "speakers": speakers}


async def test_the_room_and_the_motions_come_as_their_own_routes_answer(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    agenda = {"title": {"vi": "Thảo luận"}, "kind": "discussion"}
    await ok(await client.post(f"/api/v1/meetings/{mid}/agenda", json=agenda, headers=org.organiser.auth), 201)
    chair = await join(client, await invite(client, org, mid, name="Chủ trì", role="chair"))
    member = await join(client, await invite(client, org, mid, name="Đại biểu"))
    await advance(client, org, mid, "schedule", "start")
    await ok(await client.post(f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=chair.auth))
    motion = {"kind": "procedural", "text": {"vi": "Đề nghị hạn chế thời gian phát biểu 3 phút"}}
    await ok(await client.post(f"/api/v1/meetings/{mid}/motions", json=motion, headers=member.auth), 201)

    first = await ok(await client.get(f"/api/v1/meetings/{mid}/bootstrap", headers=member.auth))
    room = await ok(await client.get(f"/api/v1/meetings/{mid}/room", headers=member.auth))
    motions = await ok(await client.get(f"/api/v1/meetings/{mid}/motions", headers=member.auth))
    # the server's time is when each was read; everything else is the same answer
    assert untimed(first["room"]) == untimed(room)
    assert first["room"]["current_item_id"] is not None
    assert first["motions"] == motions["items"] and len(first["motions"]) == 1


async def test_an_invites_exchange_brings_the_first_screen_when_asked(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    person = await invite(client, org, mid, name="Trần Thị Bình")
    code = person["invite_url"].rsplit("/", 1)[1]
    plain = await ok(await client.post("/api/v1/sessions", json={"invite_code": code}), 201)
    assert plain["first_screen"] is None
    session = await ok(await client.post("/api/v1/sessions", json={"invite_code": code, "first_screen": True}), 201)
    first = session["first_screen"]
    auth = {"Authorization": f"Bearer {session['token']}"}
    asked = await ok(await client.get(f"/api/v1/meetings/{mid}/bootstrap", headers=auth))
    # the same answer as the session then asks for, read a moment apart
    assert {**first, "room": untimed(first["room"])} == {**asked, "room": untimed(asked["room"])}
    assert first["participant"]["id"] == person["id"] and first["meeting"]["id"] == mid
    wrong = await client.post("/api/v1/sessions", json={"invite_code": code, "first_screen": "yes"})
    assert (wrong.status, (await wrong.json())["field"]) == (422, "first_screen")
