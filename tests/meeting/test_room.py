"""Running the room through the API: the current item, a list of speakers, timers, display links."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from schemas import events as ev
from tests.conftest import EventTap, MovableClock, wait_for
from tests.meeting.conftest import Caller, Client, Org, advance, invite, join, new_meeting, ok


class StoppedClock(MovableClock):
    """The room's clock stands still unless the test moves it, so timers are compared exactly."""

    def __init__(self) -> None:
        super().__init__()
        self.base = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.base + self.offset


@pytest.fixture
def schedule_clock() -> MovableClock:
    return StoppedClock()


ITEMS = [("Khai mạc", "other", 5), ("Thảo luận, tham luận của các đơn vị", "discussion", 45), ("Bế mạc", "other", 5)]


async def room_meeting(client: Client, org: Org) -> tuple[str, list[str]]:
    meeting = await new_meeting(client, org)
    mid = meeting["id"]
    for title, kind, minutes in ITEMS:
        await ok(
            await client.post(
                f"/api/v1/meetings/{mid}/agenda",
                json={"title": {"vi": title}, "kind": kind, "planned_minutes": minutes},
                headers=org.organiser.auth,
            ),
            201,
        )
    agenda = await ok(await client.get(f"/api/v1/meetings/{mid}/agenda", headers=org.organiser.auth))
    return mid, [i["id"] for i in agenda["items"]]


async def department(client: Client, org: Org, code: str) -> str:
    body = {"name": {"vi": f"Phòng {code}"}, "code": f"{code}{uuid.uuid4().hex[:4]}"}
    return (await ok(await client.post("/api/v1/departments", json=body, headers=org.organiser.auth), 201))["id"]


async def member(client: Client, org: Org, mid: str, name: str, **person: Any) -> Caller:
    return await join(client, await invite(client, org, mid, name=name, **person))


async def move(client: Client, caller: Caller, mid: str, how: str, status: int = 200, **extra: Any) -> Any:
    response = await client.post(f"/api/v1/meetings/{mid}/room/item", json={"move": how, **extra}, headers=caller.auth)
    return await ok(response, status)


async def test_the_chair_moves_through_the_agenda_and_each_item_records_its_times(
    client: Client, org: Org, tap: EventTap, schedule_clock: MovableClock
) -> None:
    mid, items = await room_meeting(client, org)
    chair = await member(client, org, mid, "Chủ trì", role="chair")
    secretary = await member(client, org, mid, "Thư ký", role="secretary")
    voter = await member(client, org, mid, "Đại biểu")
    refused = await client.post(f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=chair.auth)
    assert (refused.status, (await refused.json())["current_status"]) == (409, "draft")
    await advance(client, org, mid, "schedule", "start")
    assert (
        await client.post(f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=voter.auth)
    ).status == 403
    assert (await move(client, chair, mid, "previous", 409))["field"] == "move"
    first = await move(client, chair, mid, "next")
    assert first["current_item_id"] == items[0]
    schedule_clock.advance(dt.timedelta(minutes=7))
    second = await move(client, secretary, mid, "next")
    assert second["current_item_id"] == items[1]
    opening = second["items"][0]
    assert dt.datetime.fromisoformat(opening["ended_at"]) - dt.datetime.fromisoformat(opening["started_at"]) == (
        dt.timedelta(minutes=7)
    )
    discussion = second["items"][1]
    assert dt.datetime.fromisoformat(discussion["slot_ends_at"]) - dt.datetime.fromisoformat(
        discussion["started_at"]
    ) == dt.timedelta(minutes=45)
    bad = await move(client, chair, mid, "jump", 422, item_id=str(uuid.uuid4()))
    assert bad["field"] == "item_id"
    jumped = await move(client, chair, mid, "jump", item_id=items[2])
    assert jumped["current_item_id"] == items[2]
    assert (await move(client, chair, mid, "next", 409))["detail"] == "that was the last item"
    ended = await tap.wait("agenda.item_ended", item_id=uuid.UUID(items[1]))
    assert isinstance(ended, ev.AgendaItemEnded) and ended.actor == f"participant:{chair.id}"
    started = await tap.wait("agenda.item_started", item_id=uuid.UUID(items[2]))
    assert started.meeting_seq is not None and ended.meeting_seq is not None and started.meeting_seq > ended.meeting_seq
    # the meeting's end ends the item under way, before the meeting.ended event
    await advance(client, org, mid, "end")
    last = await tap.wait("agenda.item_ended", item_id=uuid.UUID(items[2]))
    over = await tap.wait("meeting.ended")
    assert last.meeting_seq is not None and over.meeting_seq is not None and last.meeting_seq < over.meeting_seq
    room = await ok(await client.get(f"/api/v1/meetings/{mid}/room", headers=voter.auth))
    assert room["current_item_id"] is None and all(i["ended_at"] for i in room["items"])


