"""meeting_svc: importing 10,000 participants from CSV in one all-or-nothing request (and how long until
their 10,000 events are published), then reading a meeting with its agenda under 200 concurrent readers."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import aiohttp
import asyncpg

from bench import load
from bench.stack import ROOT, Stack
from devstack.reference import conference, staff_names
from devstack.seed import next_reference_start

SERVICES = ("meeting_svc",)
PARTICIPANTS = 10_000
READERS = 200
READ_SECONDS = 10


async def organiser_token(stack: Stack) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "meeting_svc", "create-organiser", "--organisation", "QUATEST 2",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": stack.database_url, "TOKEN_PRIVATE_KEY": str(stack.dir / "key.pem")},
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out.decode().strip().splitlines()[-1]


async def outbox_drained(stack: Stack, timeout: float = 120.0) -> float:
    """Seconds until every event of the import is in JetStream, so reads are measured in steady state."""
    started = time.perf_counter()
    db = await asyncpg.connect(stack.database_url)
    try:
        while await db.fetchval("select count(*) from meeting.outbox where sent_at is null"):
            if time.perf_counter() - started > timeout:
                raise RuntimeError("the outbox did not drain")
            await asyncio.sleep(0.05)
    finally:
        await db.close()
    return time.perf_counter() - started


async def run(stack: Stack) -> dict[str, float | int]:
    auth = {"Authorization": f"Bearer {await organiser_token(stack)}"}
    api = stack.url("meeting_svc") + "/api/v1"
    ref = conference()
    shift = next_reference_start() - ref.starts_at  # a meeting in the past is refused
    async with aiohttp.ClientSession(headers=auth) as session:
        body = {
            "title": ref.title.as_dict(),
            "starts_at": (ref.starts_at + shift).isoformat(),
            "ends_at": (ref.ends_at + shift).isoformat(),
            "timezone": "Asia/Ho_Chi_Minh",
            "venue": {"name": ref.venue_name, "address": ref.venue_address},
        }
        async with session.post(f"{api}/meetings", json=body) as response:
            assert response.status == 201, await response.text()
            meeting = (await response.json())["id"]
        for item in ref.agenda:
            async with session.post(
                f"{api}/meetings/{meeting}/agenda",
                json={"title": item.title.as_dict(), "kind": item.kind, "planned_minutes": item.minutes},
            ) as response:
                assert response.status == 201, await response.text()
        names = staff_names(PARTICIPANTS, seed=7)
        csv = "name,email,role\n" + "\n".join(
            f"{n},vc{i}@quatest2.example.org,voting_member" for i, n in enumerate(names)
        )
        started = time.perf_counter()
        async with session.post(
            f"{api}/meetings/{meeting}/participants:import", data=csv.encode(), headers={"Content-Type": "text/csv"}
        ) as response:
            assert response.status == 201, await response.text()
            created = (await response.json())["created"]
        import_s = time.perf_counter() - started
    relayed_s = await outbox_drained(stack)
    read = await load.reads(f"{api}/meetings/{meeting}", auth, READERS, READ_SECONDS)
    return {
        "meetings.import_participants": created,
        "meetings.import_s": round(import_s, 2),
        "meetings.import_per_s": round(created / import_s),
        "meetings.import_events_published_s": round(relayed_s, 2),
        "meetings.read_readers": READERS,
        "meetings.read_per_s": read["requests_per_s"],
        "meetings.read_p50_ms": read["p50_ms"],
        "meetings.read_p99_ms": read["p99_ms"],
        "meetings.read_non_2xx": int(read["non_2xx"]),
    }
