from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from schemas import MEETINGS, Subjects, decode
from schemas.bus import enqueue
from schemas.codec import new_event
from schemas.events import MeetingStarted
from servicekit.runtime import RUNTIME, Runtime, create_base_app
from servicekit.settings import CommonSettings
from tests.conftest import settings_of, wait_for, wait_ready

SQL = Path(__file__).resolve().parents[2] / "meeting_svc" / "sql"


def _app(env: dict[str, Any]) -> web.Application:
    app = create_base_app(Runtime(settings=settings_of(CommonSettings, env), service="meeting", sql=SQL))

    app.router.add_post("/start", _start_meeting)
    return app


async def _start_meeting(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    async with runtime.db().acquire() as conn, conn.transaction():
        await enqueue(conn, runtime.subjects, new_event(MeetingStarted, meeting_id=uuid.uuid4(), actor="chair"))
    return web.json_response({}, status=202)


async def test_correlation_id_travels_from_request_to_event_and_headers(
    env: dict[str, Any], start_service: Any, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    client = await start_service(_app(env))
    received: list[Any] = []
    sub = await js[1].subscribe(Subjects(namespace).all_of(MEETINGS), ordered_consumer=True, cb=_append(received))

    response = await client.post("/start", headers={"X-Correlation-Id": "req-quatest-2021"})
    assert response.status == 202
    assert response.headers["X-Correlation-Id"] == "req-quatest-2021"
    await wait_for(lambda: _nonempty(received), what="event published")
    await sub.unsubscribe()

    msg = received[0]
    assert msg.headers["Correlation-Id"] == "req-quatest-2021"
    event = decode(msg.data)
    assert event.correlation_id == "req-quatest-2021"
    assert msg.headers["Nats-Msg-Id"] == str(event.id)


def _append(into: list[Any]) -> Any:
    async def cb(msg: Any) -> None:
        into.append(msg)

    return cb


async def _nonempty(items: list[Any]) -> bool:
    return bool(items)


async def test_graceful_shutdown_finishes_in_flight_requests_and_flushes_the_outbox(
    env: dict[str, Any], js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    app = _app(env)
    started = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(0.5)
        return await _start_meeting(request)

    app.router.add_post("/slow", slow)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    await wait_ready(app)
    received: list[Any] = []
    sub = await js[1].subscribe(Subjects(namespace).all_of(MEETINGS), ordered_consumer=True, cb=_append(received))

    async with aiohttp.ClientSession() as session:
        in_flight = asyncio.create_task(session.post(client.make_url("/slow")))
        await started.wait()
        await client.server.close()  # stop accepting, wait for the handler, then relay flush and NATS drain
        response = await in_flight
        assert response.status == 202
    await client.close()
    await wait_for(lambda: _nonempty(received), what="the event written during shutdown reached JetStream")
    await sub.unsubscribe()
