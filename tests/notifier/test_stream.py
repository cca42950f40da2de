"""The live meeting stream (Server-Sent Events): scope, frames, resume with Last-Event-ID, fan-out."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp

from notifier.live.views import HUB
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit.runtime import RUNTIME
from tests.conftest import wait_for
from tests.notifier.conftest import enrolled, meeting_created, organiser


class Reader:
    """Reads SSE frames (id, event, data) and comments from a streaming response."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.comments: list[str] = []

    async def frame(self, timeout: float = 10.0) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.response.content.readline()).decode().rstrip("\n")
                if line == "":
                    if "data" in fields:
                        return fields
                    fields = {}
                    continue
                if line.startswith(":"):
                    self.comments.append(line)
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value


def checked_in(meeting_id: uuid.UUID, n: int) -> Event:
    return new_event(
        ev.CheckedIn, meeting_id=meeting_id, participant_id=uuid.uuid4(), present_count=n, present_weight=n
    )


async def test_stream_resumes_with_last_event_id(notifier: Any, signer: Any, publish: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    meeting = await publish(meeting_created(org.id))
    mid = meeting.meeting_id
    token = await enrolled(client, publish, signer, org.id, mid)
    url = f"/api/v1/meetings/{mid}/stream"

    response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["X-Accel-Buffering"] == "no"
    reader = Reader(response)
    first = await publish(checked_in(mid, 1))
    await publish(
        new_event(
            ev.ParticipantInvited,
            meeting_id=mid,
            participant_id=uuid.uuid4(),
            name="A",
            role="voting_member",
        )
    )  # not a live event
    second = await publish(checked_in(mid, 2))
    one, two = await reader.frame(), await reader.frame()
    assert (one["id"], one["event"], json.loads(one["data"])["id"]) == ("1", "participant.checked_in", str(first.id))
    assert (two["id"], json.loads(two["data"])["id"]) == ("2", str(second.id))
    response.close()

    # while disconnected
    missed = [
        await publish(checked_in(mid, 3)),
        await publish(
            new_event(
                ev.TurnoutChanged,
                meeting_id=mid,
                poll_id=uuid.uuid4(),
                voted_count=1,
                voted_weight=1,
                eligible_count=3,
                eligible_weight=3,
            )
        ),
    ]

    async def logged() -> bool:
        return (
            await client.app[RUNTIME]
            .db()
            .fetchval("select count(*) = 2 from events where event_id = any($1)", [e.id for e in missed])
        )

    await wait_for(logged, what="the missed events handled")
    response = await client.get(f"{url}?access_token={token}", headers={"Last-Event-ID": "2"})
    assert response.status == 200
    reader = Reader(response)
    three, four = await reader.frame(), await reader.frame()
    assert [three["id"], four["id"]] == ["3", "4"]
    # the two come from two streams, whose consumers have no order between them (docs/consistency.md)
    assert {json.loads(f["data"])["id"] for f in (three, four)} == {str(e.id) for e in missed}
    live = await publish(checked_in(mid, 4))
    five = await reader.frame()
    assert (five["id"], json.loads(five["data"])["id"]) == ("5", str(live.id))

    async def heartbeat() -> bool:
        reader.comments.clear()
        try:
            await reader.frame(timeout=1.5)
        except TimeoutError:
            pass
        return any("heartbeat" in c for c in reader.comments)

    assert await heartbeat()
    response.close()


async def test_stream_scope(notifier: Any, signer: Any, publish: Any) -> None:
    client = await notifier()
    org, other = organiser(signer), organiser(signer)
    meeting = await publish(meeting_created(org.id))
    mid = meeting.meeting_id
    await wait_for(
        lambda: client.app[RUNTIME].db().fetchval("select true from meetings where meeting_id = $1", mid),
        what="the meeting known",
    )
    other_meeting = (await publish(meeting_created(org.id))).meeting_id
    elsewhere = await enrolled(client, publish, signer, org.id, other_meeting)  # a participant of another meeting
    cases = [
        ({}, 401),
        ({"Authorization": f"Bearer {elsewhere}"}, 404),
        ({"Authorization": f"Bearer {other.token}"}, 404),
        ({"Authorization": "Bearer not-a-token"}, 401),
    ]
    for headers, status in cases:
        response = await client.get(f"/api/v1/meetings/{mid}/stream", headers=headers)
        assert response.status == status, headers
    response = await client.get(f"/api/v1/meetings/{mid}/stream", headers={**org.auth, "Last-Event-ID": "x"})
    assert response.status == 400
    response = await client.get(f"/api/v1/meetings/{mid}/stream", headers=org.auth)
    assert response.status == 200  # the meeting's organisation may watch
    response.close()


async def test_many_clients_cost_one_read_per_event(notifier: Any, signer: Any, publish: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    meeting = await publish(meeting_created(org.id))
    mid = meeting.meeting_id
    token = await enrolled(client, publish, signer, org.id, mid)
    responses = [
        await client.get(f"/api/v1/meetings/{mid}/stream", headers={"Authorization": f"Bearer {token}"})
        for _ in range(50)
    ]
    readers = [Reader(r) for r in responses]
    hub = client.app[HUB]

    async def joined() -> bool:
        # All in, the catch-up reads done, and the hub hearing of new events: from here on one event
        # costs exactly one read.
        b = hub.broadcasters.get(mid)
        return hub.listening.is_set() and b is not None and len(b.clients) == 50 and b.idle and not b.wake.is_set()

    await wait_for(joined, what="50 clients joined")
    reads = hub.reads
    event = await publish(checked_in(mid, 1))
    frames = await asyncio.gather(*(r.frame() for r in readers))
    assert {json.loads(f["data"])["id"] for f in frames} == {str(event.id)}
    assert hub.reads - reads == 1
    for r in responses:
        r.close()