async def test_a_full_item_with_five_speakers(
    client: Client, org: Org, tap: EventTap, schedule_clock: MovableClock
) -> None:
    mid, items = await room_meeting(client, org)
    dl, tn = await department(client, org, "DL"), await department(client, org, "TN")
    chair = await member(client, org, mid, "Chủ trì", role="chair")
    people = {
        name: await member(client, org, mid, name, department_id=dep)
        for name, dep in (("An", dl), ("Bình", tn), ("Chi", dl), ("Dũng", tn), ("Giang", dl))
    }
    observer = await member(client, org, mid, "Quan sát", role="observer")
    await advance(client, org, mid, "schedule", "start")
    await move(client, chair, mid, "next")
    await move(client, chair, mid, "next")
    item = items[1]
    url = f"/api/v1/meetings/{mid}/agenda/{item}/speakers"
    await ok(
        await client.patch(
            f"/api/v1/meetings/{mid}/agenda/{item}/speaker-list",
            json={"speaking_seconds": 180, "department_budgets": {dl: 300}},
            headers=chair.auth,
        )
    )

    async def ask(name: str, kind: str) -> dict[str, Any]:
        return await ok(await client.post(url, json={"kind": kind}, headers=people[name].auth), 201)

    an = await ask("An", "contribution")
    await ask("Bình", "pro")
    chi = await ask("Chi", "contra")
    twice = await client.post(url, json={"kind": "pro"}, headers=people["An"].auth)
    assert (twice.status, (await twice.json())["field"]) == (409, "participant_id")
    assert (await client.post(url, json={}, headers=observer.auth)).status == 403
    others = await client.post(url, json={"participant_id": str(people["Bình"].id)}, headers=people["An"].auth)
    assert others.status == 403
    order = await ask("Giang", "point_of_order")
    # Chi withdraws; the chair adds Dũng, who asked from the floor
    assert (await client.delete(f"{url}/{chi['id']}", headers=people["Bình"].auth)).status == 403
    assert (await client.delete(f"{url}/{chi['id']}", headers=people["Chi"].auth)).status == 204
    assert (await client.delete(f"{url}/{chi['id']}", headers=people["Chi"].auth)).status == 409
    await ok(await client.post(url, json={"participant_id": str(people["Dũng"].id)}, headers=chair.auth), 201)
    listing = await ok(await client.get(url, headers=people["An"].auth))
    waiting = [s["name"] for s in listing["speakers"] if s["status"] == "waiting"]
    assert waiting == ["Giang", "An", "Bình", "Dũng"]  # the point of order jumped the queue

    # Giang's point of order: 180 s, spoken 30 s, paused 60 s, 20 s more
    floor = await ok(await client.post(url + ":next", headers=chair.auth))
    assert floor["speakers"][0]["id"] == order["id"] and floor["speakers"][0]["status"] == "speaking"
    assert floor["speakers"][0]["allotted_seconds"] == 180
    schedule_clock.advance(dt.timedelta(seconds=30))
    await ok(await client.post(f"{url}/{order['id']}/pause", headers=chair.auth))
    assert (await client.post(f"{url}/{order['id']}/pause", headers=chair.auth)).status == 409
    schedule_clock.advance(dt.timedelta(seconds=60))
    paused = await ok(await client.get(url, headers=chair.auth))
    assert paused["speakers"][0]["remaining_seconds"] == 150
    await ok(await client.post(f"{url}/{order['id']}/resume", headers=chair.auth))
    schedule_clock.advance(dt.timedelta(seconds=20))
    running = await ok(await client.get(url, headers=chair.auth))
    assert running["speakers"][0]["remaining_seconds"] == 130
    # a reply to the current speaker comes before those waiting (after a point of order)
    reply = await ask("Chi", "reply")
    assert (await client.post(f"{url}/{an['id']}/start", headers=chair.auth)).status == 409  # Giang speaks
    await ok(await client.post(url + ":next", headers=chair.auth))  # Giang ends, Chi replies
    schedule_clock.advance(dt.timedelta(seconds=40))
    after = await ok(await client.post(url + ":next", headers=chair.auth))  # Chi ends, An speaks
    # An's department (DL) has 300 s: Giang spoke 50, Chi 40, so An gets the full 180 per speaker
    current = after["speakers"][0]
    assert (current["name"], current["allotted_seconds"]) == ("An", 180)
    budget = {b["department_id"]: b for b in after["budgets"]}[dl]
    assert budget["used_seconds"] == 90
    schedule_clock.advance(dt.timedelta(seconds=200))  # over time: the countdown goes negative
    over = await ok(await client.get(url, headers=chair.auth))
    assert over["speakers"][0]["remaining_seconds"] == -20
    # the chair closes the list: members can no longer ask, the chair can still add
    closed = await ok(
        await client.patch(
            f"/api/v1/meetings/{mid}/agenda/{item}/speaker-list", json={"closed": True}, headers=chair.auth
        )
    )
    assert closed["closed"] is True
    late = await client.post(url, json={"kind": "pro"}, headers=people["Giang"].auth)
    assert late.status == 409
    # the chair reorders: Dũng before Bình
    listing = await ok(await client.get(url, headers=chair.auth))
    ids = {s["name"]: s["id"] for s in listing["speakers"] if s["status"] == "waiting"}
    assert (await client.put(url + "/order", json={"speaker_ids": [ids["Dũng"]]}, headers=chair.auth)).status == 422
    await ok(await client.put(url + "/order", json={"speaker_ids": [ids["Dũng"], ids["Bình"]]}, headers=chair.auth))
    await ok(await client.post(url + ":next", headers=chair.auth))  # An ends (DL has used 290 s), Dũng speaks
    await ok(await client.post(url + ":next", headers=chair.auth))  # Dũng ends, Bình speaks
    done = await ok(await client.post(url + ":next", headers=chair.auth))  # Bình ends; nobody waits
    spoken = [s["name"] for s in done["speakers"] if s["status"] == "done"]
    assert spoken == ["Giang", "Chi", "An", "Dũng", "Bình"]
    assert [s["name"] for s in done["speakers"] if s["status"] == "withdrawn"] == ["Chi"]
    assert (await client.post(url + ":next", headers=chair.auth)).status == 409
    # DL has 10 of its 300 s left (Giang 50, Chi 40, An 200): Giang's second turn is cut to them
    giang = await ok(await client.post(url, json={"participant_id": str(people["Giang"].id)}, headers=chair.auth), 201)
    cut = await ok(await client.post(f"{url}/{giang['id']}/start", headers=chair.auth))
    assert cut["speakers"][0]["allotted_seconds"] == 10
    schedule_clock.advance(dt.timedelta(seconds=10))
    await ok(await client.post(f"{url}/{giang['id']}/end", headers=chair.auth))
    chi = await ok(await client.post(url, json={"participant_id": str(people["Chi"].id)}, headers=chair.auth), 201)
    spent = await client.post(f"{url}/{chi['id']}/start", headers=chair.auth)
    assert (spent.status, (await spent.json()).get("field")) == (409, "department_id")
    # the record: who spoke under the item, in the order they spoke, for how long
    record = await ok(await client.get(f"/api/v1/meetings/{mid}/speakers", headers=people["An"].auth))
    assert [(s["name"], s["spoken_seconds"]) for s in record["items"]] == [
        ("Giang", 50),
        ("Chi", 40),
        ("An", 200),
        ("Dũng", 0),
        ("Bình", 0),
        ("Giang", 10),
    ]
    assert {s["item_id"] for s in record["items"]} == {item}
    # every action was an event, in the order taken
    await wait_for(lambda: _has(tap, "speaker.requested", 8), what="eight speaker.requested")
    kinds = [e.event_type for e in tap.events if e.event_type.startswith("speaker.")]
    assert kinds.count("speaker.requested") == 8 and kinds.count("speaker.withdrawn") == 1
    assert kinds.count("speaker.started") == 6 and kinds.count("speaker.ended") == 6
    assert {"speaker.paused", "speaker.resumed", "speaker.list_reordered", "speaker.list_changed"} <= set(kinds)
    assert reply["kind"] == "reply"


