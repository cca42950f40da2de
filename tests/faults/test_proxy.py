"""The fault proxy itself, against a real echo server and against real PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.faults.proxy import FaultProxy

pytestmark = pytest.mark.faults


@pytest.fixture
async def echo() -> AsyncIterator[int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(1024):
                writer.write(data)
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
async def proxy(echo: int) -> AsyncIterator[FaultProxy]:
    p = await FaultProxy("127.0.0.1", echo).start()
    yield p
    await p.stop()


async def roundtrip(proxy: FaultProxy, payload: bytes = b"ping") -> bytes:
    reader, writer = await asyncio.open_connection(*proxy.address)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.readexactly(len(payload)), 5)
    finally:
        writer.close()


async def test_bytes_pass_through_both_ways(proxy: FaultProxy) -> None:
    assert await roundtrip(proxy, b"x" * 200_000) == b"x" * 200_000


async def test_latency_holds_each_chunk_back(proxy: FaultProxy) -> None:
    proxy.latency(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await roundtrip(proxy) == b"ping"
    # both directions waited: the lower bound is what the proxy guarantees (an upper one would be luck)
    assert loop.time() - started >= 0.1


async def test_reset_cuts_open_connections_and_refuses_new_ones_until_healed(proxy: FaultProxy) -> None:
    reader, writer = await asyncio.open_connection(*proxy.address)
    writer.write(b"a")
    assert await reader.readexactly(1) == b"a"
    proxy.reset()
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        writer.write(b"b")
        await writer.drain()
        await asyncio.wait_for(reader.readexactly(1), 5)
    writer.close()
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await roundtrip(proxy)
    proxy.passthrough()
    assert await roundtrip(proxy) == b"ping"


async def test_a_blackhole_delivers_nothing_until_healed_then_the_held_bytes(proxy: FaultProxy) -> None:
    reader, writer = await asyncio.open_connection(*proxy.address)
    proxy.blackhole()
    writer.write(b"held")
    await writer.drain()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.readexactly(4), 0.3)
    proxy.passthrough()  # like TCP retransmission once a path returns
    assert await asyncio.wait_for(reader.readexactly(4), 5) == b"held"
    writer.close()


async def test_postgresql_through_the_proxy_fails_on_reset_and_works_after(pg_admin_url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(pg_admin_url)
    if parts.hostname is None:
        pytest.skip("PostgreSQL on a unix socket")
    proxy = await FaultProxy(parts.hostname, parts.port or 5432).start()
    url = pg_admin_url.replace(f"{parts.hostname}:{parts.port or 5432}", f"127.0.0.1:{proxy.port}")
    try:
        conn = await asyncpg.connect(url)
        assert await conn.fetchval("select 1") == 1
        proxy.reset()
        with pytest.raises((ConnectionError, asyncpg.PostgresError, asyncpg.InterfaceError)):
            await conn.fetchval("select 1")
        conn.terminate()
        proxy.passthrough()
        conn = await asyncpg.connect(url)
        assert await conn.fetchval("select 2") == 2
        await conn.close()
    finally:
        await proxy.stop()
