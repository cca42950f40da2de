"""Department position reports: requests, submissions, revisions, lateness and overdue notices."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, MovableClock, wait_for
from tests.meeting.conftest import Caller, Client, Org, invite, join, new_meeting, ok


async def block(client: Client, org: Org, code: str, vi: str) -> str:
    body = await ok(
        await client.post("/api/v1/departments", json={"name": {"vi": vi}, "code": code}, headers=org.organiser.auth),
        201,
    )
    return str(body["id"])


async def representative(client: Client, org: Org, mid: str, department: str, name: str) -> Caller:
    return await join(
        client, await invite(client, org, mid, name=name, role="department_representative", department_id=department)
    )


async def deadline_passes(client: Client, request_id: str) -> None:
    """The time until a deadline, passed: the deadline moved a minute into the past."""
    await (
        client.app[RUNTIME]
        .db()
        .execute(
            "update contribution_requests set deadline = now() - interval '1 minute' where id = $1",
            uuid.UUID(request_id),
        )
    )


def request_body(departments: list[str], deadline: dt.datetime, **extra: Any) -> dict[str, Any]:
    return {
        "topic": {"vi": "Báo cáo tham luận góp ý và kiến nghị", "en": "Position report"},
        "guidance": "Góp ý và kiến nghị đến Lãnh đạo Trung tâm",
        "department_ids": departments,
        "deadline": deadline.isoformat(),
        **extra,
    }


REPORT = {
    "title": "Tham luận của Khối Đo lường",
    "body": "## Kiến nghị\n\n* Đầu tư **thiết bị**\n\n<script>alert(1)</script>",
    "recommendations": ["Đầu tư trang thiết bị", "Số hóa quản lý"],
}


async def test_submit_revise_and_status(client: Client, org: Org, tap: EventTap) -> None:
    dl = await block(client, org, "DL", "Khối Đo lường")
    tn = await block(client, org, "TN", "Khối Thử nghiệm")
    mid = (await new_meeting(client, org))["id"]
    rep_dl = await representative(client, org, mid, dl, "Hoàng Minh Chi")
    rep_tn = await representative(client, org, mid, tn, "Đỗ Thu Hà")
    member = await join(client, await invite(client, org, mid, name="Bùi Văn Nam"))
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    url = f"/api/v1/meetings/{mid}/contribution-requests"
    denied = await client.post(url, json=request_body([dl], deadline), headers=member.auth)
    assert denied.status == 403
    req = await ok(await client.post(url, json=request_body([dl], deadline), headers=org.organiser.auth), 201)
    await tap.wait("contribution.requested", request_id=uuid.UUID(req["id"]))

    wrong = await client.post(f"{url}/{req['id']}/submissions", json=REPORT, headers=rep_tn.auth)
    assert wrong.status == 403  # not addressed to the Testing block
    first = await ok(await client.post(f"{url}/{req['id']}/submissions", json=REPORT, headers=rep_dl.auth), 201)
    assert "<script>" not in first["current"]["body_html"]
    assert "<strong>thiết bị</strong>" in first["current"]["body_html"]
    again = await client.post(f"{url}/{req['id']}/submissions", json=REPORT, headers=rep_dl.auth)
    assert again.status == 409
    sub_url = f"{url}/{req['id']}/submissions/{first['id']}"
    no_match = await client.put(sub_url, json={**REPORT, "title": "Bản sửa"}, headers=rep_dl.auth)
    assert no_match.status == 428
    revised = await ok(
        await client.put(sub_url, json={**REPORT, "title": "Bản sửa"}, headers={**rep_dl.auth, "If-Match": '"1"'})
    )
    assert (revised["revision"], revised["current"]["title"]) == (2, "Bản sửa")
    stale = await client.put(sub_url, json=REPORT, headers={**rep_dl.auth, "If-Match": '"1"'})
    assert stale.status == 412
    history = await ok(await client.get(sub_url + "/revisions", headers=member.auth))
    assert [r["title"] for r in history["items"]] == [REPORT["title"], "Bản sửa"]
    event = await tap.wait("contribution.revised")
    assert (event.revision, event.late) == (2, False)  # type: ignore[attr-defined]
    status = await ok(await client.get(f"/api/v1/meetings/{mid}/contributions", headers=org.organiser.auth))
    assert [(s["department_id"], s["status"], s["revisions"], s["submission_id"]) for s in status["items"]] == [
        (dl, "revised", 2, sub_url.rsplit("/", 1)[-1])
    ]


async def test_late_reports_and_overdue_notice(
    client: Client, org: Org, tap: EventTap, schedule_clock: MovableClock
) -> None:
    # The overdue check runs an hour behind until the late report is in: otherwise it could announce
    # the department that is about to submit late, depending on when its round falls.
    schedule_clock.advance(-dt.timedelta(hours=1))
    dl = await block(client, org, "DL", "Khối Đo lường")
    tn = await block(client, org, "TN", "Khối Thử nghiệm")
    mid = (await new_meeting(client, org))["id"]
    rep_dl = await representative(client, org, mid, dl, "Hoàng Minh Chi")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    url = f"/api/v1/meetings/{mid}/contribution-requests"
    past = await client.post(url, json=request_body([dl], soon - dt.timedelta(hours=2)), headers=org.organiser.auth)
    assert (past.status, (await past.json())["field"]) == (422, "deadline")  # a deadline already past
    strict = await ok(await client.post(url, json=request_body([dl], soon), headers=org.organiser.auth), 201)
    await deadline_passes(client, strict["id"])
    refused = await client.post(f"{url}/{strict['id']}/submissions", json=REPORT, headers=rep_dl.auth)
    assert (refused.status, (await refused.json())["field"]) == (409, "deadline")
    lenient = await ok(
        await client.post(url, json=request_body([dl, tn], soon, allow_late=True), headers=org.organiser.auth), 201
    )
    await deadline_passes(client, lenient["id"])
    late = await ok(await client.post(f"{url}/{lenient['id']}/submissions", json=REPORT, headers=rep_dl.auth), 201)
    assert late["late"] is True
    schedule_clock.advance(dt.timedelta(hours=2))

    required = {(uuid.UUID(strict["id"]), uuid.UUID(dl)), (uuid.UUID(lenient["id"]), uuid.UUID(tn))}

    async def notices() -> list[Any]:
        found = tap.of_type("contribution.overdue")
        return found if required <= {(e.request_id, e.department_id) for e in found} else []  # type: ignore[attr-defined]

    overdue = await wait_for(notices, what="contribution.overdue")
    pairs = [(e.request_id, e.department_id) for e in overdue]  # type: ignore[attr-defined]
    assert len(pairs) == len(set(pairs)), pairs  # one notice per (request, department)
    # The check ran an hour behind until the late report was in, so that department was never due.
    assert set(pairs) == required
    status = await ok(await client.get(f"/api/v1/meetings/{mid}/contributions", headers=org.organiser.auth))
    states = {(s["request_id"], s["department_id"]): s["status"] for s in status["items"]}
    assert states == {(strict["id"], dl): "overdue", (lenient["id"], dl): "late", (lenient["id"], tn): "overdue"}


async def test_reminders_go_to_departments_without_a_report_and_show_in_the_tracker(
    client: Client, org: Org, tap: EventTap
) -> None:
    dl = await block(client, org, "DL", "Khối Đo lường")
    tn = await block(client, org, "TN", "Khối Thử nghiệm")
    nv = await block(client, org, "NV", "Khối Nghiệp vụ")
    mid = (await new_meeting(client, org))["id"]
    rep = await representative(client, org, mid, dl, "Đại diện Đo lường")
    member = await join(client, await invite(client, org, mid, name="Thành viên"))
    secretary = await join(client, await invite(client, org, mid, name="Thư ký", role="secretary"))
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    requests = f"/api/v1/meetings/{mid}/contribution-requests"
    req = await ok(
        await client.post(requests, json=request_body([dl, tn, nv], deadline), headers=org.organiser.auth), 201
    )
    await ok(await client.post(f"{requests}/{req['id']}/submissions", json=REPORT, headers=rep.auth), 201)

    url = f"{requests}/{req['id']}/reminders"
    once = {**secretary.auth, "Idempotency-Key": "remind-1"}
    sent = await ok(await client.post(url, headers=once), 202)
    assert sorted(sent["department_ids"]) == sorted([tn, nv])  # DL has submitted
    event = await tap.wait("contribution.reminded", request_id=uuid.UUID(req["id"]))
    assert sorted(map(str, event.department_ids)) == sorted([tn, nv])  # type: ignore[attr-defined]
    again = await client.post(url, headers=once)  # a double click: the first answer, nothing sent again
    assert (again.status, again.headers.get("Idempotent-Replayed")) == (202, "true")
    tracker = await ok(await client.get(f"/api/v1/meetings/{mid}/contributions", headers=org.organiser.auth))
    reminded = {s["department_id"]: s["reminded_at"] for s in tracker["items"]}
    assert reminded[dl] is None and reminded[tn] is not None and reminded[nv] is not None

    one = await ok(await client.post(url, json={"department_ids": [nv]}, headers=org.organiser.auth), 202)
    assert one["department_ids"] == [nv]
    await tap.wait("contribution.reminded", department_ids=[uuid.UUID(nv)])
    assert len(tap.of_type("contribution.reminded")) == 2  # the replay published nothing
    elsewhere = await client.post(url, json={"department_ids": [str(uuid.uuid4())]}, headers=org.organiser.auth)
    assert (elsewhere.status, (await elsewhere.json())["field"]) == (422, "department_ids[0]")
    assert (await client.post(url, headers=member.auth)).status == 403
    unknown = await client.post(f"{requests}/{uuid.uuid4()}/reminders", headers=org.organiser.auth)
    assert unknown.status == 404
    await ok(await client.post(f"/api/v1/meetings/{mid}/cancel", headers=org.organiser.auth))
    closed = await client.post(url, headers=org.organiser.auth)
    assert closed.status == 409
