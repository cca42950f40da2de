"""Meetings, their lifecycle and agenda: the HTTP answer and the event that followed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from meeting_svc.openapi import OPENAPI
from tests.conftest import EventTap, wait_for
from tests.meeting.conftest import Client, Org, advance, meeting_body, new_meeting, ok


async def test_create_read_and_list_a_meeting(client: Client, org: Org, tap: EventTap) -> None:
    created = await new_meeting(client, org)
    assert created["status"] == "draft"
    assert created["starts_at"] == "2030-01-14T13:30:00+07:00"  # rendered in the meeting's time zone
    event = await tap.wait("meeting.created", meeting_id=uuid.UUID(created["id"]))
    assert event.organisation_id == org.id  # type: ignore[attr-defined]
    assert event.title.vi == "Hội nghị tổng kết công tác năm 2020"  # type: ignore[attr-defined]

    read = await ok(await client.get(f"/api/v1/meetings/{created['id']}", headers=org.organiser.auth))
    assert read["venue"] == {"name": "Khách sạn Minh Toan Galaxy", "address": "306 Đường 2/9, Đà Nẵng"}
    assert read["agenda"] == []

    await advance(client, org, created["id"], "schedule")
    listed = await ok(await client.get("/api/v1/meetings?status=scheduled", headers=org.organiser.auth))
    assert [m["id"] for m in listed["items"]] == [created["id"]]
    listed = await ok(await client.get("/api/v1/meetings?status=draft", headers=org.organiser.auth))
    assert listed["items"] == []
    listed = await ok(await client.get("/api/v1/meetings?from=2031-01-01T00:00:00Z", headers=org.organiser.auth))
    assert listed["items"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"ends_at": "2030-01-14T13:00:00+07:00"}, "ends_at"),
        ({"starts_at": "2030-01-14T13:30:00"}, "starts_at"),
        ({"title": {"vi": "", "en": ""}}, "title"),
        ({"online_url": "javascript:alert(document.cookie)"}, "online_url"),
        ({"colour": "red"}, None),
    ],
)
async def test_invalid_meeting_is_rejected_naming_the_field(
    client: Client, org: Org, change: dict[str, Any], field: str | None
) -> None:
    response = await client.post("/api/v1/meetings", json=meeting_body(**change), headers=org.organiser.auth)
    body = await response.json()
    assert response.status == 422, body
    assert response.content_type == "application/problem+json"
    if field:
        assert body["field"] == field
    else:
        assert "colour" in body["detail"]
    listed = await ok(await client.get("/api/v1/meetings", headers=org.organiser.auth))
    assert listed["items"] == []


LIFECYCLE = {
    # status reached by these actions from draft -> action -> allowed?
    "draft": ((), {"schedule": True, "start": False, "end": False, "cancel": True}),
    "scheduled": (("schedule",), {"schedule": False, "start": True, "end": False, "cancel": True}),
    "in_progress": (("schedule", "start"), {"schedule": False, "start": False, "end": True, "cancel": False}),
    "ended": (("schedule", "start", "end"), {"schedule": False, "start": False, "end": False, "cancel": False}),
    "cancelled": (("cancel",), {"schedule": False, "start": False, "end": False, "cancel": False}),
}
TARGET = {"schedule": "scheduled", "start": "in_progress", "end": "ended", "cancel": "cancelled"}


async def test_lifecycle_transition_table(client: Client, org: Org) -> None:
    for status, (path, allowed) in LIFECYCLE.items():
        for action, ok_ in allowed.items():
            meeting = await new_meeting(client, org)
            if path:
                assert (await advance(client, org, meeting["id"], *path))["status"] == status
            response = await client.post(f"/api/v1/meetings/{meeting['id']}/{action}", headers=org.organiser.auth)
            body = await response.json()
            if ok_:
                assert (response.status, body["status"]) == (200, TARGET[action]), (status, action)
            else:
                assert (response.status, body["current_status"]) == (409, status), (status, action)


async def test_reschedule_emits_previous_times_and_stale_edits_are_refused(
    client: Client, org: Org, tap: EventTap
) -> None:
    meeting = await new_meeting(client, org)
    scheduled = await advance(client, org, meeting["id"], "schedule")
    version = scheduled["version"]
    moved = await client.patch(
        f"/api/v1/meetings/{meeting['id']}",
        json={"starts_at": "2030-01-15T08:00:00+07:00", "ends_at": "2030-01-15T12:00:00+07:00"},
        headers={**org.organiser.auth, "If-Match": f'"{version}"'},
    )
    assert moved.status == 200
    event = await tap.wait("meeting.rescheduled")
    assert event.previous_starts_at == dt.datetime(2030, 1, 14, 6, 30, tzinfo=dt.UTC)  # type: ignore[attr-defined]
    assert event.starts_at == dt.datetime(2030, 1, 15, 1, 0, tzinfo=dt.UTC)  # type: ignore[attr-defined]
    stale = await client.patch(
        f"/api/v1/meetings/{meeting['id']}",
        json={"title": {"vi": "Khác", "en": "Other"}},
        headers={**org.organiser.auth, "If-Match": f'"{version}"'},
    )
    assert stale.status == 412
    read = await ok(await client.get(f"/api/v1/meetings/{meeting['id']}", headers=org.organiser.auth))
    assert read["title"]["vi"] == "Hội nghị tổng kết công tác năm 2020"


async def test_idempotency_key_creates_once(client: Client, org: Org, tap: EventTap) -> None:
    headers = {**org.organiser.auth, "Idempotency-Key": "create-review-2020"}
    first = await client.post("/api/v1/meetings", json=meeting_body(), headers=headers)
    second = await client.post("/api/v1/meetings", json=meeting_body(), headers=headers)
    assert (first.status, second.status) == (201, 201)
    assert (await first.json())["id"] == (await second.json())["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    await tap.wait("meeting.created")
    listed = await ok(await client.get("/api/v1/meetings", headers=org.organiser.auth))
    assert len(listed["items"]) == 1


async def test_agenda_add_edit_reorder_remove(client: Client, org: Org, tap: EventTap) -> None:
    meeting = await new_meeting(client, org)
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    titles = ["Khai mạc", "Báo cáo tổng kết năm 2020", "Biểu quyết Nghị quyết"]
    ids = []
    for title, kind in zip(titles, ("other", "report", "vote"), strict=True):
        body = await ok(
            await client.post(
                url, json={"title": {"vi": title}, "kind": kind, "planned_minutes": 10}, headers=org.organiser.auth
            ),
            201,
        )
        ids.append(body["items"][-1]["id"])
    await wait_for(lambda: _count(tap, "agenda.item_added", 3), what="three agenda.item_added")
    current = await client.get(url, headers=org.organiser.auth)
    etag = current.headers["ETag"]
    bad = await client.put(url + "/order", json={"item_ids": ids[:2]}, headers=org.organiser.auth)
    assert (bad.status, (await bad.json())["field"]) == (422, "item_ids")
    reordered = await ok(
        await client.put(url + "/order", json={"item_ids": ids[::-1]}, headers={**org.organiser.auth, "If-Match": etag})
    )
    assert [i["title"]["vi"] for i in reordered["items"]] == titles[::-1]
    assert [i["position"] for i in reordered["items"]] == [1, 2, 3]
    stale = await client.put(url + "/order", json={"item_ids": ids}, headers={**org.organiser.auth, "If-Match": etag})
    assert stale.status == 412
    await tap.wait("agenda.reordered")
    edited = await ok(
        await client.patch(f"{url}/{ids[1]}", json={"presenter": "Nguyễn Phú Quốc"}, headers=org.organiser.auth)
    )
    assert [i["presenter"] for i in edited["items"]] == [None, "Nguyễn Phú Quốc", None]
    removed = await ok(await client.delete(f"{url}/{ids[2]}", headers=org.organiser.auth))
    assert [i["position"] for i in removed["items"]] == [1, 2]
    await tap.wait("agenda.item_removed")
    read = await ok(await client.get(f"/api/v1/meetings/{meeting['id']}", headers=org.organiser.auth))
    assert [i["id"] for i in read["agenda"]] == [ids[1], ids[0]]


async def _count(tap: EventTap, event_type: str, n: int) -> bool:
    return len(tap.of_type(event_type)) == n


def test_openapi_document_is_current() -> None:
    assert OPENAPI.path.read_text(encoding="utf-8") == OPENAPI.render(), "run `python -m meeting_svc.openapi`"
