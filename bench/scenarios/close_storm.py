"""A full hall when the vote closes: a 2,000-voter poll with every voter's live page connected (2,000 SSE
streams on the notifier, each with its own participant token); the chair closes it and every page must
show the result. The result travels with `poll.closed` on the live stream, so pages fetch nothing.

Measured from the close request to the result on each page (`close_storm.p99_ms`, the last page in
`close_storm.last_ms`). Each page then does what the web client does once it shows the result: it
reloads the poll list and checks its receipt in the published list (`close_storm.follow_up_p99_ms`,
from the close). The 2,000 pages share one client process here, not 2,000 browsers: so that their
requests do not hold up this process's reading of the other pages' streams, they start once every
page has the result.
Every 5xx of the close, the streams and these requests is counted (`close_storm.server_5xx`). The same
run's ceiling: a bare aiohttp server (bench/ceiling.py `/sse`, `/fire`) writing one frame to the same
2,000 streams of the same client.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

import aiohttp
import asyncpg
import msgspec

from bench import load
from bench.scenarios.notify_fanout import percentile
from bench.scenarios.vote_storm import answering_positions, meeting_of
from bench.stack import ROOT, Stack
from devstack.infra import free_port
from servicekit.tokens import Claims, expires_in

SERVICES = ("resolution_svc", "notifier")
VOTERS = 2_000
TIMEOUT_S = 120.0


class Pages:
    """When each page got the closed poll's result (and whether the frame carried it)."""

    def __init__(self) -> None:
        self.opened = 0
        self.results: list[float] = []
        self.followed: list[float] = []
        self.follow_up_errors = 0
        self.close_ms = 0.0
        self.all_shown = asyncio.Event()
        self.without_result = 0
        self.server_5xx = 0
        self.changed = asyncio.Event()

    def note(self) -> None:
        self.changed.set()

    async def until(self, done: Callable[[], bool]) -> None:
        async with asyncio.timeout(TIMEOUT_S):
            while not done():
                self.changed.clear()
                await self.changed.wait()


FollowUp = Callable[[aiohttp.ClientSession, dict[str, str]], Awaitable[list[int]]]


async def page(
    session: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    pages: Pages,
    wanted: str,
    follow_up: FollowUp | None,
) -> None:
    """One participant's live page: reads the stream until `wanted` (an event type) arrives with a result,
    then makes the page's own requests after it."""
    async with session.get(url, headers=headers) as response:
        if response.status >= 500:
            pages.server_5xx += 1
        assert response.status == 200, await response.text()
        pages.opened += 1
        pages.note()
        event_type = ""
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event_type = line[6:].strip()
            elif line.startswith("data:") and event_type == wanted:
                data = msgspec.json.decode(line[5:])
                if isinstance(data, dict) and data.get("result", {}).get("tallies"):
                    pages.results.append(time.perf_counter())
                else:
                    pages.without_result += 1
                pages.note()
                break
    if follow_up is not None:
        await pages.all_shown.wait()
        try:
            statuses = await follow_up(session, headers)
        except (aiohttp.ClientError, OSError):
            pages.follow_up_errors += 1
        else:
            pages.server_5xx += sum(status >= 500 for status in statuses)
            pages.followed.append(time.perf_counter())
        pages.note()


