"""Every service's HTTP server, as `servicekit.main` runs it, lets no client hold a connection by being
slow: a request head that never ends and an idle connection are closed after `http_idle_timeout_s`, a
body sent a byte at a time is answered 408 after `http_body_timeout_s`; a prompt client is served as before."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from devstack.infra import free_port
from servicekit.http import body_deadline, problem_middleware
from servicekit.main import server_runner
from servicekit.settings import CommonSettings

IDLE, BODY = 0.5, 0.5
# far above the limits, so a slow machine cannot fail the test; far below aiohttp's defaults (75 s, none)
BOUND = 10.0


async def echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read())


async def ok(_: web.Request) -> web.Response:
    return web.Response(text="ok")


@pytest.fixture
async def server() -> AsyncIterator[int]:
    app = web.Application(middlewares=[problem_middleware, body_deadline(BODY)])
    app.router.add_post("/echo", echo)
    app.router.add_get("/ok", ok)
    settings = CommonSettings(http_idle_timeout_s=IDLE, http_body_timeout_s=BODY, shutdown_timeout_s=1.0)
    runner = server_runner(app, settings)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield port
    finally:
        await runner.cleanup()


Connect = Callable[[], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


@pytest.fixture
async def connect(server: int) -> AsyncIterator[Connect]:
    """Raw connections to the server, every one closed at the end whatever the test's outcome."""
    writers: list[asyncio.StreamWriter] = []

    async def open_one() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", server)
        writers.append(writer)
        return reader, writer

    yield open_one
    for writer in writers:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def closed(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    return await asyncio.wait_for(reader.read(), BOUND)


async def test_a_request_head_that_never_ends_is_cut_off(connect: Connect) -> None:
    conns = [await connect() for _ in range(50)]
    for _, writer in conns:
        writer.write(b"GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and nothing more
        await writer.drain()
    answers = await asyncio.gather(*(closed(reader) for reader, _ in conns))
    assert answers == [b""] * 50  # closed without an answer


async def test_an_idle_connection_is_closed_after_its_answer(connect: Connect) -> None:
    reader, writer = await connect()
    writer.write(b"GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    answer = await closed(reader)
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok")


async def test_a_body_sent_a_byte_at_a_time_is_answered_408(connect: Connect) -> None:
    reader, writer = await connect()
    writer.write(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nx")
    await writer.drain()

    async def trickle() -> None:
        for _ in range(int(BOUND / 0.1)):
            await asyncio.sleep(0.1)
            writer.write(b"x")
            await writer.drain()

    dripping = asyncio.create_task(trickle())
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), BOUND)
    finally:
        dripping.cancel()
    assert head.startswith(b"HTTP/1.1 408")
    assert b"application/problem+json" in head


async def test_a_prompt_client_is_served_on_one_connection(connect: Connect) -> None:
    reader, writer = await connect()
    for n in range(3):
        body = f"ballot {n}".encode()
        writer.write(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), BOUND)
        assert head.startswith(b"HTTP/1.1 200")
        assert await asyncio.wait_for(reader.readexactly(len(body)), BOUND) == body
