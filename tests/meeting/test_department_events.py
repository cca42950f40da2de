"""Departments on the bus: a creation is `department.defined` at version 1, each change a
`department.renamed` one version up, about no meeting; departments made before these events existed
are announced once when the service starts, by one replica however many start together."""

from __future__ import annotations

import asyncio
import uuid

from meeting_svc.organisation.announce import announce_earlier_departments
from schemas import events as ev
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap
from tests.meeting.conftest import Client, Org, ok


async def test_a_department_is_announced_when_made_and_at_each_change(client: Client, org: Org, tap: EventTap) -> None:
    body = {"name": {"vi": "Khối Đo lường", "en": "Metrology block"}, "code": "KĐL"}
    block = await ok(await client.post("/api/v1/departments", json=body, headers=org.organiser.auth), 201)
    body = {"name": {"vi": "Phòng Đo lường"}, "parent_id": block["id"]}
    dep = await ok(await client.post("/api/v1/departments", json=body, headers=org.organiser.auth), 201)
    for patch in ({"name": {"vi": "Phòng Đo lường 1", "en": "Metrology 1"}}, {"code": "ĐL1"}):
        await ok(await client.patch(f"/api/v1/departments/{dep['id']}", json=patch, headers=org.organiser.auth))
    refused = await client.patch(f"/api/v1/departments/{dep['id']}", json={"code": "KĐL"}, headers=org.organiser.auth)
    assert refused.status == 409  # the code is the block's: no change, so no event

    defined = await tap.wait("department.defined", department_id=uuid.UUID(dep["id"]))
    last = await tap.wait("department.renamed", department_id=uuid.UUID(dep["id"]), version=3)
    assert isinstance(defined, ev.DepartmentDefined) and isinstance(last, ev.DepartmentRenamed)
    assert (defined.version, defined.parent_id, defined.code) == (1, uuid.UUID(block["id"]), None)
    assert (last.code, last.name, last.parent_id) == (
        "ĐL1",
        ev.Bilingual(vi="Phòng Đo lường 1", en="Metrology 1"),
        uuid.UUID(block["id"]),
    )
    assert defined.meeting_id == last.meeting_id == ev.NO_MEETING and last.meeting_seq is None
    assert defined.organisation_id == org.id and (last.actor or "").startswith("organiser:")
    assert [e.version for e in tap.of_type("department.renamed")] == [2, 3]


async def test_departments_made_before_the_events_are_announced_once(client: Client, org: Org, tap: EventTap) -> None:
    runtime = client.app[RUNTIME]
    earlier = uuid.uuid4()
    await runtime.db().execute(
        "insert into departments (id, organisation_id, code, name_vi, name_en)"
        " values ($1, $2, 'TN', 'Phòng Thử nghiệm', 'Testing')",
        earlier,
        org.id,
    )
    # two replicas starting together
    await asyncio.gather(announce_earlier_departments(runtime), announce_earlier_departments(runtime))
    announced = await tap.wait("department.defined", department_id=earlier)
    assert isinstance(announced, ev.DepartmentDefined)
    assert (announced.organisation_id, announced.code, announced.name, announced.version) == (
        org.id,
        "TN",
        ev.Bilingual(vi="Phòng Thử nghiệm", en="Testing"),
        1,
    )
    await announce_earlier_departments(runtime)  # a later start announces nothing again
    outbox = await runtime.db().fetchval("select count(*) from outbox where subject like '%.department.defined'")
    assert outbox == 1
    assert len([e for e in tap.of_type("department.defined") if e.department_id == earlier]) == 1  # type: ignore[attr-defined]
