"""Server-Sent Events for a meeting's participants, with one broadcaster per meeting per process.

The database notifies `<meeting>:<live_seq>` after each live event commits. The meeting's
broadcaster (if anyone is watching it here) reads the new events once and hands the encoded frame
to every client's queue: a thousand clients cost one read per event. A client resumes with
`Last-Event-ID` (the meeting's live sequence number): it first gets what it missed from the event
log, then the live frames, duplicates dropped by number.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from aiohttp import web

from notifier.live import db
from notifier.live.frames import frame
from servicekit import pg
from servicekit.runtime import Runtime

log = structlog.get_logger("notifier.live")  # its name from before the package split: log filters use it

Frame = tuple[int, bytes]


class Client:
    def __init__(self, buffer: int) -> None:
        self.queue: asyncio.Queue[Frame | None] = asyncio.Queue(buffer)

    def offer(self, item: Frame) -> bool:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        return True


class Broadcaster:
    def __init__(self, hub: Hub, meeting_id: uuid.UUID, position: int) -> None:
        self.hub = hub
        self.meeting_id = meeting_id
        self.position = position
        self.clients: set[Client] = set()
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.idle = False  # waiting to be woken, no read under way (tests wait for it)

    async def run(self, pool: pg.Pool) -> None:
        while True:
            self.idle = True
            await self.wake.wait()
            self.idle = False
            self.wake.clear()
            try:
                self.hub.reads += 1
                rows = await db.live_events_after(pool, self.meeting_id, self.position)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("live read failed", error=repr(exc))
                await asyncio.sleep(0.5)
                self.wake.set()
                continue
            for row in rows:
                item = (row["live_seq"], frame(row["live_seq"], row["event_type"], bytes(row["payload"])))
                self.position = row["live_seq"]
                for client in list(self.clients):
                    if not client.offer(item):
                        # Too far behind: disconnect it; it resumes from its Last-Event-ID.
                        self.clients.discard(client)
                        with contextlib.suppress(asyncio.QueueFull):
                            client.queue.put_nowait(None)
            if len(rows) == 1000:
                self.wake.set()


class Hub:
    def __init__(self, buffer: int) -> None:
        self.buffer = buffer
        self.broadcasters: dict[uuid.UUID, Broadcaster] = {}
        self.pool: pg.Pool | None = None
        self.reads = 0  # database reads by broadcasters, for tests and metrics
        self.listening = asyncio.Event()  # notifications of new live events are arriving

    async def join(self, meeting_id: uuid.UUID) -> Client:
        assert self.pool is not None
        b = self.broadcasters.get(meeting_id)
        if b is None:
            position = await db.live_position(self.pool, meeting_id)
            b = self.broadcasters.get(meeting_id)
            if b is None:
                b = Broadcaster(self, meeting_id, position)
                self.broadcasters[meeting_id] = b
                b.task = asyncio.create_task(b.run(self.pool), name=f"live-{meeting_id}")
        client = Client(self.buffer)
        b.clients.add(client)
        b.wake.set()  # catch up anything committed between reading the position and now
        return client

    def leave(self, meeting_id: uuid.UUID, client: Client) -> None:
        b = self.broadcasters.get(meeting_id)
        if b is None:
            return
        b.clients.discard(client)
        if not b.clients:
            del self.broadcasters[meeting_id]
            if b.task is not None:
                b.task.cancel()

    def notified(self, payload: str) -> None:
        meeting, _, _ = payload.partition(":")
        with contextlib.suppress(ValueError):
            b = self.broadcasters.get(uuid.UUID(meeting))
            if b is not None:
                b.wake.set()

    async def run(self, runtime: Runtime) -> None:
        """Listen for live events committed by any notifier process."""
        self.pool = runtime.db()
        while True:
            conn: pg.Connection | None = None
            try:
                conn = await asyncpg.connect(runtime.settings.database_url)
                await conn.add_listener(f"{runtime.service}_live", lambda *args: self.notified(args[3]))
                for b in self.broadcasters.values():
                    b.wake.set()  # notifications may have been missed while reconnecting
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _, lost=lost: lost.set())
                self.listening.set()
                await lost.wait()
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("live listener lost the database", error=repr(exc))
                await asyncio.sleep(1.0)
            finally:
                self.listening.clear()
                if conn is not None:
                    conn.terminate()  # a listener has nothing to finish; an await could be cut short

    async def stop(self) -> None:
        for b in list(self.broadcasters.values()):
            if b.task is not None:
                b.task.cancel()
            for client in b.clients:
                with contextlib.suppress(asyncio.QueueFull):
                    client.queue.put_nowait(None)
        self.broadcasters.clear()


async def stream(
    request: web.Request,
    hub: Hub,
    pool: pg.Pool,
    meeting_id: uuid.UUID,
    last_id: int | None,
    heartbeat: float,
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
) -> web.StreamResponse:
    """`still_allowed` is asked once a heartbeat interval (whether frames flow or not): when the session the
    stream was opened with has ended since (its invite revoked or reissued, its participant removed), the
    stream ends, as every other request of that session is refused."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache, no-transform",
            "X-Accel-Buffering": "no",
        }
    )
    client = await hub.join(meeting_id)
    try:
        await response.prepare(request)
        await response.write(b"retry: 3000\n\n")
        sent = last_id if last_id is not None else await db.live_position(pool, meeting_id)
        if last_id is not None:
            while True:
                rows = await db.live_events_after(pool, meeting_id, sent)
                for row in rows:
                    await response.write(frame(row["live_seq"], row["event_type"], bytes(row["payload"])))
                    sent = row["live_seq"]
                if len(rows) < 1000:
                    break
        loop = asyncio.get_running_loop()
        check_at = loop.time() + heartbeat
        while True:
            if still_allowed is not None and loop.time() >= check_at:
                if not await still_allowed():
                    break
                check_at = loop.time() + heartbeat
            try:
                async with asyncio.timeout(heartbeat):
                    item = await client.queue.get()
            except TimeoutError:
                await response.write(b": heartbeat\n\n")
                continue
            if item is None:
                break
            seq, data = item
            if seq <= sent:
                continue
            await response.write(data)
            sent = seq
    except ConnectionResetError:
        pass
    finally:
        hub.leave(meeting_id, client)
    return response
