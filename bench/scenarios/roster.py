"""10,000 participants imported into meeting_svc from one CSV until resolution_svc and the notifier both
know them all (import, outbox relay, NATS, both consumers), next to the same run's ceiling: the same
10,000 participant rows written by a bare asyncpg loop, one statement per row and one transaction per
100 rows (how the consumers commit a fetched batch)."""

from __future__ import annotations

import asyncio
import time
import uuid

import aiohttp
import asyncpg

from bench.scenarios.meetings import organiser_token, outbox_drained
from bench.stack import Stack
from devstack.reference import conference, staff_names
from devstack.seed import next_reference_start

PARTICIPANTS = 10_000
TIMEOUT_S = 120


async def ceiling(stack: Stack) -> float:
    conn = await asyncpg.connect(stack.database_url)
    try:
        await conn.execute(
            "create table ceiling_participants (id uuid primary key, meeting_id uuid not null, name text,"
            " role text, weight int not null default 1, version bigint)"
        )
        meeting = uuid.uuid4()
        started = time.perf_counter()
        for i in range(0, PARTICIPANTS, 100):
            async with conn.transaction():
                for n in range(i, i + 100):
                    await conn.execute(
                        "insert into ceiling_participants (id, meeting_id, name, role, version) values ($1, $2, $3,"
                        " 'voting_member', $4) on conflict (id) do nothing",
                        uuid.uuid4(),
                        meeting,
                        f"Cử tri {n}",
                        n,
                    )
        return time.perf_counter() - started
    finally:
        await conn.close()


async def known(
    stack: Stack, schema: str, meeting: uuid.UUID, table: str = "participants", column: str = "meeting_id"
) -> int:
    conn = await asyncpg.connect(stack.database_url, server_settings={"search_path": schema})
    try:
        return await conn.fetchval(f"select count(*) from {table} where {column} = $1", meeting)  # type: ignore[no-any-return]
    finally:
        await conn.close()


async def draft_meeting(session: aiohttp.ClientSession, api: str) -> uuid.UUID:
    """A draft meeting (nothing is emailed for a draft, so the import is all the notifier has to do)."""
    ref = conference()
    shift = next_reference_start() - ref.starts_at
    body = {
        "title": ref.title.as_dict(),
        "starts_at": (ref.starts_at + shift).isoformat(),
        "ends_at": (ref.ends_at + shift).isoformat(),
        "timezone": "Asia/Ho_Chi_Minh",
    }
    async with session.post(f"{api}/meetings", json=body) as response:
        assert response.status == 201, await response.text()
        return uuid.UUID((await response.json())["id"])


async def run(stack: Stack) -> dict[str, float | int]:
    ceiling_s = await ceiling(stack)
    api = stack.url("meeting_svc") + "/api/v1"
    csv = "name,email,role\n" + "\n".join(
        f"{n},vc{i}@quatest2.example.org,voting_member" for i, n in enumerate(staff_names(PARTICIPANTS, seed=7))
    )
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {await organiser_token(stack)}"}) as session:
        meeting = await draft_meeting(session, api)
        for schema, column in (("resolution", "id"), ("notifier", "meeting_id")):
            for _ in range(600):  # the meeting's own event first, as in any meeting
                if await known(stack, schema, meeting, "meetings", column):
                    break
                await asyncio.sleep(0.05)
        started = time.perf_counter()
        async with session.post(
            f"{api}/meetings/{meeting}/participants:import", data=csv.encode(), headers={"Content-Type": "text/csv"}
        ) as response:
            assert response.status == 201, await response.text()
        import_s = time.perf_counter() - started
    published_s = import_s + await outbox_drained(stack)
    learnt: dict[str, float] = {}
    deadline = started + TIMEOUT_S
    while len(learnt) < 2 and time.perf_counter() < deadline:
        for schema in ("resolution", "notifier"):
            if schema not in learnt and await known(stack, schema, meeting) >= PARTICIPANTS:
                learnt[schema] = time.perf_counter() - started
        await asyncio.sleep(0.05)
    if len(learnt) < 2:
        raise RuntimeError(f"not every service learnt the {PARTICIPANTS} participants in {TIMEOUT_S} s: {learnt}")
    return {
        "roster.participants": PARTICIPANTS,
        "roster.seconds": round(max(learnt.values()), 2),
        "roster.resolution_s": round(learnt["resolution"], 2),
        "roster.notifier_s": round(learnt["notifier"], 2),
        "roster.import_s": round(import_s, 2),
        "roster.published_s": round(published_s, 2),
        "limits.roster_rows_s": round(ceiling_s, 2),
    }
