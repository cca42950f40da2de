"""The raw ceiling of our own stack for one ballot: a minimal aiohttp handler under uvloop writing one
ballot row and one outbox row through a 16-connection asyncpg pool, in a single statement (`/one`) or as
four round trips (`/four`: BEGIN, INSERT, INSERT, COMMIT); and the leanest write of the same two rows
(`/lean`: integer keys, no unique receipt, msgspec, an empty answer). For live pages, `/sse` holds a bare
Server-Sent Events stream and `/fire` writes one closed poll's frame to every stream held.
`python -m bench.ceiling DSN PORT`."""

from __future__ import annotations

import asyncio
import sys
import uuid

import asyncpg
import msgspec
import uvloop
from aiohttp import web

SCHEMA = """
create table if not exists ceiling_ballots (
    id uuid primary key, poll_id uuid not null, voter_id uuid, choice text not null, weight int not null,
    receipt text not null unique, cast_at timestamptz);
create table if not exists ceiling_outbox (
    seq bigserial primary key, event_id uuid not null unique, subject text not null, payload bytea not null,
    created_at timestamptz not null default now(), sent_at timestamptz);
create table if not exists lean_ballots (id bigserial primary key, poll_id int not null, choice smallint not null);
create table if not exists lean_outbox (seq bigserial primary key, payload bytea not null);
"""
LEAN = """
with b as (insert into lean_ballots (poll_id, choice) values (1, $1) returning id)
insert into lean_outbox (payload) select $2 from b
"""
CHOICES = {"yes": 0, "no": 1, "abstain": 2}
ONE = """
with b as (insert into ceiling_ballots (id, poll_id, voter_id, choice, weight, receipt, cast_at)
           values ($1, $2, $3, $4, 1, $5, now()) returning id)
insert into ceiling_outbox (event_id, subject, payload) select id, 'bench.ballot', $6 from b returning seq
"""
POLL = uuid.uuid4()
POOL = web.AppKey("pool", asyncpg.Pool)
DSN = web.AppKey("dsn", str)


async def setup(app: web.Application) -> None:
    pool = await asyncpg.create_pool(app[DSN], min_size=16, max_size=16)
    assert pool is not None
    await pool.execute(SCHEMA)
    app[POOL] = pool


async def one(request: web.Request) -> web.Response:
    body = await request.json()
    ballot = uuid.uuid4()
    await request.app[POOL].fetchval(ONE, ballot, POLL, uuid.uuid4(), body["choice"], ballot.hex[:12], b"{}")
    return web.json_response({"receipt": ballot.hex[:12]}, status=201)


async def four(request: web.Request) -> web.Response:
    body = await request.json()
    ballot = uuid.uuid4()
    async with request.app[POOL].acquire() as conn, conn.transaction():
        await conn.execute(
            "insert into ceiling_ballots (id, poll_id, voter_id, choice, weight, receipt, cast_at)"
            " values ($1, $2, $3, $4, 1, $5, now())",
            ballot,
            POLL,
            uuid.uuid4(),
            body["choice"],
            ballot.hex[:12],
        )
        await conn.execute(
            "insert into ceiling_outbox (event_id, subject, payload) values ($1, 'bench.ballot', $2)", ballot, b"{}"
        )
    return web.json_response({"receipt": ballot.hex[:12]}, status=201)


class Choice(msgspec.Struct):
    choice: str


DECODE_CHOICE = msgspec.json.Decoder(Choice).decode


async def lean(request: web.Request) -> web.Response:
    body = DECODE_CHOICE(await request.read())
    await request.app[POOL].execute(LEAN, CHOICES[body.choice], b"{}")
    return web.Response(status=204)


STREAMS = web.AppKey("streams", set)
FRAME = b'event: poll.closed\ndata: {"result": {"tallies": [{"option": "yes", "count": 1}]}}\n\n'


async def sse(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    done = asyncio.Event()
    request.app[STREAMS].add((response, done))
    await done.wait()
    return response


async def fire(request: web.Request) -> web.Response:
    streams = list(request.app[STREAMS])
    request.app[STREAMS].clear()
    for response, done in streams:
        await response.write(FRAME)
        done.set()
    return web.Response(status=204)


def main() -> None:
    dsn, port = sys.argv[1], int(sys.argv[2])
    app = web.Application()
    app[DSN] = dsn
    app.on_startup.append(setup)
    app.router.add_post("/one", one)
    app.router.add_post("/four", four)
    app.router.add_post("/lean", lean)
    app[STREAMS] = set()
    app.router.add_get("/sse", sse)
    app.router.add_post("/fire", fire)
    uvloop.install()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=lambda _: None)


if __name__ == "__main__":
    main()
