"""Motions from the floor in meeting_svc: a participant proposes, the chair admits (one event, from which
resolution_svc prepares the poll) or rejects; nobody decides twice."""

from __future__ import annotations

import uuid

from schemas import events as ev
from tests.conftest import EventTap
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


async def test_a_motion_from_the_floor_is_proposed_then_admitted_or_rejected(
    client: Client, org: Org, tap: EventTap
) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    items = await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/agenda", json={"title": {"vi": "Thảo luận"}, "kind": "discussion"},
            headers=org.organiser.auth,
        ),
        201,
    )  # fmt: skip
    item = items["items"][0]["id"]
    chair = await join(client, await invite(client, org, mid, name="Chủ trì", role="chair"))
    member = await join(client, await invite(client, org, mid, name="Đại biểu"))
    observer = await join(client, await invite(client, org, mid, name="Khách mời", role="observer"))
    url = f"/api/v1/meetings/{mid}/motions"
    body = {"kind": "procedural", "text": {"vi": "Đề nghị hạn chế thời gian phát biểu 3 phút"}}
    early = await client.post(url, json=body, headers=member.auth)
    assert (early.status, (await early.json())["current_status"]) == (409, "draft")
    await advance(client, org, mid, "schedule", "start")
    await ok(await client.post(f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=chair.auth))
    assert (await client.post(url, json=body, headers=observer.auth)).status == 403
    assert (await client.post(url, json=body, headers=org.organiser.auth)).status == 403
    no_resolution = await client.post(url, json={**body, "kind": "amendment"}, headers=member.auth)
    assert (no_resolution.status, (await no_resolution.json())["field"]) == (422, "resolution_id")
    motion = await ok(await client.post(url, json=body, headers=member.auth), 201)
    assert (motion["status"], motion["item_id"], motion["proposer_name"]) == ("proposed", item, "Đại biểu")
    amendment = await ok(
        await client.post(
            url,
            json={"kind": "amendment", "text": {"vi": "Bổ sung nhiệm vụ đào tạo"}, "resolution_id": str(uuid.uuid4())},
            headers=member.auth,
        ),
        201,
    )
    admit = f"{url}/{motion['id']}/admit"
    assert (await client.post(admit, json={"preset": "two_thirds"}, headers=member.auth)).status == 403
    decided = await ok(await client.post(admit, json={"preset": "two_thirds", "secret": True}, headers=chair.auth))
    assert (decided["status"], decided["preset"], decided["poll_id"]) == ("admitted", "two_thirds", motion["id"])
    again = await client.post(admit, json={}, headers=chair.auth)
    assert (again.status, (await again.json())["current_status"]) == (409, "admitted")
    rejected = await ok(await client.post(f"{url}/{amendment['id']}/reject", headers=org.organiser.auth))
    assert rejected["status"] == "rejected" and rejected["poll_id"] is None
    event = await tap.wait("motion.admitted", motion_id=uuid.UUID(motion["id"]))
    assert isinstance(event, ev.MotionAdmitted)
    assert (event.preset, event.secret, event.kind, str(event.item_id)) == ("two_thirds", True, "procedural", item)
    await tap.wait("motion.rejected", motion_id=uuid.UUID(amendment["id"]))
    listed = await ok(await client.get(url, headers=observer.auth))
    assert [m["status"] for m in listed["items"]] == ["admitted", "rejected"]
