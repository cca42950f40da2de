"""The live meeting stream (Server-Sent Events): scope, frames, resume with Last-Event-ID, fan-out."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
from aiohttp import web

from notifier.access import SETTINGS
from notifier.app import create_app
from notifier.live.views import ADMISSION, HUB
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit.main import server_runner
from servicekit.runtime import RUNTIME
from tests.conftest import wait_for, wait_ready
from tests.notifier.conftest import enrolled, meeting_created, notifier_settings, organiser


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
    client = await notifier(sse_streams_per_session=0)  # fifty clients of one session, as a benchmark is
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


async def opened(client: Any, url: str, headers: dict[str, str]) -> aiohttp.ClientResponse | None:
    """A stream opened now, or None (after checking that the refusal is the documented one)."""
    response = await client.get(url, headers=headers)
    if response.status == 200:
        return response
    assert response.status == 429, response.status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) >= 1
    response.close()
    return None


async def test_one_session_holds_a_few_streams_and_frees_one_as_it_ends(
    notifier: Any, signer: Any, publish: Any
) -> None:
    client = await notifier(sse_streams_per_session=3)
    org = organiser(signer)
    mid = (await publish(meeting_created(org.id))).meeting_id
    url = f"/api/v1/meetings/{mid}/stream"
    token = await enrolled(client, publish, signer, org.id, mid)
    other = await enrolled(client, publish, signer, org.id, mid)
    bearer = {"Authorization": f"Bearer {token}"}

    streams = [await client.get(url, headers=bearer) for _ in range(3)]
    assert [s.status for s in streams] == [200, 200, 200]
    refused = await client.get(url, headers=bearer)
    assert refused.status == 429
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert int(refused.headers["Retry-After"]) >= 1
    problem = await refused.json(content_type=None)
    assert problem == {
        "type": "about:blank",
        "title": "Too many live streams",
        "status": 429,
        "detail": f"too many live streams are open; try again in {refused.headers['Retry-After']} s",
    }  # nothing about which limit, nor about anyone else's streams
    # the same session through `access_token` (EventSource) is the same session
    assert (await client.get(f"{url}?access_token={token}")).status == 429
    # another participant, and an organiser, still get theirs
    theirs = await client.get(url, headers={"Authorization": f"Bearer {other}"})
    assert theirs.status == 200
    organisers = [await client.get(url, headers=org.auth) for _ in range(3)]
    assert [s.status for s in organisers] == [200, 200, 200]
    assert (await client.get(url, headers=org.auth)).status == 429  # an organiser token is capped too

    # a client that goes away abruptly frees its slot: a new stream of the session is accepted
    streams.pop().close()
    streams.append(await wait_for(lambda: opened(client, url, bearer), what="a new stream of the session"))
    assert streams[-1].status == 200
    assert (await client.get(url, headers=bearer)).status == 429  # and it took that slot

    for response in [*streams, theirs, *organisers]:
        response.close()
    slots = client.app[ADMISSION].slots

    async def all_free() -> bool:
        return slots.open == 0

    await wait_for(all_free, what="every slot freed")


async def test_one_address_holds_its_streams_and_an_ipv6_client_counts_as_its_64(
    notifier: Any, signer: Any, publish: Any
) -> None:
    # the clients come through a trusted proxy on this machine, which is then counted like any client
    client = await notifier(sse_streams_per_address=2, trusted_proxies="127.0.0.1, ::1", rate_limit_exempt="")
    org = organiser(signer)
    mid = (await publish(meeting_created(org.id))).meeting_id
    url = f"/api/v1/meetings/{mid}/stream"
    tokens = [await enrolled(client, publish, signer, org.id, mid) for _ in range(4)]

    def from_(address: str, n: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[n]}", "X-Forwarded-For": address}

    cases = [
        ("203.0.113.7", 0, 200),
        ("203.0.113.7", 1, 200),
        ("203.0.113.7", 2, 429),  # a third session from a full address
        ("203.0.113.8", 2, 200),  # another address
        ("2001:db8:1:2::1", 0, 200),
        ("2001:db8:1:2::ffff", 1, 200),
        ("2001:db8:1:2:abcd::1", 2, 429),  # the same /64
        ("2001:db8:1:3::1", 3, 200),
    ]
    held = []
    for address, n, status in cases:
        response = await client.get(url, headers=from_(address, n))
        assert response.status == status, (address, n)
        held.append(response)
    assert held[2].headers["Retry-After"] and held[6].headers["Retry-After"]

    held[0].close()
    held.append(await wait_for(lambda: opened(client, url, from_("203.0.113.7", 2)), what="the address freed"))
    for response in held:
        response.close()


async def test_the_process_holds_its_total_of_streams(notifier: Any, signer: Any, publish: Any) -> None:
    client = await notifier(sse_streams_total=2)
    org = organiser(signer)
    mid = (await publish(meeting_created(org.id))).meeting_id
    url = f"/api/v1/meetings/{mid}/stream"
    tokens = [await enrolled(client, publish, signer, org.id, mid) for _ in range(3)]
    held = [await client.get(url, headers={"Authorization": f"Bearer {t}"}) for t in tokens]
    assert [r.status for r in held] == [200, 200, 429]
    for response in held:
        response.close()


async def test_streams_ended_by_the_shutdown_free_their_slots(notifier: Any, signer: Any, publish: Any) -> None:
    client = await notifier(sse_streams_per_session=2)
    org = organiser(signer)
    mid = (await publish(meeting_created(org.id))).meeting_id
    url = f"/api/v1/meetings/{mid}/stream"
    token = await enrolled(client, publish, signer, org.id, mid)
    held = [await client.get(url, headers={"Authorization": f"Bearer {token}"}) for _ in range(2)]
    assert [r.status for r in held] == [200, 200]
    slots = client.app[ADMISSION].slots
    assert slots.open == 2
    await client.app[HUB].stop()  # what the shutdown does first: every open stream ends
    for response in held:
        await response.read()  # the server ended it

    async def all_free() -> bool:
        return slots.open == 0

    await wait_for(all_free, what="every slot freed")
    for response in held:
        response.close()


async def test_a_client_gone_without_a_word_frees_its_slot_on_the_server_production_runs(
    env: dict[str, Any], signer: Any, publish: Any
) -> None:
    # The test server cancels a handler whose client hangs up; the production server (aiohttp's default)
    # does not, so there the stream learns of it when its next write (a heartbeat at the latest) fails.
    app = create_app(notifier_settings(env, sse_streams_per_session=1))
    runner = server_runner(app, app[SETTINGS])
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        await wait_ready(app)
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        org = organiser(signer)
        mid = (await publish(meeting_created(org.id))).meeting_id
        token = await enrolled(runner, publish, signer, org.id, mid)
        url, bearer = f"{base}/api/v1/meetings/{mid}/stream", {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession() as session:
            first = await session.get(url, headers=bearer)
            assert first.status == 200
            assert (await session.get(url, headers=bearer)).status == 429
            first.close()  # the connection dropped, nothing said
            again = await wait_for(lambda: opened(session, url, bearer), what="the slot freed")
            again.close()
    finally:
        await runner.cleanup()