async def _has(tap: EventTap, event_type: str, n: int) -> bool:
    return len(tap.of_type(event_type)) >= n


async def test_timers_survive_a_restart_of_the_service(
    meeting_settings: Settings,
    start_service: Callable[[web.Application], Awaitable[Client]],
    client: Client,
    org: Org,
    schedule_clock: MovableClock,
) -> None:
    mid, items = await room_meeting(client, org)
    chair = await member(client, org, mid, "Chủ trì", role="chair")
    speaker = await member(client, org, mid, "Đại biểu")
    await advance(client, org, mid, "schedule", "start")
    await move(client, chair, mid, "jump", item_id=items[1])
    url = f"/api/v1/meetings/{mid}/agenda/{items[1]}/speakers"
    await ok(
        await client.patch(
            f"/api/v1/meetings/{mid}/agenda/{items[1]}/speaker-list", json={"speaking_seconds": 120}, headers=chair.auth
        )
    )
    entry = await ok(await client.post(url, json={"kind": "pro"}, headers=speaker.auth), 201)
    await ok(await client.post(f"{url}/{entry['id']}/start", headers=chair.auth))
    schedule_clock.advance(dt.timedelta(seconds=45))
    await ok(await client.post(f"{url}/{entry['id']}/pause", headers=chair.auth))
    schedule_clock.advance(dt.timedelta(minutes=5))
    await client.close()  # the service stops; a new one starts on the same database

    restarted = await start_service(create_app(meeting_settings, schedule_clock))
    room = await ok(await restarted.get(f"/api/v1/meetings/{mid}/room", headers=chair.auth))
    now = dt.datetime.fromisoformat(room["server_time"])
    item = room["items"][1]
    assert room["current_item_id"] == items[1]
    assert now - dt.datetime.fromisoformat(item["started_at"]) == dt.timedelta(minutes=5, seconds=45)
    assert dt.datetime.fromisoformat(item["slot_ends_at"]) - now == dt.timedelta(minutes=45 - 5, seconds=-45)
    assert room["speakers"]["speakers"][0]["remaining_seconds"] == 75  # paused: the time stood still
    await ok(await restarted.post(f"{url}/{entry['id']}/resume", headers=chair.auth))
    schedule_clock.advance(dt.timedelta(seconds=15))
    again = await ok(await restarted.get(url, headers=speaker.auth))
    assert again["speakers"][0]["remaining_seconds"] == 60


