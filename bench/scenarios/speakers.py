"""Running the room: time from a participant's request to speak, and from the chair's "next speaker", to
their arrival at 1,000 connected live pages (the notifier's Server-Sent Events) of the same meeting.

meeting_svc and the notifier run as real processes; the requests go through meeting_svc's API with real
session tokens (the event then takes the outbox, JetStream and the notifier's consumer to the pages);
the pages are 1,000 real SSE connections. Measured from just before the HTTP request is sent to each
page's receipt of the event.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import statistics
import time
from typing import Any

import aiohttp
import msgspec

from bench.scenarios.meetings import organiser_token
from bench.stack import Stack
from devstack.seed import next_reference_start

SERVICES = ("meeting_svc", "notifier")
PAGES = 1_000
ROUNDS = 10
ROUND_TIMEOUT_S = 30.0
WATCHED = ("speaker.requested", "speaker.started")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Arrivals:
    """When each page received each speaker event (by the speaker entry's id and the event type)."""

    def __init__(self) -> None:
        self.times: dict[tuple[str, str], list[float]] = {}
        self.open = 0
        self.changed = asyncio.Event()

    def record(self, key: tuple[str, str]) -> None:
        self.times.setdefault(key, []).append(time.perf_counter())
        self.changed.set()

    async def wait(self, key: tuple[str, str], n: int) -> list[float]:
        async with asyncio.timeout(ROUND_TIMEOUT_S):
            while len(self.times.get(key, [])) < n:
                self.changed.clear()
                await self.changed.wait()
        return self.times[key]


async def page(session: aiohttp.ClientSession, url: str, token: str, arrivals: Arrivals) -> None:
    async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 200, await response.text()
        arrivals.open += 1
        arrivals.changed.set()
        event_type = ""
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event_type = line[6:].strip()
            elif line.startswith("data:") and event_type in WATCHED:
                speaker = msgspec.json.decode(line[5:])["speaker"]
                arrivals.record((event_type, speaker["id"]))


async def call(session: aiohttp.ClientSession, method: str, url: str, token: str, status: int, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    async with session.request(method, url, headers=headers, **kw) as response:
        body = await response.json()
        assert response.status == status, body
        return body


async def run(stack: Stack) -> dict[str, float | int]:
    organiser = await organiser_token(stack)
    api = f"{stack.url('meeting_svc')}/api/v1"
    starts = next_reference_start()
    arrivals = Arrivals()
    tasks: list[asyncio.Task[None]] = []
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=None))
    try:
        meeting = await call(
            session, "POST", f"{api}/meetings", organiser, 201,
            json={
                "title": {"vi": "Hội nghị tổng kết", "en": "Year-end review"},
                "starts_at": starts.isoformat(),
                "ends_at": (starts + dt.timedelta(hours=4)).isoformat(),
                "timezone": "Asia/Ho_Chi_Minh",
            },
        )  # fmt: skip
        mid = meeting["id"]
        agenda = await call(
            session, "POST", f"{api}/meetings/{mid}/agenda", organiser, 201,
            json={"title": {"vi": "Thảo luận"}, "kind": "discussion", "planned_minutes": 60},
        )  # fmt: skip
        item = agenda["items"][0]["id"]
        rows = "".join(f"Đại biểu {n:03},,,voting_member,1,vi\n" for n in range(ROUNDS + 1))
        imported = await call(
            session, "POST", f"{api}/meetings/{mid}/participants:import", organiser, 201,
            data=("name,email,department,role,weight,language\n" + rows).encode(),
            headers={"Content-Type": "text/csv"},
        )  # fmt: skip
        tokens = []
        for person in imported["items"]:
            code = person["invite_url"].rsplit("/", 1)[1]
            async with session.post(f"{api}/sessions", json={"invite_code": code}) as response:
                tokens.append((await response.json())["token"])
        for action in ("schedule", "start"):
            await call(session, "POST", f"{api}/meetings/{mid}/{action}", organiser, 200)
        await call(session, "POST", f"{api}/meetings/{mid}/room/item", organiser, 200, json={"move": "next"})

        # every page follows the meeting as a participant does (the stream waits for the participant's
        # event to reach the notifier, so the pages open once the import's events are there)
        stream = f"{stack.url('notifier')}/api/v1/meetings/{mid}/stream"
        tasks = [asyncio.create_task(page(session, stream, tokens[n % len(tokens)], arrivals)) for n in range(PAGES)]
        async with asyncio.timeout(120):
            while arrivals.open < PAGES:
                arrivals.changed.clear()
                await arrivals.changed.wait()

        speakers = f"{api}/meetings/{mid}/agenda/{item}/speakers"
        latency: dict[str, list[float]] = {"requested": [], "next": []}
        for round_no in range(ROUNDS + 1):  # round 0 warms up and is not counted
            sent = time.perf_counter()
            entry = await call(session, "POST", speakers, tokens[round_no], 201, json={"kind": "contribution"})
            requested = await arrivals.wait(("speaker.requested", entry["id"]), PAGES)
            sent_next = time.perf_counter()
            await call(session, "POST", f"{speakers}:next", organiser, 200)
            started = await arrivals.wait(("speaker.started", entry["id"]), PAGES)
            if round_no:
                latency["requested"] += [(t - sent) * 1000 for t in requested]
                latency["next"] += [(t - sent_next) * 1000 for t in started]
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await session.close()

    return {
        "speakers.rounds": ROUNDS,
        "speakers.pages": PAGES,
        "speakers.request_p50_ms": round(statistics.median(latency["requested"]), 1),
        "speakers.request_p99_ms": round(percentile(latency["requested"], 0.99), 1),
        "speakers.next_p50_ms": round(statistics.median(latency["next"]), 1),
        "speakers.next_p99_ms": round(percentile(latency["next"], 0.99), 1),
    }
