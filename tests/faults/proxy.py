"""A TCP fault proxy between a service and PostgreSQL or NATS: passes bytes through, or adds latency,
resets every connection, or swallows traffic (a blackhole: connections stay open, nothing arrives).

No package on PyPI does this without a separate server binary (Toxiproxy is Go), so it is small and
has its own tests (test_proxy.py). It runs in the test's event loop; services reach it on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field

MODES = ("pass", "latency", "reset", "blackhole")


@dataclass
class FaultProxy:
    upstream_host: str
    upstream_port: int
    upstream_unix: str | None = None  # a unix socket path instead of host and port
    port: int = 0
    mode: str = "pass"
    latency_s: float = 0.0
    accepted: int = 0
    _server: asyncio.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _flowing: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> FaultProxy:
        self._flowing.set()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def passthrough(self) -> None:
        self.mode, self.latency_s = "pass", 0.0
        self._flowing.set()

    def latency(self, seconds: float) -> None:
        """Every chunk in either direction waits this long before it is forwarded."""
        self.mode, self.latency_s = "latency", seconds
        self._flowing.set()

    def reset(self) -> None:
        """Cut every open connection with a TCP RST and refuse new ones until `passthrough`."""
        self.mode = "reset"
        self._flowing.set()
        for writer in list(self._writers):
            _abort(writer)
        self._writers.clear()

    def blackhole(self) -> None:
        """Keep connections open but forward nothing (new ones are accepted and hang too)."""
        self.mode = "blackhole"
        self._flowing.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode == "reset":
            _abort(writer)
            return
        try:
            if self.upstream_unix:
                up_reader, up_writer = await asyncio.open_unix_connection(self.upstream_unix)
            else:
                up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        except OSError:
            _abort(writer)
            return
        self._writers.update((writer, up_writer))
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer, writer)),
            asyncio.create_task(self._pump(up_reader, writer, up_writer)),
        ]
        self._tasks.update(pumps)
        try:
            await asyncio.gather(*pumps, return_exceptions=True)
        finally:
            self._tasks.difference_update(pumps)
            for w in (writer, up_writer):
                self._writers.discard(w)
                with contextlib.suppress(Exception):
                    w.close()

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, other: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                await self._flowing.wait()  # a blackhole holds the bytes; they are never sent while it lasts
                if self.mode == "latency" and self.latency_s > 0:
                    await asyncio.sleep(self.latency_s)
                if self.mode == "reset":
                    break
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            # a closed side closes the other, as a real TCP path would
            with contextlib.suppress(Exception):
                if sink.can_write_eof():
                    sink.write_eof()
            if self.mode == "reset":
                _abort(other)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            _abort(writer)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0), as a crashed peer or a firewall reset would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(Exception):
        writer.transport.abort()
