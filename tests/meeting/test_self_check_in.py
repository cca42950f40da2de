"""A meeting that does not allow self check-in: a participant's own check-in is refused with a problem
saying it happens at the desk, the desk (secretary, organiser) still checks people in, checking out
stays open, and the setting travels in the meeting's events."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import EventTap
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


async def test_check_in_at_the_desk_only(client: Client, org: Org, tap: EventTap) -> None:
    meeting = await new_meeting(client, org, self_check_in=False)
    mid = meeting["id"]
    assert meeting["self_check_in"] is False
    created = await tap.wait("meeting.created", meeting_id=uuid.UUID(meeting["id"]))
    assert created.self_check_in is False  # type: ignore[attr-defined]
    member = await join(client, await invite(client, org, mid, name="Phạm Văn Cường"))
    secretary = await join(client, await invite(client, org, mid, name="Lê Thị Thanh Minh", role="secretary"))
    await advance(client, org, mid, "schedule", "start")

    own = await client.post(f"/api/v1/meetings/{mid}/participants/{member.id}/check-in", headers=member.auth)
    problem: dict[str, Any] = await own.json()
    assert (own.status, problem["title"], problem["self_check_in"]) == (409, "Check-in at the desk", False)
    assert own.headers["Content-Type"].startswith("application/problem+json")

    at_desk = await ok(
        await client.post(f"/api/v1/meetings/{mid}/participants/{member.id}/check-in", headers=secretary.auth)
    )
    assert at_desk["present"] is True
    left = await ok(
        await client.post(f"/api/v1/meetings/{mid}/participants/{member.id}/check-out", headers=member.auth)
    )
    assert left["present"] is False
    by_organiser = await ok(
        await client.post(f"/api/v1/meetings/{mid}/participants/{member.id}/check-in", headers=org.organiser.auth)
    )
    assert by_organiser["present"] is True


async def test_the_setting_can_be_changed_and_is_announced(client: Client, org: Org, tap: EventTap) -> None:
    meeting = await new_meeting(client, org)
    assert meeting["self_check_in"] is True  # allowed unless the organiser says otherwise
    changed = await ok(
        await client.patch(
            f"/api/v1/meetings/{meeting['id']}",
            json={"self_check_in": False},
            headers={**org.organiser.auth, "If-Match": f'"{meeting["version"]}"'},
        )
    )
    assert changed["self_check_in"] is False
    updated = await tap.wait("meeting.updated", meeting_id=uuid.UUID(meeting["id"]))
    assert updated.self_check_in is False  # type: ignore[attr-defined]
