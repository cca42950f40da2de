"""Invitations wait while a meeting is prepared; a meeting or deadline in the past is refused unless
the meeting is recorded after the fact, and nothing is ever sent for such a meeting."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from schemas.codec import encode
from servicekit.runtime import RUNTIME
from servicekit.sealed import read_seal_key, unseal
from tests.conftest import EventTap, settings_of, wait_for
from tests.meeting.conftest import Caller, Client, Org, invite, join, new_meeting, ok


async def statuses(client: Client, org: Org, mid: str) -> dict[str, tuple[str, int]]:
    body = await ok(await client.get(f"/api/v1/meetings/{mid}/invitations", headers=org.organiser.auth))
    return {i["participant_id"]: (i["status"], i["times_sent"]) for i in body["items"]}


async def test_a_draft_sends_nothing_until_the_organiser_sends(
    client: Client, org: Org, tap: EventTap, env: dict[str, Any]
) -> None:
    mid = (await new_meeting(client, org))["id"]
    an = await invite(client, org, mid, name="Nguyễn Văn An", email="an@example.org")
    binh = await invite(client, org, mid, name="Trần Bình", email="binh@example.org")
    nobody = await invite(client, org, mid, name="Không có thư", role="observer")  # no email address
    await tap.wait("participant.invited", participant_id=uuid.UUID(nobody["id"]))
    assert tap.of_type("participant.invitation_sent") == []
    assert set((await statuses(client, org, mid)).values()) == {("not_sent", 0)}

    send = f"/api/v1/meetings/{mid}/invitations:send"
    unknown = await client.post(send, json={"participant_ids": [str(uuid.uuid4())]}, headers=org.organiser.auth)
    assert (unknown.status, (await unknown.json())["field"]) == (422, "participant_ids")
    first = await ok(await client.post(send, json={"participant_ids": [an["id"]]}, headers=org.organiser.auth), 202)
    assert first["sent"] == 1
    sent = await tap.wait("participant.invitation_sent", participant_id=uuid.UUID(an["id"]))
    key = read_seal_key(env["invite_seal_private_key"], "INVITE_SEAL_PRIVATE_KEY")
    assert unseal(key, sent.sealed_link) == an["invite_url"]  # type: ignore[attr-defined]
    assert an["invite_url"].encode() not in encode(sent)

    rest = await ok(await client.post(send, headers=org.organiser.auth), 202)  # everyone not sent yet
    assert rest["sent"] == 1
    again = await ok(await client.post(send, json={"resend": True}, headers=org.organiser.auth), 202)
    assert again["sent"] == 2
    assert await statuses(client, org, mid) == {
        an["id"]: ("sent", 2),
        binh["id"]: ("sent", 2),
        nobody["id"]: ("not_sent", 0),  # no address to send to
    }

    async def four() -> bool:
        return len(tap.of_type("participant.invitation_sent")) == 4

    await wait_for(four, what="four invitations")
    assert [e.resend for e in tap.of_type("participant.invitation_sent")] == [False, False, True, True]  # type: ignore[attr-defined]
    # scheduling later sends nothing new to those already invited
    await ok(await client.post(f"/api/v1/meetings/{mid}/schedule", headers=org.organiser.auth))
    await tap.wait("meeting.scheduled")
    late = await invite(client, org, mid, name="Lê Cường", email="cuong@example.org")
    await tap.wait("participant.invitation_sent", participant_id=uuid.UUID(late["id"]))
    assert len(tap.of_type("participant.invitation_sent")) == 5


async def test_a_past_meeting_or_deadline_is_refused_unless_recorded(client: Client, org: Org, tap: EventTap) -> None:
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    times = {"starts_at": yesterday.isoformat(), "ends_at": (yesterday + dt.timedelta(hours=4)).isoformat()}
    refused = await client.post(
        "/api/v1/meetings",
        json={"title": {"vi": "Hội nghị"}, "timezone": "Asia/Ho_Chi_Minh", **times},
        headers=org.organiser.auth,
    )
    assert (refused.status, (await refused.json())["field"]) == (422, "starts_at")

    upcoming = await new_meeting(client, org)
    moved = await client.patch(
        f"/api/v1/meetings/{upcoming['id']}", json=times, headers={**org.organiser.auth, "If-Match": '"1"'}
    )
    assert (moved.status, (await moved.json())["field"]) == (422, "starts_at")
    # once it has begun, it may still be renamed or extended, not moved back
    await (
        client.app[RUNTIME]
        .db()
        .execute("update meetings set starts_at = now() - interval '1 hour' where id = $1", uuid.UUID(upcoming["id"]))
    )
    renamed = await client.patch(
        f"/api/v1/meetings/{upcoming['id']}", json={"title": {"vi": "Tên mới"}}, headers=org.organiser.auth
    )
    assert renamed.status == 200
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=6)).isoformat()
    extended = await client.patch(
        f"/api/v1/meetings/{upcoming['id']}", json={"ends_at": later}, headers=org.organiser.auth
    )
    assert extended.status == 200, await extended.json()
    ended = await client.patch(
        f"/api/v1/meetings/{upcoming['id']}",
        json={"ends_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()},
        headers=org.organiser.auth,
    )
    assert (ended.status, (await ended.json())["field"]) == (422, "ends_at")

    recorded = await new_meeting(client, org, record_only=True, **times)
    assert recorded["record_only"] is True
    mid = recorded["id"]
    person = await invite(client, org, mid, email="an@example.org")
    request = {"topic": {"vi": "Tham luận"}, "department_ids": [], "deadline": yesterday.isoformat()}
    dep = await ok(
        await client.post("/api/v1/departments", json={"name": {"vi": "Khối Đo lường"}}, headers=org.organiser.auth),
        201,
    )
    request["department_ids"] = [dep["id"]]
    await ok(
        await client.post(f"/api/v1/meetings/{mid}/contribution-requests", json=request, headers=org.organiser.auth),
        201,
    )
    await ok(await client.post(f"/api/v1/meetings/{mid}/schedule", headers=org.organiser.auth))
    refused_send = await client.post(f"/api/v1/meetings/{mid}/invitations:send", headers=org.organiser.auth)
    assert refused_send.status == 409
    reissued = await client.post(
        f"/api/v1/meetings/{mid}/participants/{person['id']}/invite", headers=org.organiser.auth
    )
    assert reissued.status == 201
    scheduled = await tap.wait("meeting.scheduled", meeting_id=uuid.UUID(mid))
    assert scheduled.record_only is True  # type: ignore[attr-defined]
    await tap.wait("contribution.requested", meeting_id=uuid.UUID(mid))
    assert [e for e in tap.of_type("participant.invitation_sent") if str(e.meeting_id) == mid] == []
    assert (await statuses(client, org, mid))[person["id"]] == ("not_sent", 0)

    upcoming_request = {**request, "deadline": yesterday.isoformat()}
    past_deadline = await client.post(
        f"/api/v1/meetings/{upcoming['id']}/contribution-requests", json=upcoming_request, headers=org.organiser.auth
    )
    assert (past_deadline.status, (await past_deadline.json())["field"]) == (422, "deadline")


async def test_without_the_notifiers_key_links_stay_as_they_are(
    env: dict[str, Any], start_service: Any, tap: EventTap
) -> None:
    """A meeting_svc started without INVITE_SEAL_PUBLIC_KEY sends invitations without a personal
    link, and never replaces the link the organiser was given."""
    settings = settings_of(Settings, env, invite_seal_public_key="", public_url="https://meet.example.org")
    client = await start_service(create_app(settings))
    org_id, token = await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "organiser")
    org = Org(org_id, Caller(token))
    mid = (await new_meeting(client, org))["id"]
    person = await invite(client, org, mid, email="an@example.org")
    await ok(await client.post(f"/api/v1/meetings/{mid}/schedule", headers=org.organiser.auth))
    sent = await tap.wait("participant.invitation_sent", participant_id=uuid.UUID(person["id"]))
    assert sent.sealed_link == ""  # type: ignore[attr-defined]
    await join(client, person)  # the link the organiser was given still works
