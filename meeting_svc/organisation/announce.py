"""The organisation's departments as events: each creation or change is announced on the bus in the
transaction that makes it (resolution_svc names departments in its exports from them), and departments
made before these events existed are announced once when the service starts."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import structlog

from meeting_svc.bilingual import bilingual
from meeting_svc.organisation import db
from schemas import events as ev
from schemas.bus import enqueue
from schemas.codec import new_event
from servicekit.runtime import Runtime

log = structlog.get_logger("meeting.departments")

RETRY_S = 5.0


def department_event(
    kind: type[ev.DepartmentFacts], org: uuid.UUID, row: Any, actor: str | None = None
) -> ev.DepartmentFacts:
    """The department as it now stands. About no meeting, so not numbered among a meeting's events: its
    own `version` orders it."""
    return new_event(
        kind,
        meeting_id=ev.NO_MEETING,
        actor=actor,
        organisation_id=org,
        department_id=row["id"],
        code=row["code"],
        name=bilingual(row, "name"),
        parent_id=row["parent_id"],
        version=row["version"],
    )


async def announce_earlier_departments(runtime: Runtime) -> None:
    """Once at start: a `department.defined` for every department not announced yet."""
    while True:
        try:
            async with runtime.db().acquire() as conn, conn.transaction():
                rows = await db.take_unannounced_departments(conn)
                events = [department_event(ev.DepartmentDefined, r["organisation_id"], r) for r in rows]
                await enqueue(conn, runtime.subjects, *events)
            if rows:
                log.info("earlier departments announced", count=len(rows))
            return
        except Exception as exc:  # a passing outage: try again, the departments wait in the table
            log.warning("announcing earlier departments failed", error=repr(exc))
            await asyncio.sleep(RETRY_S)