async def test_two_hundred_concurrent_requests_land_once_each_in_arrival_order(
    client: Client, org: Org, tap: EventTap
) -> None:
    mid, items = await room_meeting(client, org)
    rows = "".join(f"Đại biểu {n:03},,,voting_member,1,vi\n" for n in range(200))
    imported = await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants:import",
            data=("name,email,department,role,weight,language\n" + rows).encode(),
            headers={**org.organiser.auth, "Content-Type": "text/csv"},
        ),
        201,
    )
    callers = await asyncio.gather(*(join(client, p) for p in imported["items"]))
    await advance(client, org, mid, "schedule", "start")
    url = f"/api/v1/meetings/{mid}/agenda/{items[1]}/speakers"

    async def ask(caller: Caller) -> int:
        return (await client.post(url, json={"kind": "contribution"}, headers=caller.auth)).status

    # each participant asks twice at once (a double tap): one place each
    statuses = await asyncio.gather(*(ask(c) for c in callers for _ in range(2)))
    assert sorted(statuses) == [201] * 200 + [409] * 200
    listing = await ok(await client.get(url, headers=org.organiser.auth))
    entries = listing["speakers"]
    assert sorted(s["participant_id"] for s in entries) == sorted(str(c.id) for c in callers)
    # the list's order is the order the requests were admitted: their times and their events agree
    times = [dt.datetime.fromisoformat(s["requested_at"]) for s in entries]
    assert times == sorted(times)

    async def all_events() -> list[ev.Event]:
        return tap.of_type("speaker.requested") if len(tap.of_type("speaker.requested")) == 200 else []

    requested = await wait_for(all_events, what="200 speaker.requested")
    by_seq = sorted(requested, key=lambda e: e.meeting_seq or 0)
    assert [str(e.speaker.id) for e in by_seq if isinstance(e, ev.SpeakerEvent)] == [s["id"] for s in entries]


