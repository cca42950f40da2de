"""Answers other services' question "how far have a meeting's events gone?" (docs/consistency.md).

A core NATS request/reply, not a stream: resolution_svc asks before it opens or closes a poll and then
waits until its read model has applied every event up to the answer. The answer is read from the
committed meeting row, so it covers everything meeting_svc acknowledged before the question.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import msgspec
import structlog
from nats.aio.msg import Msg

from meeting_svc import events
from servicekit.runtime import Runtime

log = structlog.get_logger("meeting.positions")


class PositionAnswer(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    position: int | None = None  # None: no such meeting
    error: str | None = None


async def answer_positions(runtime: Runtime) -> None:
    assert runtime.nc is not None

    async def on_request(msg: Msg) -> None:
        try:
            meeting_id = uuid.UUID(msg.data.decode())
        except ValueError:
            await msg.respond(msgspec.json.encode(PositionAnswer(error="not a meeting id")))
            return
        try:
            position = await events.event_position(runtime.db(), meeting_id)
        except Exception as exc:  # no answer: the asker times out and answers 503
            log.warning("meeting position not answered", error=repr(exc))
            return
        await msg.respond(msgspec.json.encode(PositionAnswer(position=position)))

    # a queue group: with several replicas, one answers each question
    sub = await runtime.nc.subscribe(runtime.subjects.meeting_position(), queue="meeting-positions", cb=on_request)
    try:
        await asyncio.Event().wait()
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