async def storm(
    session: aiohttp.ClientSession,
    stream_url: str,
    tokens: list[str],
    wanted: str,
    close: Callable[[], Awaitable[int]],
    follow_up: FollowUp | None = None,
) -> tuple[list[float], list[float], Pages]:
    pages = Pages()
    tasks = [
        asyncio.create_task(page(session, stream_url, {"Authorization": f"Bearer {t}"}, pages, wanted, follow_up))
        for t in tokens
    ]
    try:
        await pages.until(lambda: pages.opened >= len(tokens))
        started = time.perf_counter()
        status = await close()
        pages.close_ms = (time.perf_counter() - started) * 1000
        if status >= 500:
            pages.server_5xx += 1
        await pages.until(lambda: len(pages.results) + pages.without_result >= len(tokens))
        pages.all_shown.set()
        if follow_up is not None:
            await pages.until(lambda: len(pages.followed) + pages.follow_up_errors >= len(tokens))
        return [(t - started) * 1000 for t in pages.results], [(t - started) * 1000 for t in pages.followed], pages
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def ceiling(stack: Stack, session: aiohttp.ClientSession) -> dict[str, float]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bench.ceiling", stack.database_url, str(port)], cwd=ROOT)  # noqa: ASYNC220
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.post(url + "/fire") as response:
                    if response.status == 204:
                        break
            await asyncio.sleep(0.1)

        async def fire() -> int:
            async with session.post(url + "/fire") as response:
                return response.status

        latencies, _, _ = await storm(session, url + "/sse", [""] * VOTERS, "poll.closed", fire)
    finally:
        proc.terminate()
        proc.wait(10)
    return {"limits.sse_fanout_p99_ms": round(percentile(latencies, 0.99), 1)}


async def run(stack: Stack) -> dict[str, float | int]:
    org, meeting = uuid.uuid4(), uuid.uuid4()
    voters = [uuid.uuid4() for _ in range(VOTERS)]
    tokens = [
        stack.signer.sign(
            Claims(
                kind="participant", sub=v, org=org, meeting=meeting, role="voting_member", jti=uuid.uuid4(),
                exp=expires_in(1),
            )
        )
        for v in voters
    ]  # fmt: skip
    organiser = stack.signer.sign(
        Claims(kind="organiser", sub=uuid.uuid4(), org=org, jti=uuid.uuid4(), exp=expires_in(1))
    )
    auth = {"Authorization": f"Bearer {organiser}"}
    position = await meeting_of(stack, org, meeting, voters)
    db = await asyncpg.connect(stack.database_url)
    try:
        for _ in range(1200):
            known = await db.fetchval(
                "select (select count(*) from resolution.participants where meeting_id = $1)"
                " + (select count(*) from notifier.participants where meeting_id = $1)",
                meeting,
            )
            if known == 2 * VOTERS:
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("the services did not learn the meeting's voters in 120 s")
    finally:
        await db.close()

    api = stack.url("resolution_svc")
    connector = aiohttp.TCPConnector(limit=0)
    async with (
        answering_positions(stack, position),
        aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as session,
    ):
        limits = await ceiling(stack, session)
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

            cast = await load.ballots(api, f"/api/v1/polls/{poll_id}/ballots", tokens, stack.dir, finished, 64)
        finally:
            await db.close()

        async def close() -> int:
            async with session.post(f"{api}/api/v1/polls/{poll_id}/close", headers=auth) as response:
                return response.status

        async def follow_up(session: aiohttp.ClientSession, headers: dict[str, str]) -> list[int]:
            statuses = []
            for path in (f"/api/v1/meetings/{meeting}/polls", f"/api/v1/polls/{poll_id}/receipts"):
                async with session.get(api + path, headers=headers) as response:
                    await response.read()
                    statuses.append(response.status)
            return statuses

        stream_url = f"{stack.url('notifier')}/api/v1/meetings/{meeting}/stream"
        latencies, followed, pages = await storm(session, stream_url, tokens, "poll.closed", close, follow_up)
    return {
        "close_storm.voters": VOTERS,
        "close_storm.pages": VOTERS,
        "close_storm.ballots_non_2xx": int(cast["non_2xx"]),
        "close_storm.pages_with_result": len(latencies),
        "close_storm.pages_without_result": pages.without_result,
        "close_storm.close_request_ms": round(pages.close_ms, 1),
        "close_storm.first_page_ms": round(min(latencies), 1),
        "close_storm.p50_ms": round(statistics.median(latencies), 1),
        "close_storm.p99_ms": round(percentile(latencies, 0.99), 1),
        "close_storm.last_ms": round(max(latencies), 1),
        "close_storm.follow_up_p99_ms": round(percentile(followed, 0.99), 1),
        "close_storm.follow_up_errors": pages.follow_up_errors,
        "close_storm.server_5xx": pages.server_5xx,
        **limits,
    }
