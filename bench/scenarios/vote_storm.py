"""A 10,000-voter poll cast through the real ballot API with real participant tokens by 64 concurrent
connections, next to the raw ceiling of our stack for the same write (bench/ceiling.py), driven the same way.

The meeting reaches resolution_svc the way meeting_svc would tell it: as events on NATS.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator

import aiohttp
import asyncpg
import msgspec
import nats
from nats.aio.msg import Msg

from bench import load
from bench.stack import ROOT, Stack
from devstack.infra import free_port
from schemas import events as ev
from schemas.codec import encode, new_event
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit.tokens import Claims, expires_in

SERVICES = ("resolution_svc",)
VOTERS = 10_000
CONNECTIONS = 64


async def ceiling(stack: Stack, tokens: list[str], same_shape_only: bool = False) -> dict[str, float]:
    """The bare ceiling (bench/ceiling.py) driven like the storm: the same-shape write, and unless
    `same_shape_only` the four-round-trip and the leanest writes."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bench.ceiling", stack.database_url, str(port)], cwd=ROOT)  # noqa: ASYNC220
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.post(url + "/one", json={"choice": "yes"}) as response:
                        if response.status == 201:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        db = await asyncpg.connect(stack.database_url)

        async def drive(path: str, table: str) -> dict[str, float]:
            base = await db.fetchval(f"select count(*) from {table}")

            async def finished() -> bool:
                return await db.fetchval(f"select count(*) from {table}") >= base + len(tokens)  # type: ignore[no-any-return]

            cpu = load.cpu_seconds(proc.pid)
            result = await load.ballots(url, path, tokens, stack.dir, finished, CONNECTIONS)
            return {**result, "cpu_us": (load.cpu_seconds(proc.pid) - cpu) * 1e6 / len(tokens)}

        try:
            one = await drive("/one", "ceiling_ballots")
            limits = {
                "limits.ballot_write_per_s": one["requests_per_s"],
                "limits.p50_ms": one["p50_ms"],
                "limits.p99_ms": one["p99_ms"],
                "limits.ballot_write_cpu_us": round(one["cpu_us"], 1),
            }
            if not same_shape_only:
                four = await drive("/four", "ceiling_ballots")
                lean = await drive("/lean", "lean_ballots")
                limits |= {
                    "limits.round_trips4_per_s": four["requests_per_s"],
                    "limits.round_trips4_p99_ms": four["p99_ms"],
                    "limits.lean_write_per_s": lean["requests_per_s"],
                    "limits.lean_p99_ms": lean["p99_ms"],
                    "limits.lean_cpu_us": round(lean["cpu_us"], 1),
                }
        finally:
            await db.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return limits


async def meeting_of(stack: Stack, org: uuid.UUID, meeting: uuid.UUID, voters: list[uuid.UUID]) -> int:
    """Publish the meeting's events as meeting_svc would (numbered); the number of the last one."""
    nc = await nats.connect(stack.nats_url)
    js = nc.jetstream()
    subjects = Subjects(stack.namespace)
    starts = dt.datetime.now(dt.UTC)
    events: list[Event] = [
        new_event(
            ev.MeetingCreated,
            meeting_id=meeting,
            organisation_id=org,
            title=ev.Bilingual(vi="Hội nghị", en="Conference"),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            timezone="Asia/Ho_Chi_Minh",
            status="scheduled",
        ),
        new_event(ev.MeetingStarted, meeting_id=meeting),
        *(
            new_event(
                ev.ParticipantInvited, meeting_id=meeting, participant_id=v, name=f"Cử tri {n}", role="voting_member"
            )
            for n, v in enumerate(voters)
        ),
    ]
    events = [msgspec.structs.replace(e, meeting_seq=n) for n, e in enumerate(events, start=1)]
    try:
        for i in range(0, len(events), 500):
            await asyncio.gather(
                *(
                    js.publish(subjects.for_event(e), encode(e), headers={"Nats-Msg-Id": str(e.id)})
                    for e in events[i : i + 500]
                )
            )
    finally:
        await nc.close()
    return len(events)