async def test_a_display_link_reads_the_room_and_nothing_else(client: Client, org: Org) -> None:
    mid, items = await room_meeting(client, org)
    chair = await member(client, org, mid, "Chủ trì", role="chair", email="chair@example.org")
    voter = await member(client, org, mid, "Đại biểu", email="member@example.org")
    assert (await client.post(f"/api/v1/meetings/{mid}/displays", headers=voter.auth)).status == 403
    link = await ok(
        await client.post(f"/api/v1/meetings/{mid}/displays", json={"label": "Hội trường"}, headers=chair.auth), 201
    )
    code = link["url"].split("#", 1)[1]
    display = {"Authorization": f"Display {code}"}
    await advance(client, org, mid, "schedule", "start")
    await ok(await client.post(f"/api/v1/meetings/{mid}/participants/{voter.id}/check-in", headers=voter.auth))
    await move(client, chair, mid, "next")
    await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/agenda/{items[0]}/speakers", json={"kind": "pro"}, headers=voter.auth
        ),
        201,
    )
    screen = await ok(await client.get("/api/v1/display", headers=display))
    assert screen["present_count"] == 1 and screen["room"]["current_item_id"] == items[0]
    assert screen["room"]["speakers"]["speakers"][0]["name"] == "Đại biểu"
    assert "example.org" not in str(screen)  # no contact details
    # the code is no session: not as a bearer token, not as a display anywhere else
    for headers in ({"Authorization": f"Bearer {code}"}, display):
        for path in (f"/api/v1/meetings/{mid}", f"/api/v1/meetings/{mid}/participants"):
            assert (await client.get(path, headers=headers)).status == 401
        speak = await client.post(f"/api/v1/meetings/{mid}/agenda/{items[0]}/speakers", json={}, headers=headers)
        assert speak.status == 401
    assert (await client.get("/api/v1/display", headers={"Authorization": "Display nope"})).status == 401
    # after the meeting the screen still shows who was there
    await advance(client, org, mid, "end")
    assert (await ok(await client.get("/api/v1/display", headers=display)))["present_count"] == 1
    listed = await ok(await client.get(f"/api/v1/meetings/{mid}/displays", headers=chair.auth))
    assert [d["label"] for d in listed["items"]] == ["Hội trường"] and listed["items"][0]["url"] is None
    assert (await client.delete(f"/api/v1/meetings/{mid}/displays/{link['id']}", headers=chair.auth)).status == 204
    assert (await client.get("/api/v1/display", headers=display)).status == 401
