"""Does a vote cost the same in a meeting of 1,000, 10,000 or 100,000 voters? For each size: the roster
(written straight into resolution_svc's read model: how it gets there from meeting_svc's events is the
`roster` scenario), a secret poll opened on it, every voter's ballot cast through the real ballot API
with real participant tokens by 64 connections, the close (opening every sealed ballot, the tally), and
the result read back. Printed as a table. The machine is shared and busy, so each size's storm is
preceded by the bare same-shape ceiling (bench/ceiling.py) over as many writes, and
flatness is judged on the share of that ceiling as well as on the raw cost per vote.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

import aiohttp
import asyncpg

from bench import load
from bench.scenarios.vote_storm import CONNECTIONS, answering_positions, ceiling
from bench.stack import Stack
from servicekit.tokens import Claims, expires_in

SERVICES = ("resolution_svc",)
SIZES = (1_000, 10_000, 100_000)
# Ballots cast per size: all of them up to 20,000, then the first 20,000 voters (a bounded run; the poll,
# its roster and the close are still of the full size)
STORM_MOST = 20_000


async def seed(stack: Stack, org: uuid.UUID, meeting: uuid.UUID, voters: list[uuid.UUID]) -> int:
    """The meeting and its voters in the read model, as their events would leave them; its position."""
    conn = await asyncpg.connect(stack.database_url, server_settings={"search_path": "resolution"})
    try:
        starts = dt.datetime.now(dt.UTC)
        await conn.execute(
            "insert into meetings (id, organisation_id, timezone, starts_at, ends_at, status, facts_version,"
            " status_version) values ($1, $2, 'Asia/Ho_Chi_Minh', $3, $4, 'in_progress', 1, 2)",
            meeting,
            org,
            starts,
            starts + dt.timedelta(hours=4),
        )
        await conn.execute(
            "insert into participants (id, meeting_id, role, version)"
            " select v, $1, 'voting_member', 2 + n from unnest($2::uuid[]) with ordinality as x(v, n)",
            meeting,
            voters,
        )
        position = len(voters) + 2
        await conn.execute(
            "insert into meeting_positions (meeting_id, applied_through) values ($1, $2)", meeting, position
        )
        await conn.execute("analyze participants")
        return position
    finally:
        await conn.close()


async def one_size(stack: Stack, session: aiohttp.ClientSession, size: int) -> dict[str, float]:
    limits = await ceiling(stack, [f"t{n}" for n in range(min(size, STORM_MOST))], same_shape_only=True)
    org, meeting = uuid.uuid4(), uuid.uuid4()
    voters = [uuid.uuid4() for _ in range(size)]
    storm_size = min(size, STORM_MOST)
    tokens = [
        stack.signer.sign(
            Claims(
                kind="participant", sub=v, org=org, meeting=meeting, role="voting_member", jti=uuid.uuid4(),
                exp=expires_in(1),
            )
        )
        for v in voters[:storm_size]
    ]  # fmt: skip
    position = await seed(stack, org, meeting, voters)
    organiser = Claims(kind="organiser", sub=uuid.uuid4(), org=org, jti=uuid.uuid4(), exp=expires_in(1))
    auth = {"Authorization": f"Bearer {stack.signer.sign(organiser)}"}
    api = stack.url("resolution_svc")
    async with answering_positions(stack, position):
        async with session.post(
            f"{api}/api/v1/meetings/{meeting}/polls",
            json={"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, "secret": True},
            headers=auth,
        ) as response:
            assert response.status == 201, await response.text()
            poll_id = (await response.json())["id"]
        started = time.perf_counter()
        async with session.post(f"{api}/api/v1/polls/{poll_id}/open", headers=auth) as response:
            assert response.status == 200, await response.text()
        open_ms = (time.perf_counter() - started) * 1000
        db = await asyncpg.connect(stack.database_url, server_settings={"search_path": "resolution"})
        try:

            async def finished() -> bool:
                return (
                    await db.fetchval("select count(*) from participations where poll_id = $1", uuid.UUID(poll_id))
                    >= storm_size
                )  # type: ignore[no-any-return]

            storm = await load.ballots(
                api, f"/api/v1/polls/{poll_id}/ballots", tokens, stack.dir, finished, CONNECTIONS
            )
        finally:
            await db.close()
        started = time.perf_counter()
        async with session.post(f"{api}/api/v1/polls/{poll_id}/close", headers=auth) as response:
            assert response.status == 200, await response.text()
        close_ms = (time.perf_counter() - started) * 1000
        async with session.get(f"{api}/api/v1/polls/{poll_id}/result", headers=auth) as response:
            result = await response.json()
    counted = sum(t["count"] for t in result["result"]["tallies"])
    assert counted == storm_size, f"{counted} of {storm_size} counted"
    per_s = counted / storm["seconds"]
    return {
        "votes_per_s": round(per_s, 1),
        "p50_ms": storm["p50_ms"],
        "p99_ms": storm["p99_ms"],
        "us_per_vote": round(1e6 / per_s, 1),
        "ceiling_per_s": limits["limits.ballot_write_per_s"],
        "ceiling_p99_ms": limits["limits.p99_ms"],
        "share_of_ceiling": round(per_s / limits["limits.ballot_write_per_s"], 3),
        "open_ms": round(open_ms, 1),
        "close_ms": round(close_ms, 1),
        "counted": counted,
        "ballots": storm_size,
    }


async def run(stack: Stack) -> dict[str, float | int]:
    metrics: dict[str, float | int] = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
        for size in SIZES:
            for name, value in (await one_size(stack, session, size)).items():
                metrics[f"scaling.{size}.{name}"] = value
    costs = [metrics[f"scaling.{size}.us_per_vote"] for size in SIZES]
    shares = [metrics[f"scaling.{size}.share_of_ceiling"] for size in SIZES]
    metrics["scaling.cost_spread"] = round(max(costs) / min(costs) - 1, 3)
    metrics["scaling.share_spread"] = round(max(shares) / min(shares) - 1, 3)
    print(
        f"{'voters':>8} {'votes/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'µs/vote':>8} {'ceiling/s':>10} {'share':>6}"
        f" {'open ms':>8} {'close ms':>9}"
    )
    for size in SIZES:
        m = {k.rsplit(".", 1)[1]: v for k, v in metrics.items() if k.startswith(f"scaling.{size}.")}
        print(
            f"{size:>8,} {m['votes_per_s']:>9,.0f} {m['p50_ms']:>8.1f} {m['p99_ms']:>8.1f} {m['us_per_vote']:>8.0f}"
            f" {m['ceiling_per_s']:>10,.0f} {m['share_of_ceiling']:>6.2f} {m['open_ms']:>8.0f} {m['close_ms']:>9.0f}"
        )
    print(
        f"spread of the cost per vote {metrics['scaling.cost_spread']:.0%},"
        f" of the share of the ceiling {metrics['scaling.share_spread']:.0%}"
    )
    return metrics
