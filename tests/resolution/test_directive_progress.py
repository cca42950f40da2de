"""Progress on a directive shared by two departments: each department's notes are its own, with author
and time; every report is kept (append-only) and told in its event."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from servicekit.runtime import RUNTIME
from tests.conftest import EventTap
from tests.resolution.conftest import DIRECTIVES, Client, Meeting, ok, poll, vote


async def shared_directive(m: Meeting, tap: EventTap, departments: list[uuid.UUID]) -> dict[str, Any]:
    """A resolution whose one directive falls to both departments, adopted by every voter."""
    body = {
        "title": {"vi": "Nghị quyết Hội nghị", "en": "Resolution of the conference"},
        "text": {"vi": "Hội nghị thống nhất thông qua...", "en": "The conference adopts..."},
        "directives": [{**DIRECTIVES[0], "department_ids": [str(d) for d in departments]}],
    }
    res = await ok(await m.client.post(f"/api/v1/meetings/{m.id}/resolutions", json=body, headers=m.organiser), 201)
    await tap.wait("resolution.drafted", resolution_id=uuid.UUID(res["id"]))
    p = await poll(m, motion="resolution", resolution_id=res["id"])
    await tap.wait("poll.opened", poll_id=uuid.UUID(p["id"]))
    for person in m.people:
        await ok(await vote(m, p["id"], person, "yes"), 201)
    await ok(await m.client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    issued = await tap.wait("directive.issued")
    return await ok(await m.client.get(f"/api/v1/directives/{issued.directive.id}", headers=m.organiser))  # type: ignore[attr-defined, no-any-return]


async def test_each_department_keeps_its_own_notes_with_author_and_time(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m = await meeting()
    metrology, testing, elsewhere = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await m.add(2)
    [metrology_rep] = await m.add(1, role="department_representative", department=metrology)
    [testing_rep] = await m.add(1, role="department_representative", department=testing)
    directive = await shared_directive(m, tap, [metrology, testing])
    url = f"/api/v1/directives/{directive['id']}"
    assert directive["progress"] == []

    await ok(
        await client.patch(
            url, json={"status": "in_progress", "note": "Đo lường: đã lập kế hoạch"}, headers=metrology_rep.auth
        )
    )
    changed = await tap.wait("directive.status_changed", directive_id=uuid.UUID(directive["id"]))
    assert changed.department_id == metrology and changed.actor == f"participant:{metrology_rep.id}"  # type: ignore[attr-defined]
    both = await ok(
        await client.patch(
            url, json={"status": "in_progress", "note": "Thử nghiệm: đang khảo sát"}, headers=testing_rep.auth
        )
    )

    # The second department's note sits beside the first's; neither overwrote the other.
    notes = {p["department_id"]: p for p in both["progress"]}
    assert {k: (v["note"], v["author_id"], v["author_kind"]) for k, v in notes.items()} == {
        str(metrology): ("Đo lường: đã lập kế hoạch", str(metrology_rep.id), "participant"),
        str(testing): ("Thử nghiệm: đang khảo sát", str(testing_rep.id), "participant"),
    }
    assert all(p["recorded_at"] for p in both["progress"])

    # A later report replaces the department's latest note; the history keeps all three, newest first.
    latest = await ok(
        await client.patch(url, json={"status": "done", "note": "Đo lường: hoàn thành"}, headers=metrology_rep.auth)
    )
    assert {p["department_id"]: p["note"] for p in latest["progress"]}[str(metrology)] == "Đo lường: hoàn thành"
    history = await ok(await client.get(f"{url}/progress", headers=testing_rep.auth))
    assert [h["note"] for h in history["items"]] == [
        "Đo lường: hoàn thành",
        "Thử nghiệm: đang khảo sát",
        "Đo lường: đã lập kế hoạch",
    ]

    # A representative reports for their own department only; an organiser for one of the directive's.
    refused = await client.patch(
        url, json={"status": "done", "department_id": str(metrology)}, headers=testing_rep.auth
    )
    assert (refused.status, (await refused.json())["field"]) == (422, "department_id")
    refused = await client.patch(url, json={"status": "done", "department_id": str(elsewhere)}, headers=m.organiser)
    assert (refused.status, (await refused.json())["field"]) == (422, "department_id")
    by_organiser = await ok(
        await client.patch(
            url,
            json={"status": "done", "note": "Ban tổ chức ghi nhận", "department_id": str(testing)},
            headers=m.organiser,
        )
    )
    assert {p["department_id"]: p["author_kind"] for p in by_organiser["progress"]}[str(testing)] == "organiser"


async def test_the_progress_history_cannot_be_rewritten(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    department = uuid.uuid4()
    await m.add(1)
    [rep] = await m.add(1, role="department_representative", department=department)
    directive = await shared_directive(m, tap, [department])
    url = f"/api/v1/directives/{directive['id']}"
    await ok(await client.patch(url, json={"status": "in_progress", "note": "Bắt đầu"}, headers=rep.auth))
    db = client.app[RUNTIME].db()
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await db.execute(
            "update directive_progress set note = 'sửa lại' where directive_id = $1", uuid.UUID(directive["id"])
        )
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await db.execute("delete from directive_progress where directive_id = $1", uuid.UUID(directive["id"]))
    history = await ok(await client.get(f"{url}/progress", headers=m.organiser))
    assert [h["note"] for h in history["items"]] == ["Bắt đầu"]