@contextlib.asynccontextmanager
async def answering_positions(stack: Stack, position: int) -> AsyncIterator[None]:
    """Play meeting_svc (not started here) for resolution_svc's barrier: the meeting's events went up to here."""
    nc = await nats.connect(stack.nats_url)

    async def answer(msg: Msg) -> None:
        await msg.respond(msgspec.json.encode({"position": position}))

    await nc.subscribe(Subjects(stack.namespace).meeting_position(), cb=answer)
    try:
        yield
    finally:
        await nc.close()


async def run(stack: Stack) -> dict[str, float | int]:
    org, meeting = uuid.uuid4(), uuid.uuid4()
    voters = [uuid.uuid4() for _ in range(VOTERS)]
    tokens = [
        stack.signer.sign(
            Claims(
                kind="participant",
                sub=v,
                org=org,
                meeting=meeting,
                role="voting_member",
                jti=uuid.uuid4(),
                exp=expires_in(1),
            )
        )
        for v in voters
    ]
    limits = await ceiling(stack, tokens)

    started = time.perf_counter()
    position = await meeting_of(stack, org, meeting, voters)
    db = await asyncpg.connect(stack.database_url, server_settings={"search_path": "resolution"})
    try:
        for _ in range(1200):
            if await db.fetchval("select count(*) from participants where meeting_id = $1", meeting) == VOTERS:
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("resolution_svc did not learn the meeting's 10,000 voters in 120 s")
    finally:
        await db.close()
    roster_s = time.perf_counter() - started

    organiser = stack.signer.sign(
        Claims(kind="organiser", sub=uuid.uuid4(), org=org, jti=uuid.uuid4(), exp=expires_in(1))
    )
    auth = {"Authorization": f"Bearer {organiser}"}
    api = stack.url("resolution_svc")
    async with answering_positions(stack, position), aiohttp.ClientSession() as session:
        async with session.post(
            f"{api}/api/v1/meetings/{meeting}/polls",
            json={"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, "secret": True},
            headers=auth,
        ) as response:
            assert response.status == 201, await response.text()
            poll_id = (await response.json())["id"]
        async with session.post(f"{api}/api/v1/polls/{poll_id}/open", headers=auth) as response:
            assert response.status == 200, await response.text()
        db = await asyncpg.connect(stack.database_url, server_settings={"search_path": "resolution"})
        try:

            async def finished() -> bool:
                return (
                    await db.fetchval("select count(*) from participations where poll_id = $1", uuid.UUID(poll_id))
                    >= VOTERS
                )  # type: ignore[no-any-return]

            service = stack.pid("resolution_svc")
            cpu = load.cpu_seconds(service)
            storm = await load.ballots(
                api, f"/api/v1/polls/{poll_id}/ballots", tokens, stack.dir, finished, CONNECTIONS
            )
            cpu_us = (load.cpu_seconds(service) - cpu) * 1e6 / VOTERS
        finally:
            await db.close()
        close_started = time.perf_counter()
        async with session.post(f"{api}/api/v1/polls/{poll_id}/close", headers=auth) as response:
            assert response.status == 200, await response.text()
        close_ms = (time.perf_counter() - close_started) * 1000
        async with session.get(f"{api}/api/v1/polls/{poll_id}/result", headers=auth) as response:
            result = await response.json()
    counted = sum(t["count"] for t in result["result"]["tallies"])
    return {
        "vote_storm.voters": VOTERS,
        "vote_storm.connections": CONNECTIONS,
        "vote_storm.votes_per_s": round(counted / storm["seconds"], 1),
        "vote_storm.p50_ms": storm["p50_ms"],
        "vote_storm.p99_ms": storm["p99_ms"],
        "vote_storm.counted": counted,
        "vote_storm.requests": int(storm["requests"]),
        "vote_storm.rejected_repeats": int(storm["non_2xx"]),
        "vote_storm.close_ms": round(close_ms, 1),
        "vote_storm.service_cpu_us_per_vote": round(cpu_us, 1),
        "vote_storm.roster_from_events_s": round(roster_s, 2),
        **limits,
        "vote_storm.share_of_ceiling": round(counted / storm["seconds"] / limits["limits.ballot_write_per_s"], 3),
    }
