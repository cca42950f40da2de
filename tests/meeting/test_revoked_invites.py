"""What a participant's session issued ends with the invite it was issued under: a room display link a
chair or secretary made stops working when their invite is revoked or reissued, or when they are removed;
an organiser's display link does not depend on anyone's invite."""

from __future__ import annotations

from typing import Any

from tests.meeting.conftest import Caller, Client, Org, invite, join, new_meeting, ok


async def display_of(client: Client, mid: str, caller: Caller) -> dict[str, str]:
    link = await ok(await client.post(f"/api/v1/meetings/{mid}/displays", headers=caller.auth), 201)
    return {"Authorization": "Display " + link["url"].split("#", 1)[1]}


async def shows(client: Client, display: dict[str, str]) -> int:
    response: Any = await client.get("/api/v1/display", headers=display)
    return int(response.status)


async def test_display_links_end_with_the_invite_of_the_participant_who_made_them(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    people = f"/api/v1/meetings/{mid}/participants"
    chair = await invite(client, org, mid, name="Chủ trì", role="chair")
    secretary = await invite(client, org, mid, name="Thư ký", role="secretary")
    by_chair = await display_of(client, mid, await join(client, chair))
    by_secretary = await display_of(client, mid, await join(client, secretary))
    by_organiser = await display_of(client, mid, org.organiser)
    assert {await shows(client, d) for d in (by_chair, by_secretary, by_organiser)} == {200}

    await ok(await client.delete(f"{people}/{chair['id']}/invite", headers=org.organiser.auth), 204)
    assert await shows(client, by_chair) == 401  # revoked
    reissued = await ok(await client.post(f"{people}/{secretary['id']}/invite", headers=org.organiser.auth), 201)
    assert await shows(client, by_secretary) == 401  # a new link for the same person
    again = await display_of(client, mid, await join(client, {**secretary, "invite_url": reissued["invite_url"]}))
    assert await shows(client, again) == 200
    await ok(await client.delete(f"{people}/{secretary['id']}", headers=org.organiser.auth), 204)
    assert await shows(client, again) == 401  # removed
    assert await shows(client, by_organiser) == 200
