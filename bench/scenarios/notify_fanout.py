"""Time from `poll.closed` reaching JetStream to its receipt at 100 webhook endpoints and at 1,000 live
stream (SSE) clients of the same meeting.

The notifier runs as a real process; the events are published straight to its NATS namespace (as
resolution_svc would), the endpoints are real local HTTP servers and the SSE clients real connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import statistics
import time
import uuid

import aiohttp
import msgspec
import nats
from aiohttp import web

from bench.stack import Stack
from schemas import events as ev
from schemas.codec import encode, new_event
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit.tokens import Claims, expires_in

SERVICES = ("notifier",)
ENDPOINTS = 100
SSE_CLIENTS = 1_000
ROUNDS = 5
ROUND_TIMEOUT_S = 30.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Receipts:
    """Arrival times of each poll's `poll.closed`, per receiver kind."""

    def __init__(self) -> None:
        self.times: dict[tuple[str, str], list[float]] = {}
        self.changed = asyncio.Event()

    def record(self, kind: str, poll_id: str) -> None:
        self.times.setdefault((kind, poll_id), []).append(time.perf_counter())
        self.changed.set()

    async def wait(self, poll_id: str, webhooks: int, sse: int) -> None:
        async with asyncio.timeout(ROUND_TIMEOUT_S):
            while (
                len(self.times.get(("webhook", poll_id), [])) < webhooks
                or len(self.times.get(("sse", poll_id), [])) < sse
            ):
                self.changed.clear()
                await self.changed.wait()


async def sse_client(session: aiohttp.ClientSession, url: str, token: str, receipts: Receipts) -> None:
    async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 200, await response.text()
        receipts.record("sse-open", "-")
        event_type = ""
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event_type = line[6:].strip()
            elif line.startswith("data:") and event_type == "poll.closed":
                receipts.record("sse", poll_id_of(line[5:]))


def poll_id_of(data: str) -> str:
    return str(msgspec.json.decode(data)["poll_id"])


async def run(stack: Stack) -> dict[str, float | int]:
    receipts = Receipts()

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        receipts.record("webhook", body["poll_id"])
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook/{n}", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    org = uuid.uuid4()
    organiser = stack.signer.sign(
        Claims(kind="organiser", sub=uuid.uuid4(), org=org, jti=uuid.uuid4(), exp=expires_in(1))
    )
    meeting = uuid.uuid4()
    starts = dt.datetime.now(dt.UTC)
    nc = await nats.connect(stack.nats_url)
    js = nc.jetstream()
    subjects = Subjects(stack.namespace)

    async def publish(event: Event) -> None:
        await js.publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": str(event.id)})

    tasks: list[asyncio.Task[None]] = []
    connector = aiohttp.TCPConnector(limit=0)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None))
    try:
        await publish(
            new_event(
                ev.MeetingCreated,
                meeting_id=meeting,
                organisation_id=org,
                title=ev.Bilingual(vi="Hội nghị", en="Conference"),
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
                timezone="Asia/Ho_Chi_Minh",
                status="in_progress",
            )
        )
        api = stack.url("notifier")
        for n in range(ENDPOINTS):
            async with session.post(
                f"{api}/api/v1/subscriptions",
                json={"url": f"http://127.0.0.1:{port}/hook/{n}", "event_types": ["poll.closed"]},
                headers={"Authorization": f"Bearer {organiser}"},
            ) as response:
                assert response.status == 201, await response.text()
        # the notifier judges a participant's stream on its read model: the participant must be known
        member = uuid.uuid4()
        await publish(
            new_event(
                ev.ParticipantInvited, meeting_id=meeting, participant_id=member, name="Đại biểu", role="voting_member"
            )
        )
        participant = stack.signer.sign(
            Claims(
                kind="participant",
                sub=member,
                org=org,
                meeting=meeting,
                role="voting_member",
                jti=uuid.uuid4(),
                exp=expires_in(1),
            )
        )
        stream_url = f"{api}/api/v1/meetings/{meeting}/stream"
        tasks = [
            asyncio.create_task(sse_client(session, stream_url, participant, receipts)) for _ in range(SSE_CLIENTS)
        ]
        async with asyncio.timeout(60):
            while len(receipts.times.get(("sse-open", "-"), [])) < SSE_CLIENTS:
                receipts.changed.clear()
                await receipts.changed.wait()

        latencies: dict[str, list[float]] = {"webhook": [], "sse": []}
        for round_no in range(ROUNDS + 1):  # round 0 warms up and is not counted
            closed = new_event(
                ev.PollClosed,
                meeting_id=meeting,
                poll_id=uuid.uuid4(),
                result=ev.PollResult(
                    tallies=[ev.OptionTally(option="yes", count=1, weight=1)],
                    base="cast",
                    base_weight=1,
                    threshold="simple",
                    required_weight="1/2",
                    quorum_met=True,
                    outcome="adopted",
                ),
            )
            sent = time.perf_counter()
            await publish(closed)
            poll = str(closed.poll_id)
            await receipts.wait(poll, ENDPOINTS, SSE_CLIENTS)
            if round_no == 0:
                continue
            for kind in latencies:
                latencies[kind] += [(t - sent) * 1000 for t in receipts.times[(kind, poll)]]
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await session.close()
        await nc.close()
        await runner.cleanup()

    return {
        "notify.rounds": ROUNDS,
        "notify.webhook_endpoints": ENDPOINTS,
        "notify.webhook_p50_ms": round(statistics.median(latencies["webhook"]), 1),
        "notify.webhook_p99_ms": round(percentile(latencies["webhook"], 0.99), 1),
        "notify.sse_clients": SSE_CLIENTS,
        "notify.sse_p50_ms": round(statistics.median(latencies["sse"]), 1),
        "notify.sse_p99_ms": round(percentile(latencies["sse"], 0.99), 1),
    }
