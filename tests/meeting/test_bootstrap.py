"""The participant page's first screen in one request: meeting_svc's part always, resolution_svc's part
null when resolution_svc does not answer (the page then asks it itself), and only for participants."""

from __future__ import annotations

from tests.meeting.conftest import Client, Org, invite, join, new_meeting, ok


async def test_the_first_screen_in_one_answer(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    member = await join(client, await invite(client, org, mid, name="Phạm Văn Cường"))
    first = await ok(await client.get(f"/api/v1/meetings/{mid}/bootstrap", headers=member.auth))
    assert first["meeting"]["id"] == mid and first["meeting"]["agenda"] == []
    assert first["participant"]["id"] == str(member.id) and first["participant"]["name"] == "Phạm Văn Cường"
    assert (first["contribution_requests"], first["contributions"], first["submissions"]) == ([], [], [])
    # no resolution_svc behind this meeting_svc: its part is left to the page
    assert (first["polls"], first["results"], first["directives"]) == (None, None, None)

    by_organiser = await client.get(f"/api/v1/meetings/{mid}/bootstrap", headers=org.organiser.auth)
    assert by_organiser.status == 403
    anonymous = await client.get(f"/api/v1/meetings/{mid}/bootstrap")
    assert anonymous.status == 401
