"""Who may do what, over every route: a foreign id is always 404, a missing or bad token 401, a role
that may not act 403."""

from __future__ import annotations

import re
import uuid

from meeting_svc.routes import OPERATIONS
from tests.meeting.conftest import Client, Org, invite, join, new_meeting, ok


def path_of(template: str, meeting_id: str, department_id: str) -> str:
    path = template.replace("{meeting_id}", meeting_id).replace("{department_id}", department_id)
    return re.sub(r"\{[a-z_]+\}", lambda _: str(uuid.uuid4()), path)


async def test_every_route_hides_other_organisations_and_meetings(client: Client, org: Org, new_org: object) -> None:
    stranger = await new_org("Other centre")  # type: ignore[operator]
    department = await ok(
        await client.post("/api/v1/departments", json={"name": {"vi": "Khối Đo lường"}}, headers=org.organiser.auth),
        201,
    )
    mine = await new_meeting(client, org)
    elsewhere = await new_meeting(client, org)
    outsider = await join(client, await invite(client, org, elsewhere["id"], name="Người ngoài"))
    checked = 0
    for op, _ in OPERATIONS:
        if op.auth is None:
            continue
        path = path_of(op.path, mine["id"], department["id"])
        anonymous = await client.request(op.method, path, json={})
        assert anonymous.status == 401, (op.method, op.path)
        forged = await client.request(op.method, path, json={}, headers={"Authorization": "Bearer e30.e30.sig"})
        assert forged.status == 401, (op.method, op.path)
        if "{meeting_id}" in op.path or "{department_id}" in op.path:
            foreign = await client.request(op.method, path, json={}, headers=stranger.organiser.auth)
            assert foreign.status == 404, (op.method, op.path, foreign.status)
        if "{meeting_id}" in op.path:
            other_meeting = await client.request(op.method, path, json={}, headers=outsider.auth)
            assert other_meeting.status == 404, (op.method, op.path, other_meeting.status)
            checked += 1
    assert checked > 25


async def test_roles_decide_what_a_participant_may_do(client: Client, org: Org) -> None:
    mid = (await new_meeting(client, org))["id"]
    people = {
        role: await join(client, await invite(client, org, mid, name=f"Người {role}", role=role))
        for role in ("observer", "voting_member", "department_representative", "secretary", "chair")
    }
    target = people["voting_member"].id
    item = {"title": {"vi": "Khai mạc"}, "kind": "other"}
    request = {"topic": {"vi": "Tham luận"}, "department_ids": [str(uuid.uuid4())], "deadline": "2030-01-01T00:00:00Z"}
    cases = [
        ("POST", f"/api/v1/meetings/{mid}/agenda", item, {"secretary", "chair"}),
        ("POST", f"/api/v1/meetings/{mid}/contribution-requests", request, {"secretary", "chair"}),
        ("PATCH", f"/api/v1/meetings/{mid}", {"title": {"vi": "X"}}, set()),
        ("POST", f"/api/v1/meetings/{mid}/participants", {"name": "Mới"}, set()),
        ("POST", f"/api/v1/meetings/{mid}/participants/{target}/invite", None, set()),
        ("POST", f"/api/v1/meetings/{mid}/cancel", None, set()),
        ("POST", "/api/v1/departments", {"name": {"vi": "Phòng"}}, set()),
    ]
    for method, path, body, allowed in cases:
        for role, caller in people.items():
            response = await client.request(method, path, json=body, headers=caller.auth)
            if role in allowed:
                assert response.status != 403, (method, path, role)
            else:
                assert response.status == 403, (method, path, role, response.status)
    # the chair runs the meeting; nobody else in the room may start it
    await ok(await client.post(f"/api/v1/meetings/{mid}/schedule", headers=org.organiser.auth))
    for role in ("observer", "voting_member", "secretary"):
        assert (await client.post(f"/api/v1/meetings/{mid}/start", headers=people[role].auth)).status == 403
    assert (await client.post(f"/api/v1/meetings/{mid}/start", headers=people["chair"].auth)).status == 200
    # checking someone else in is for the secretary, the chair and the organiser
    for role in ("observer", "voting_member", "department_representative"):
        other = people["chair"].id
        response = await client.post(f"/api/v1/meetings/{mid}/participants/{other}/check-in", headers=people[role].auth)
        assert response.status == 403, role
