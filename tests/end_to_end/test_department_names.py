"""A department created and renamed in meeting_svc reaches resolution_svc's read model by its events (the
names its exports show), and the notifier takes the organisation-wide events without stalling on them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from schemas import events as ev
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, wait_for
from tests.end_to_end.test_current_state import Client, trio


async def test_a_department_and_its_rename_reach_resolution_svc(
    env: dict[str, Any], start_service: Callable[[web.Application], Awaitable[Client]], tap: EventTap
) -> None:
    stack = await trio(env, start_service)
    body = {"name": {"vi": "Phòng Đo lường", "en": "Metrology"}, "code": "ĐL"}
    dep = await stack.ok(stack.meeting, "POST", "/api/v1/departments", 201, json=body)
    renamed = {"name": {"vi": "Trung tâm Đo lường", "en": "Metrology Centre"}}
    await stack.ok(stack.meeting, "PATCH", f"/api/v1/departments/{dep['id']}", json=renamed)

    defined = await tap.wait("department.defined", department_id=uuid.UUID(dep["id"]))
    changed = await tap.wait("department.renamed", department_id=uuid.UUID(dep["id"]))
    assert isinstance(defined, ev.DepartmentDefined) and isinstance(changed, ev.DepartmentRenamed)
    assert defined.meeting_id == changed.meeting_id == ev.NO_MEETING and changed.meeting_seq is None
    assert (defined.version, changed.version) == (1, 2)
    assert (changed.code, changed.name) == ("ĐL", ev.Bilingual(vi="Trung tâm Đo lường", en="Metrology Centre"))
    assert defined.organisation_id == changed.organisation_id

    resolution_db = stack.resolution.app[RUNTIME].db()

    async def known() -> Any:
        return await resolution_db.fetchrow(
            "select organisation_id, code, name_vi, name_en from departments where id = $1 and version = 2",
            uuid.UUID(dep["id"]),
        )

    row = await wait_for(known, what="resolution_svc to know the renamed department")
    assert tuple(row) == (changed.organisation_id, "ĐL", "Trung tâm Đo lường", "Metrology Centre")

    notifier_db = stack.notifier.app[RUNTIME].db()

    async def taken() -> bool:
        n = await notifier_db.fetchval(
            "select count(*) from processed_events where event_id = any($1::uuid[])", [defined.id, changed.id]
        )
        return bool(n == 2)

    await wait_for(taken, what="the notifier to take the department events")
    assert await notifier_db.fetchval("select count(*) from dead_letters") == 0
